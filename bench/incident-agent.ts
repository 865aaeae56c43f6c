/**
 * Incident agent latency in a real n8n 2.41.1: from a syslog line sent by a (simulated) Proxmox node
 * to the analysed notification in Gotify, through workflows/proxmox-incident-agent.json with the
 * OpenAI simulator as the model: per event (vzdump's backup failure line, a VMID of its own so no two
 * share an event key) three model calls, the failed-tasks tool, the event log as memory (a Data
 * Table query; the table grows by one analysis per event) and the analysis written back. Baseline in
 * the same run: a published Syslog Trigger -> Gotify workflow without the agent, i.e. what n8n and the
 * package cost without the AI part.
 *
 *   npx tsx bench/incident-agent.ts        (starts its own n8n; or set N8N_E2E_STATE_FILE to reuse one)
 */
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

import { startGotifySimulator } from '../test/simulators/gotify';
import { startNtfySimulator } from '../test/simulators/ntfy';
import { startOpenAiSimulator } from '../test/simulators/openai';
import { startProxmoxSimulator } from '../test/simulators/proxmox';
import { N8nClient, type WorkflowJson } from '../test/e2e/client';
import { createEventTable } from '../test/e2e/eventTable';
import { freePort, installN8n, installPackageLikeCommunityNodes, makeUserFolder, packPackage, PACKAGE_NAME, PACKAGE_ROOT, startN8n, stopProcess, type N8nState } from '../test/e2e/n8n';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 120000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const value = await probe();
		if (value !== undefined) return value;
		await new Promise((wake) => setTimeout(wake, 10));
	}
	throw new Error(`timed out after ${timeoutMs} ms`);
}

async function listening(port: number): Promise<void> {
	await until(
		() =>
			new Promise<true | undefined>((resolve) => {
				const socket = connect(port, '127.0.0.1', () => {
					socket.destroy();
					resolve(true);
				});
				socket.on('error', () => resolve(undefined));
			}),
	);
}

const stats = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
	return { median: at(0.5), p90: at(0.9), min: sorted[0], max: sorted[sorted.length - 1] };
};

