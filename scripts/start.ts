/**
 * `npm start`: the package in a local n8n 2.41.1 with the simulators, ready to click through.
 * Builds, installs n8n (cached, shared with the e2e tests), installs the packed package as
 * Community Nodes does, starts the simulators (`scripts/sim.js`), imports a credential for each
 * simulator and the shipped workflows, and serves the editor on http://127.0.0.1:5678.
 *
 *   npm start [-- --port 5678] [--no-sim] [--fresh] [simulator options, e.g. --pve-port 18006]
 *
 * Every option it does not know itself goes to the simulators (`node scripts/sim.js --help`).
 * Busy ports are found before anything slow starts, and named with the option that changes them.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { N8nClient, type WorkflowJson } from '../test/e2e/client';
import { EVENT_TABLE, eventTableColumns } from '../test/e2e/eventTable';
import { installN8n, installPackageLikeCommunityNodes, listWorkflowFiles, OWNER, packPackage, PACKAGE_ROOT, startN8n, stopProcess } from '../test/e2e/n8n';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { assertPortsFree } = require('./ports.js') as { assertPortsFree(checks: PortCheck[]): Promise<void> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sim = require('./sim.js') as { parseArgs(argv: string[]): Record<string, unknown>; portChecks(args: Record<string, unknown>, commands: string[]): PortCheck[] };

interface PortCheck {
	port: number;
	host?: string;
	what: string;
	option: string;
	commands: string[];
}

const USAGE = `Usage: npm start [-- options]
Builds the package, installs it into a local n8n 2.41.1 like Community Nodes does, starts the
simulators and serves the editor.

Options:
  --port <port>   n8n editor port (default 5678; n8n's task broker uses the next one)
  --no-sim        do not start the simulators
  --fresh         start with an empty n8n (deletes .cache/n8n-local)
Environment: OPENAI_API_KEY, OPENAI_BASE_URL (e.g. http://127.0.0.1:11434/v1 for Ollama) and
OPENAI_MODEL point the incident agent at a real model instead of the OpenAI simulator.
  --help, -h      print this and exit
Any other option goes to the simulators, e.g. --pve-port 18006, --gotify-port 18070, --only pve
(node scripts/sim.js --help lists them).`;

/** Splits the command line into start's own options and the simulators' (passed through). */
export function parseStartArgs(argv: string[]): { port: string; noSim: boolean; fresh: boolean; help: boolean; simArgv: string[] } {
	const out = { port: '5678', noSim: false, fresh: false, help: false, simArgv: [] as string[] };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--port') out.port = argv[++i] ?? '';
		else if (arg.startsWith('--port=')) out.port = arg.slice('--port='.length);
		else if (arg === '--no-sim') out.noSim = true;
		else if (arg === '--fresh') out.fresh = true;
		else if (arg === '--help' || arg === '-h') out.help = true;
		else out.simArgv.push(arg);
	}
	return out;
}

const args = parseStartArgs(require.main === module ? process.argv.slice(2) : []);

const LOCAL = join(PACKAGE_ROOT, '.cache', 'n8n-local');
const KEY_FILE = join(LOCAL, 'encryption-key');
const RUNNING = join(PACKAGE_ROOT, '.cache', 'sim', 'running.json');
const MCP_TOKEN_FILE = join(LOCAL, 'mcp-token');

export interface SimulatorInfo {
	url: string;
	credential?: { name: string; type: string; data: Record<string, unknown> };
}

function step(text: string) {
	console.log(`\n== ${text}`);
}

async function startSimulators(): Promise<{ child: ChildProcess; info: Record<string, SimulatorInfo> }> {
	const startedAt = Date.now();
	const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'scripts', 'sim.js'), ...args.simArgv], { stdio: ['ignore', 'inherit', 'inherit'] });
	while (Date.now() - startedAt < 120000) {
		if (child.exitCode !== null) throw new Error(`the simulators exited with code ${child.exitCode}`);
		if (existsSync(RUNNING) && statSync(RUNNING).mtimeMs >= startedAt) {
			return { child, info: JSON.parse(readFileSync(RUNNING, 'utf8')) as Record<string, SimulatorInfo> };
		}
		await new Promise((wake) => setTimeout(wake, 300));
	}
	throw new Error('the simulators did not start within 120 s');
}

/** The workflows `npm start` publishes (their triggers and tools need the simulators' credentials). */
export const PUBLISHED_WORKFLOWS = ['Proxmox MCP Server', 'Proxmox Incident Agent', 'Proxmox Event Log'];

/**
 * The event log's Data Table, which the incident agent reads as memory and writes its analyses to:
 * created with the columns of the event log's *Create event table* node, as that node would.
 */
