import type { ICredentialDataDecryptedObject, INodeCredentialTestResult } from 'n8n-workflow';

import { gotifyConnection, gotifyRequest, GotifyServerError, type GotifyConnection } from './transport';

/**
 * Reports the server version and which tokens work. The application token is checked with an
 * empty `POST /message`: authentication runs before validation, so a valid token gets 400
 * ("message is required") and nothing is sent; an invalid one gets 401.
 */
export async function testGotifyCredential(data: ICredentialDataDecryptedObject): Promise<INodeCredentialTestResult> {
	let connection: GotifyConnection;
	let version: string;
	try {
		connection = gotifyConnection(data);
		if (!connection.appToken && !connection.clientToken) return { status: 'Error', message: 'Enter an application token, a client token, or both' };
		version = (await gotifyRequest<{ version: string }>(connection, { method: 'GET', path: '/version', token: 'none', timeoutMs: 10000 })).version;
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
	const results: string[] = [];
	let failed = false;
	if (connection.appToken) {
		const outcome = await gotifyRequest(connection, { method: 'POST', path: '/message', token: 'app', json: {}, timeoutMs: 10000 }).then(
			() => 'works',
			(error: Error) => (error instanceof GotifyServerError && error.status === 400 ? 'works' : `does not work (${error.message})`),
		);
		failed ||= outcome !== 'works';
		results.push(`application token ${outcome}`);
	}
	if (connection.clientToken) {
		const outcome = await gotifyRequest<{ name: string }>(connection, { method: 'GET', path: '/current/user', token: 'client', timeoutMs: 10000 }).then(
			(user) => `works (user ${user.name})`,
			(error: Error) => `does not work (${error.message})`,
		);
		failed ||= !outcome.startsWith('works');
		results.push(`client token ${outcome}`);
	}
	return { status: failed ? 'Error' : 'OK', message: `Gotify ${version}: ${results.join('; ')}` };
}