async function main() {
	let state: N8nState;
	let stop: (() => Promise<void>) | undefined;
	if (process.env.N8N_E2E_STATE_FILE && existsSync(process.env.N8N_E2E_STATE_FILE)) {
		state = JSON.parse(readFileSync(process.env.N8N_E2E_STATE_FILE, 'utf8')) as N8nState;
	} else {
		const n8nDir = await installN8n();
		const userFolder = makeUserFolder();
		await installPackageLikeCommunityNodes(await packPackage(join(userFolder, 'pack')), userFolder);
		const started = await startN8n({ n8nDir, userFolder });
		state = started.state;
		stop = () => stopProcess(started.child);
	}
	const n8n = new N8nClient(state);
	const pve = await startProxmoxSimulator({ taskSpeed: 50, unauthorizedDelayMs: 50 });
	const model = await startOpenAiSimulator();
	const gotify = await startGotifySimulator();
	const ntfy = await startNtfySimulator();
	const app = gotify.createApplication('admin', 'bench');
	const gotifyClient = gotify.createClient('admin', 'n8n');
	const cred = async (name: string, type: string, data: Record<string, unknown>) => ({ id: await n8n.createCredential({ name, type, data }), name });
	const credentials = {
		proxmoxMcpApi: await cred('bench Proxmox', 'proxmoxMcpApi', { hosts: `${pve.host}:${pve.port}`, authMethod: 'token', tokenId: pve.token.id, tokenSecret: pve.token.secret, tlsMode: 'fingerprint', fingerprint: pve.fingerprint }),
		openAiApi: await cred('bench model', 'openAiApi', { apiKey: model.apiKey, url: model.url }),
		proxmoxMcpGotifyApi: await cred('bench Gotify', 'proxmoxMcpGotifyApi', { serverUrl: gotify.url, appToken: app.token, clientToken: gotifyClient.token, tlsMode: 'system' }),
		proxmoxMcpNtfyApi: await cred('bench ntfy', 'proxmoxMcpNtfyApi', { serverUrl: ntfy.url, authentication: 'none', tlsMode: 'system' }),
	};

	// Baseline: Syslog Trigger -> Gotify, nothing else.
	const basePort = await freePort();
	const baseline = await n8n.createWorkflow(
		{
			name: 'bench: syslog to Gotify',
			nodes: [
				{ id: 'b0000000-0000-4000-8000-000000000001', name: 'Syslog', type: `${PACKAGE_NAME}.syslogTrigger`, typeVersion: 1, position: [0, 0], parameters: { protocol: 'tcp', host: '127.0.0.1', port: basePort } },
				{
					id: 'b0000000-0000-4000-8000-000000000002',
					name: 'Gotify',
					type: `${PACKAGE_NAME}.gotify`,
					typeVersion: 1,
					position: [200, 0],
					parameters: { resource: 'message', operation: 'send', message: '={{ $json.message }}', options: { title: 'baseline' } },
					credentials: { proxmoxMcpGotifyApi: {} },
				},
			],
			connections: { Syslog: { main: [[{ node: 'Gotify', type: 'main', index: 0 }]] } },
		},
		credentials,
	);
	const agentPort = await freePort();
	const workflow = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'workflows', 'proxmox-incident-agent.json'), 'utf8')) as WorkflowJson;
	Object.assign(workflow.nodes.find((node) => String(node.type).endsWith('.syslogTrigger'))!.parameters as object, { protocol: 'tcp', host: '127.0.0.1', port: agentPort });
	// Discord and e-mail (critical/high only) come after Gotify in the run; measured up to Gotify.
	for (const node of workflow.nodes) if (/\.(discordWebhook|smtpEmail|proxmoxPollTrigger)$/.test(String(node.type))) node.disabled = true;
	const table = await createEventTable(n8n, [workflow]);
	const agent = await n8n.createWorkflow({ ...workflow, name: 'bench: incident agent' }, credentials);
	await n8n.publish(baseline);
	await n8n.publish(agent);
	await listening(basePort);
	await listening(agentPort);

	const send = (port: number, line: string) => pve.control.emitSyslog({ node: 'pve1', target: { host: '127.0.0.1', port, transport: 'tcp' }, lines: [line], severity: 3 });
	const measure = async (port: number, round: number, title: (text: string) => boolean) => {
		const before = gotify.messages.length;
		const started = performance.now();
		// What vzdump logs when a guest's backup fails (pve-manager PVE/VZDump.pm).
		await send(port, `vzdump[${4000 + round}]: ERROR: Backup of VM ${1001 + round} failed - No space left on device`);
		await until(() => (gotify.messages.slice(before).some((message) => title(message.title)) ? true : undefined));
		return performance.now() - started;
	};
	const base: number[] = [];
	const ai: number[] = [];
	// One warm-up round each, not counted.
	await measure(basePort, -1, (title) => title === 'baseline');
	await measure(agentPort, -1, (title) => title.includes('Proxmox incident'));
	const callsBefore = model.modelCalls().length;
	for (let round = 0; round < ROUNDS; round++) {
		base.push(await measure(basePort, round, (title) => title === 'baseline'));
		ai.push(await measure(agentPort, round, (title) => title.includes('Proxmox incident')));
	}
	const modelCalls = (model.modelCalls().length - callsBefore) / ROUNDS;
	const tools = [...new Set(model.toolCallsMade().map((call) => call.name).filter((name) => name !== 'format_final_json_response'))].join(', ');
	const rows = (await table.rows()).filter((row) => row.kind === 'incident').length;
	const b = stats(base);
	const a = stats(ai);
	const ms = (value: number) => `${Math.round(value)} ms`;
	console.log(`rounds: ${ROUNDS} (sequential), model calls per event: ${modelCalls}, tools: ${tools}; analyses in the event log: ${rows}`);
	console.log(`baseline syslog -> Gotify:       median ${ms(b.median)}, p90 ${ms(b.p90)} (min ${ms(b.min)}, max ${ms(b.max)})`);
	console.log(`incident agent syslog -> Gotify: median ${ms(a.median)}, p90 ${ms(a.p90)} (min ${ms(a.min)}, max ${ms(a.max)})`);
	console.log(`agent / baseline (median): ${(a.median / b.median).toFixed(1)}x`);

	await n8n.unpublish(agent).catch(() => undefined);
	await n8n.unpublish(baseline).catch(() => undefined);
	await Promise.all([pve.close(), model.close(), gotify.close(), ntfy.close()]);
	if (stop) await stop();
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
