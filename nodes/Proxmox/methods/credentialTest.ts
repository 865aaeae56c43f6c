import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { ProxmoxConfigError, testConnection } from '../../shared/proxmox';
import { TlsConfigurationError } from '../../shared/transport';
import { clientFromCredentials } from '../transport';

export async function proxmoxMcpApiTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	try {
		const client = clientFromCredentials(credential.data ?? {}, { timeoutMs: 15000 });
		const result = await testConnection(client);
		return { status: result.ok ? 'OK' : 'Error', message: result.message };
	} catch (error) {
		if (error instanceof ProxmoxConfigError || error instanceof TlsConfigurationError) return { status: 'Error', message: error.message };
		return { status: 'Error', message: error instanceof Error ? error.message : String(error) };
	}
}
