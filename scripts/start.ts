/**
 * `npm start`: the package in a local n8n 2.41.1 with the simulators, ready to click through.
 * Builds, installs n8n (cached, shared with the e2e tests), installs the packed package as
 * Community Nodes does, starts the simulators (`scripts/sim.js`), imports a credential for each
 * simulator and the shipped workflows, and serves the editor on http://127.0.0.1:5678.
 *
 *   npm start [-- --port 5678] [--no-sim] [--fresh]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { N8nClient } from '../test/e2e/client';
import { installN8n, installPackageLikeCommunityNodes, listWorkflowFiles, OWNER, packPackage, PACKAGE_ROOT, startN8n, stopProcess } from '../test/e2e/n8n';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string, fallback: string) => {
	const index = args.indexOf(`--${name}`);
	return index >= 0 && args[index + 1] ? args[index + 1] : fallback;
};

const LOCAL = join(PACKAGE_ROOT, '.cache', 'n8n-local');
const KEY_FILE = join(LOCAL, 'encryption-key');
const RUNNING = join(PACKAGE_ROOT, '.cache', 'sim', 'running.json');

interface SimulatorInfo {
	url: string;
	credential?: { name: string; type: string; data: Record<string, unknown> };
}

function step(text: string) {
	console.log(`\n== ${text}`);
}

async function startSimulators(): Promise<{ child: ChildProcess; info: Record<string, SimulatorInfo> }> {
	const startedAt = Date.now();
	const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'scripts', 'sim.js')], { stdio: ['ignore', 'inherit', 'inherit'] });
	while (Date.now() - startedAt < 120000) {
		if (child.exitCode !== null) throw new Error(`the simulators exited with code ${child.exitCode}`);
		if (existsSync(RUNNING) && statSync(RUNNING).mtimeMs >= startedAt) {
			return { child, info: JSON.parse(readFileSync(RUNNING, 'utf8')) as Record<string, SimulatorInfo> };
		}
		await new Promise((wake) => setTimeout(wake, 300));
	}
	throw new Error('the simulators did not start within 120 s');
}

async function importOnce(client: N8nClient, simulators: Record<string, SimulatorInfo>) {
	const existingCredentials = new Set(
		(await client.api<{ data: Array<{ name: string }> }>('GET', '/credentials?limit=250').catch(() => ({ data: [] }))).data.map((c) => c.name),
	);
	const credentialIds: Record<string, { id: string; name: string }> = {};
	for (const [key, sim] of Object.entries(simulators)) {
		if (!sim.credential) continue;
		if (existingCredentials.has(sim.credential.name)) continue;
		const id = await client.createCredential(sim.credential);
		credentialIds[sim.credential.type] = { id, name: sim.credential.name };
		console.log(`credential "${sim.credential.name}" (${sim.credential.type}) -> ${key} simulator at ${sim.url}`);
	}
	const existingWorkflows = new Set((await client.api<{ data: Array<{ name: string }> }>('GET', '/workflows?limit=250')).data.map((w) => w.name));
	for (const file of listWorkflowFiles()) {
		const workflow = JSON.parse(readFileSync(file, 'utf8'));
		if (existingWorkflows.has(workflow.name)) continue;
		await client.createWorkflow(workflow, credentialIds);
		console.log(`workflow "${workflow.name}" imported`);
	}
}

async function main() {
	const port = Number(option('port', '5678'));
	if (flag('fresh')) rmSync(LOCAL, { recursive: true, force: true });
	mkdirSync(LOCAL, { recursive: true });

	step('build');
	execFileSync('npm', ['run', 'build'], { cwd: PACKAGE_ROOT, stdio: 'inherit' });

	step('n8n 2.41.1 (cached install)');
	const n8nDir = await installN8n();

	step('install the packed package like Settings > Community Nodes');
	const tarball = await packPackage(join(LOCAL, 'pack'));
	await installPackageLikeCommunityNodes(tarball, LOCAL);

	let simulators: { child: ChildProcess; info: Record<string, SimulatorInfo> } | undefined;
	if (!flag('no-sim')) {
		step('simulators');
		simulators = await startSimulators();
	}

	step(`n8n on http://127.0.0.1:${port}`);
	if (!existsSync(KEY_FILE)) writeFileSync(KEY_FILE, randomBytes(24).toString('hex'));
	const { state, child } = await startN8n({ n8nDir, userFolder: LOCAL, port, encryptionKey: readFileSync(KEY_FILE, 'utf8').trim() });
	const client = new N8nClient(state);
	await importOnce(client, simulators?.info ?? {});

	console.log(`
n8n is ready: http://127.0.0.1:${port}
  login: ${OWNER.email} / ${OWNER.password}
  n8n log: ${state.logFile}
Press Ctrl+C to stop n8n and the simulators.`);

	const stop = async () => {
		await stopProcess(child);
		if (simulators) await stopProcess(simulators.child);
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
	child.on('exit', (code) => {
		console.error(`n8n exited (${code})`);
		void stop();
	});
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
