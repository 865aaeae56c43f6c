import { existsSync, rmSync } from 'node:fs';

import { readState, STATE_FILE, stopProcess } from './n8n';

export default async function globalTeardown(): Promise<void> {
	if (!existsSync(STATE_FILE)) return;
	const state = readState();
	await stopProcess(state.pid);
	rmSync(STATE_FILE, { force: true });
	if (!process.env.KEEP_E2E_N8N) rmSync(state.userFolder, { recursive: true, force: true });
}
