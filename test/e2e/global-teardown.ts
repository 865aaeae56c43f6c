import { existsSync, rmSync } from 'node:fs';

import { readState, stateFile, stopProcess } from './n8n';

export default async function globalTeardown(): Promise<void> {
	if (!existsSync(stateFile())) return;
	const state = readState();
	await stopProcess(state.pid);
	rmSync(stateFile(), { force: true });
	if (!process.env.KEEP_E2E_N8N) rmSync(state.userFolder, { recursive: true, force: true });
}
