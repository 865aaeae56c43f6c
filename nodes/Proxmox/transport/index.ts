/**
 * The node's access to Proxmox: the shared client (nodes/shared/proxmox) built from the
 * node's credential. No HTTP code lives here.
 */
import { NodeOperationError, type ICredentialDataDecryptedObject, type IExecuteFunctions, type ILoadOptionsFunctions } from 'n8n-workflow';

import { ProxmoxClient, ProxmoxConfigError, readProxmoxConfig, type ProxmoxClientOptions } from '../../shared/proxmox';
import { TlsConfigurationError } from '../../shared/transport';

export const CREDENTIAL_TYPE = 'proxmoxMcpApi';

export function clientFromCredentials(credentials: ICredentialDataDecryptedObject, options: ProxmoxClientOptions = {}): ProxmoxClient {
	return new ProxmoxClient(readProxmoxConfig(credentials, 'pve'), options);
}

export async function getClient(fn: IExecuteFunctions | ILoadOptionsFunctions, options: ProxmoxClientOptions = {}): Promise<ProxmoxClient> {
	const credentials = await fn.getCredentials(CREDENTIAL_TYPE);
	try {
		return clientFromCredentials(credentials, options);
	} catch (error) {
		if (error instanceof ProxmoxConfigError || error instanceof TlsConfigurationError) {
			throw new NodeOperationError(fn.getNode(), `Proxmox credential: ${error.message}`, { description: `Field: ${error.field}` });
		}
		throw new NodeOperationError(fn.getNode(), error as Error);
	}
}
