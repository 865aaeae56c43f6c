import type { ICredentialDataDecryptedObject, INodeCredentialTestResult } from 'n8n-workflow';

import { ntfyConnection, ntfyRequest, NtfyServerError } from './transport';

/** Server reachable (health), then credentials accepted (401 means they are not). */
export async function testNtfyCredential(data: ICredentialDataDecryptedObject): Promise<INodeCredentialTestResult> {
	try {
		const connection = ntfyConnection(data);
		await ntfyRequest(connection, { method: 'GET', path: '/v1/health', timeoutMs: 10000 });
		if (!connection.authorization) return { status: 'OK', message: 'Connected (anonymous access)' };
		const accepted: true | Error = await ntfyRequest(connection, { method: 'GET', path: '/n8n-credential-check/auth', timeoutMs: 10000 }).then(
			(): true | Error => true,
			// 403 only means no permission on this probe topic: the login itself worked.
			(error: Error): true | Error => (error instanceof NtfyServerError && error.status === 403 ? true : error),
		);
		if (accepted !== true) return { status: 'Error', message: accepted.message };
		return { status: 'OK', message: 'Connected; the server accepted the credentials' };
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
}
