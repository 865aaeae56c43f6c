/**
 * How a Proxmox action node gets its client and runs its credential's Test button: the shared
 * client built from the node's credential, configuration mistakes reported with the field.
 */
import {
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type INodeCredentialTestResult,
} from 'n8n-workflow';

import { ProxmoxClient, ProxmoxConfigError, readProxmoxConfig, testConnection, type ProxmoxClientOptions, type ProxmoxProduct } from '../proxmox';
import { TlsConfigurationError } from '../transport';

export interface Connector {
	credentialType: string;
	clientFromCredentials(credentials: ICredentialDataDecryptedObject, options?: ProxmoxClientOptions): ProxmoxClient;
	getClient(fn: IExecuteFunctions | ILoadOptionsFunctions, options?: ProxmoxClientOptions): Promise<ProxmoxClient>;
	credentialTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult>;
}

/** `label`: how errors name the credential ("Proxmox credential"). */
export function createConnector(credentialType: string, product: ProxmoxProduct, label: string, defaults: ProxmoxClientOptions = {}): Connector {
	const clientFromCredentials = (credentials: ICredentialDataDecryptedObject, options: ProxmoxClientOptions = {}) =>
		new ProxmoxClient(readProxmoxConfig(credentials, product), { ...defaults, ...options });
	return {
		credentialType,
		clientFromCredentials,
		async getClient(fn, options = {}) {
			const credentials = await fn.getCredentials(credentialType);
			try {
				return clientFromCredentials(credentials, options);
			} catch (error) {
				if (error instanceof ProxmoxConfigError || error instanceof TlsConfigurationError) {
					throw new NodeOperationError(fn.getNode(), `${label}: ${error.message}`, { description: `Field: ${error.field}` });
				}
				throw new NodeOperationError(fn.getNode(), error as Error);
			}
		},
		async credentialTest(credential) {
			try {
				const client = clientFromCredentials(credential.data ?? {}, { timeoutMs: 15000 });
				const result = await testConnection(client);
				return { status: result.ok ? 'OK' : 'Error', message: result.message };
			} catch (error) {
				if (error instanceof ProxmoxConfigError || error instanceof TlsConfigurationError) return { status: 'Error', message: error.message };
				return { status: 'Error', message: error instanceof Error ? error.message : String(error) };
			}
		},
	};
}