async function ensureEventTable(client: N8nClient): Promise<void> {
	const tables = await client.api<{ data: Array<{ name: string }> }>('GET', '/data-tables?limit=250');
	if (tables.data.some((table) => table.name === EVENT_TABLE)) return;
	await client.api('POST', '/data-tables', { name: EVENT_TABLE, columns: eventTableColumns() });
	console.log(`data table "${EVENT_TABLE}" created (the event log, and the incident agent's memory)`);
}

/**
 * The model credential: a real OpenAI-compatible server when OPENAI_API_KEY or OPENAI_BASE_URL is
 * set (Ollama and LM Studio accept any key), else the OpenAI simulator.
 */
export function modelCredential(env: NodeJS.ProcessEnv, simulated?: SimulatorInfo['credential']): SimulatorInfo['credential'] {
	if (!env.OPENAI_API_KEY && !env.OPENAI_BASE_URL) return simulated;
	return {
		name: 'OpenAI (from OPENAI_API_KEY / OPENAI_BASE_URL)',
		type: 'openAiApi',
		data: { apiKey: env.OPENAI_API_KEY ?? 'not-needed', url: (env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1').replace(/\/+$/, '') },
	};
}

export interface ImportOptions {
	/** Where the MCP server's bearer token is kept across runs. */
	tokenFile?: string;
	/** Changes a workflow before it is imported (e.g. a free syslog port for a throwaway n8n). */
	adapt?: (workflow: WorkflowJson) => void;
}

/**
 * Imports a credential for each simulator (and the MCP bearer token) and the shipped workflows,
 * skipping what exists by name, and publishes PUBLISHED_WORKFLOWS. Returns the workflow IDs by name.
 */
export async function importOnce(client: N8nClient, simulators: Record<string, SimulatorInfo>, options: ImportOptions = {}): Promise<Record<string, string>> {
	const tokenFile = options.tokenFile ?? MCP_TOKEN_FILE;
	const existingCredentials = new Set(
		(await client.api<{ data: Array<{ name: string }> }>('GET', '/credentials?limit=250').catch(() => ({ data: [] }))).data.map((c) => c.name),
	);
	const credentialIds: Record<string, { id: string; name: string }> = {};
	const credentials = Object.entries(simulators).map(([key, sim]) => ({ key, url: sim.url, credential: key === 'openai' ? modelCredential(process.env, sim.credential) : sim.credential }));
	if (!simulators.openai && modelCredential(process.env)) credentials.push({ key: 'openai', url: process.env.OPENAI_BASE_URL ?? 'api.openai.com', credential: modelCredential(process.env) });
	// The MCP server's endpoint token (an n8n Bearer Auth credential), kept across runs.
	if (!existsSync(tokenFile)) writeFileSync(tokenFile, randomBytes(24).toString('base64url'));
	credentials.push({ key: 'mcp', url: '', credential: { name: 'Proxmox MCP bearer token', type: 'httpBearerAuth', data: { token: readFileSync(tokenFile, 'utf8').trim() } } });
	for (const { key, url, credential } of credentials) {
		if (!credential) continue;
		if (existingCredentials.has(credential.name)) continue;
		const id = await client.createCredential(credential);
		credentialIds[credential.type] = { id, name: credential.name };
		console.log(`credential "${credential.name}" (${credential.type})${url ? ` -> ${key} at ${url}` : ''}`);
	}
	await ensureEventTable(client);
	const existingWorkflows = new Map((await client.api<{ data: Array<{ id: string; name: string }> }>('GET', '/workflows?limit=250')).data.map((w) => [w.name, w.id]));
	const ids: Record<string, string> = {};
	for (const file of listWorkflowFiles()) {
		const workflow = JSON.parse(readFileSync(file, 'utf8')) as WorkflowJson;
		const existing = existingWorkflows.get(workflow.name);
		if (existing) {
			ids[workflow.name] = existing;
			continue;
		}
		if (process.env.OPENAI_MODEL) {
			for (const node of workflow.nodes) if (node.type === '@n8n/n8n-nodes-langchain.lmChatOpenAi') (node.parameters as Record<string, unknown>).model = { __rl: true, mode: 'id', value: process.env.OPENAI_MODEL };
		}
		options.adapt?.(workflow);
		const id = await client.createWorkflow(workflow, credentialIds);
		ids[workflow.name] = id;
		console.log(`workflow "${workflow.name}" imported`);
		if (!PUBLISHED_WORKFLOWS.includes(workflow.name)) continue;
		try {
			await client.publish(id);
			console.log(`workflow "${workflow.name}" published`);
		} catch (error) {
			console.log(`workflow "${workflow.name}" not published: ${(error as Error).message}`);
		}
	}
	return ids;
}

/** What to try once everything runs. */
export function tryThis(port: number, simulators: Record<string, SimulatorInfo>): string {
	const lines = ['', 'Try the AI workflows:'];
	lines.push(
		`  MCP server (streamable HTTP): http://127.0.0.1:${port}/mcp/proxmox`,
		`    bearer token: ${existsSync(MCP_TOKEN_FILE) ? readFileSync(MCP_TOKEN_FILE, 'utf8').trim() : '(see the "Proxmox MCP bearer token" credential)'}`,
		`    e.g. npx @modelcontextprotocol/inspector, or Claude Desktop / Cursor / VS Code with that URL and header "Authorization: Bearer <token>"`,
	);
	if (simulators.pve) {
		lines.push(
			'  Incident agent (Syslog Trigger on port 5514): make a backup fail, then report it as vzdump does:',
			`    node scripts/sim.js control failNextBackup '[100, "No space left on device"]'`,
			`    node scripts/sim.js control runBackupJob '["backup-daily"]'`,
			`    node scripts/sim.js control emitSyslog '[{"node":"pve1","target":{"host":"127.0.0.1","port":5514,"transport":"udp"},"severity":3,"lines":["vzdump[4242]: ERROR: Backup of VM 100 failed - No space left on device"]}]'`,
			`  The analysis lands in Gotify (${simulators.gotify?.url ?? 'the Gotify credential'}, login admin/admin) and ntfy (${simulators.ntfy?.url ?? 'the ntfy credential'}/proxmox-incidents, with Approve / Reject buttons);`,
			`  a high or critical one also in Discord and e-mail (printed by the simulators as [discord] and [mail]; the mail is saved under .cache/sim/mail, with Approve / Reject form buttons);`,
			`  the run is in the editor under Executions of "Proxmox Incident Agent", the analysis and its outcome in the Data Table "${EVENT_TABLE}" (Overview > Data tables),`,
			`  which the agent reads as memory the next time the same kind of event comes (its Event_History tool).`,
		);
	}
	lines.push(
		process.env.OPENAI_API_KEY || process.env.OPENAI_BASE_URL
			? `  Model: ${process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1'} (${process.env.OPENAI_MODEL ?? 'gpt-4o-mini'})`
			: '  Model: the OpenAI simulator (scripted triage). Set OPENAI_API_KEY / OPENAI_BASE_URL (and OPENAI_MODEL) for a real one.',
	);
	return lines.join('\n');
}

async function checkPorts(port: number) {
	const checks: PortCheck[] = [
		{ port, what: 'the n8n editor', option: '--port', commands: ['npm start'] },
		{ port: port + 1, what: 'n8n\'s task broker, the editor port + 1', option: '--port', commands: ['npm start'] },
	];
	if (!args.noSim) checks.push(...sim.portChecks(sim.parseArgs(args.simArgv), ['npm start']));
	await assertPortsFree(checks);
}

async function main() {
	if (args.help) {
		console.log(USAGE);
		return;
	}
	const port = Number(args.port);
	if (!Number.isInteger(port) || port < 1 || port > 65534) throw new Error(`--port must be a port number (1-65534), got "${args.port}"`);
	// Before the build and the n8n install (minutes on a first run): name a busy port now.
	await checkPorts(port);
	if (args.fresh) rmSync(LOCAL, { recursive: true, force: true });
	mkdirSync(LOCAL, { recursive: true });

	step('build');
	execFileSync('npm', ['run', 'build'], { cwd: PACKAGE_ROOT, stdio: 'inherit' });

	step('n8n 2.41.1 (cached install)');
	const n8nDir = await installN8n();

	step('install the packed package like Settings > Community Nodes');
	const tarball = await packPackage(join(LOCAL, 'pack'));
	await installPackageLikeCommunityNodes(tarball, LOCAL);

	let simulators: { child: ChildProcess; info: Record<string, SimulatorInfo> } | undefined;
	if (!args.noSim) {
		step('simulators');
		simulators = await startSimulators();
	}

	step(`n8n on http://127.0.0.1:${port}`);
	if (!existsSync(KEY_FILE)) writeFileSync(KEY_FILE, randomBytes(24).toString('hex'));
	const { state, child } = await startN8n({ n8nDir, userFolder: LOCAL, port, encryptionKey: readFileSync(KEY_FILE, 'utf8').trim() });
	const client = new N8nClient(state);
	await importOnce(client, simulators?.info ?? {});
	console.log(tryThis(port, simulators?.info ?? {}));

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

if (require.main === module) {
	main().catch((error) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	});
}
