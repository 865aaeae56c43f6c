/** Shared setup for the Proxmox engine tests: a fast simulator and credentials pointing at it. */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { closeAllPools } from '../../../nodes/shared/transport';
import { clearTicketCache } from '../../../nodes/shared/proxmox';
import { startProxmoxSimulator, type ProxmoxSimulator, type ProxmoxSimulatorOptions } from '../../simulators/proxmox';

export const NODE = 'proxmox';

export async function startSim(options: ProxmoxSimulatorOptions = {}): Promise<ProxmoxSimulator> {
	return await startProxmoxSimulator({ unauthorizedDelayMs: 20, taskSpeed: 50, statsRefreshMs: 100, taskStatusGraceMs: 150, ...options });
}

export function tokenCredentials(sim: ProxmoxSimulator, overrides: ICredentialDataDecryptedObject = {}): { proxmoxMcpApi: ICredentialDataDecryptedObject } {
	return {
		proxmoxMcpApi: {
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

export function passwordCredentials(sim: ProxmoxSimulator, overrides: ICredentialDataDecryptedObject = {}): { proxmoxMcpApi: ICredentialDataDecryptedObject } {
	return {
		proxmoxMcpApi: {
			hosts: `${sim.host}:${sim.port}`,
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

export async function stopSim(sim: ProxmoxSimulator | undefined): Promise<void> {
	clearTicketCache();
	await closeAllPools();
	await sim?.close();
}

export function locator(value: string | number, mode = 'id') {
	return { __rl: true, mode, value: String(value) };
}
