/** Shared setup for the Proxmox engine tests: a fast simulator and credentials pointing at it. */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { join } from 'node:path';

import { PACKAGE_ROOT } from '../../helpers/engine';
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

/** The engine runs the package from dist/: its pools and ticket cache are dist's module state. */
function distModule<T>(path: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(join(PACKAGE_ROOT, 'dist', path)) as T;
}

export async function stopSim(sim: ProxmoxSimulator | undefined): Promise<void> {
	distModule<{ clearTicketCache(): void }>('nodes/shared/proxmox').clearTicketCache();
	await distModule<{ closeAllPools(): Promise<void> }>('nodes/shared/transport').closeAllPools();
	await sim?.close();
}

export function locator(value: string | number, mode = 'id') {
	return { __rl: true, mode, value: String(value) };
}
