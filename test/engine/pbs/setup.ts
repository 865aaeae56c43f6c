/** Shared setup for the Proxmox Backup Server engine tests: a fast PBS simulator and credentials for it. */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { runNode } from '../../helpers/engine';
import { startProxmoxSimulator, type ProxmoxSimulator, type ProxmoxSimulatorOptions } from '../../simulators/proxmox';
export { locator, stopSim } from '../proxmox/setup';

export const NODE = 'proxmoxBackupServer';

export async function startPbs(options: ProxmoxSimulatorOptions = {}): Promise<ProxmoxSimulator> {
	return await startProxmoxSimulator({ product: 'pbs', unauthorizedDelayMs: 20, taskSpeed: 50, taskStatusGraceMs: 150, ...options });
}

export type PbsCredentials = { proxmoxMcpPbsApi: ICredentialDataDecryptedObject };

export function pbsToken(sim: ProxmoxSimulator, overrides: ICredentialDataDecryptedObject = {}): PbsCredentials {
	return {
		proxmoxMcpPbsApi: {
			hosts: `${sim.host}:${sim.port}`,
			authMethod: 'token',
			tokenId: sim.token.id,
			tokenSecret: sim.token.secret,
			tlsMode: 'fingerprint',
			fingerprint: sim.fingerprint,
			...overrides,
		},
	};
}

export function pbsPassword(sim: ProxmoxSimulator, overrides: ICredentialDataDecryptedObject = {}): PbsCredentials {
	return {
		proxmoxMcpPbsApi: {
			hosts: `https://${sim.host}:${sim.port}`,
			authMethod: 'password',
			username: 'root',
			realm: 'pam',
			password: sim.password,
			tlsMode: 'customCa',
			caPem: sim.caPem,
			...overrides,
		},
	};
}

/** Runs one operation of the PBS node and returns the output items' JSON. */
export function runner(credentials: () => PbsCredentials) {
	return async (resource: string, operation: string, parameters: Record<string, unknown> = {}, options: Record<string, unknown> = {}): Promise<IDataObject[]> => {
		const items = await runNode(NODE, { resource, operation, ...parameters } as never, { credentials: credentials(), ...options });
		return items.map((item: { json: IDataObject }) => item.json);
	};
}
