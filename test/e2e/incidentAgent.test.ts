/**
 * workflows/proxmox-incident-agent.json in a real n8n 2.41.1 with simulators only: Proxmox VE, an
 * OpenAI-compatible model (test/simulators/openai, Responses API as lmChatOpenAi 1.3 uses by
 * default), Gotify and ntfy. A syslog line from a Proxmox node starts the workflow; the model's
 * requests show which tools it called; the notifiers show what a person receives; the Approve
 * button's request (the Wait node's resume URL) runs the one approved operation.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

import { startGotifySimulator, type GotifySimulator } from '../simulators/gotify';
import { startNtfySimulator, type NtfySimulator } from '../simulators/ntfy';
import { startOpenAiSimulator, triageScript, type OpenAiSimulator } from '../simulators/openai';
import { startProxmoxSimulator, type ProxmoxSimulator } from '../simulators/proxmox';
import { call } from '../simulators/proxmox/tests/rawClient';
import { N8nClient, type ExecutionSummary, type WorkflowJson } from './client';
import { freePort, PACKAGE_ROOT } from './n8n';

const WORKFLOW = join(PACKAGE_ROOT, 'workflows', 'proxmox-incident-agent.json');

// Each case runs a model conversation, several tool runs and the notifiers in a busy n8n.
jest.setTimeout(240000);

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 90000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const value = await probe();
		if (value !== undefined && value !== null && value !== false) return value;
		await new Promise((wake) => setTimeout(wake, 400));
	}
	throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Waits until the Syslog Trigger accepts TCP connections (the workflow is live). */
async function waitForListener(port: number): Promise<void> {
	await until('the Syslog Trigger to listen', () =>
		new Promise<boolean | undefined>((resolve) => {
			const socket = connect(port, '127.0.0.1', () => {
				socket.destroy();
				resolve(true);
			});
			socket.on('error', () => resolve(undefined));
		}),
	);
}

describe('Proxmox incident agent workflow in a real n8n', () => {
	const n8n = new N8nClient();
	let pve: ProxmoxSimulator;
	let model: OpenAiSimulator;
	let gotify: GotifySimulator;
	let ntfy: NtfySimulator;
	let workflowId: string;
	let syslogPort: number;
	const token = () => `PVEAPIToken=${pve.token.id}=${pve.token.secret}`;

	const syslog = (node: string, line: string, severity = 3) =>
		pve.control.emitSyslog({ node, target: { host: '127.0.0.1', port: syslogPort, transport: 'tcp' }, lines: [line], severity });

	const guestNode = (vmid: number) => (pve.control.getState() as { guests: Array<{ vmid: number; node: string; status: string }> }).guests.find((guest) => guest.vmid === vmid)!;

	/** Executions of the workflow that got past the trigger, newest first. */
	const executions = async () => n8n.executions(workflowId, true);
	const executionWhere = (label: string, predicate: (execution: ExecutionSummary) => boolean) =>
		until(label, async () => (await executions()).find((execution) => predicate(execution)), 120000);

	beforeAll(async () => {
		pve = await startProxmoxSimulator({ taskSpeed: 50, statsRefreshMs: 200, unauthorizedDelayMs: 50 });
		model = await startOpenAiSimulator();
		gotify = await startGotifySimulator();
		ntfy = await startNtfySimulator();
		const app = gotify.createApplication('admin', 'Proxmox incidents');
		const gotifyClient = gotify.createClient('admin', 'n8n');
		syslogPort = await freePort();

		const workflow = JSON.parse(readFileSync(WORKFLOW, 'utf8')) as WorkflowJson;
		const syslogTrigger = workflow.nodes.find((node) => String(node.type).endsWith('.syslogTrigger'))!;
		Object.assign(syslogTrigger.parameters as object, { protocol: 'tcp', host: '127.0.0.1', port: syslogPort });
		// These cases drive the Syslog Trigger; the poll trigger would report the same failed backup
		// (by its task) a minute later, a second happening as far as the keys go (a syslog line has no UPID).
		workflow.nodes.find((node) => String(node.type).endsWith('.proxmoxPollTrigger'))!.disabled = true;
		const credential = async (name: string, type: string, data: Record<string, unknown>) => ({ id: await n8n.createCredential({ name, type, data }), name });
		workflowId = await n8n.createWorkflow(workflow, {
			proxmoxMcpApi: await credential('Proxmox VE', 'proxmoxMcpApi', {
				hosts: `${pve.host}:${pve.port}`,
				authMethod: 'token',
				tokenId: pve.token.id,
				tokenSecret: pve.token.secret,
				tlsMode: 'fingerprint',
				fingerprint: pve.fingerprint,
			}),
			openAiApi: await credential('OpenAI (or compatible)', 'openAiApi', { apiKey: model.apiKey, url: model.url }),
			proxmoxMcpGotifyApi: await credential('Gotify', 'proxmoxMcpGotifyApi', { serverUrl: gotify.url, appToken: app.token, clientToken: gotifyClient.token, tlsMode: 'system' }),
			proxmoxMcpNtfyApi: await credential('ntfy', 'proxmoxMcpNtfyApi', { serverUrl: ntfy.url, authentication: 'none', tlsMode: 'system' }),
		});
		await n8n.publish(workflowId);
		await waitForListener(syslogPort);
	});

	afterAll(async () => {
		if (workflowId) await n8n.unpublish(workflowId).catch(() => undefined);
		await Promise.all([pve?.close(), model?.close(), gotify?.close(), ntfy?.close()]);
	});

	it('a failed backup: the model reads the task log, Gotify and ntfy get the analysis with an approval for a retry', async () => {
		const vm = guestNode(100);
		pve.control.failNextBackup(100, 'No space left on device');
		const started = await call(pve, 'POST', `/nodes/${vm.node}/vzdump`, { token: token(), form: { vmid: '100', storage: 'nfs-backup', mode: 'snapshot' } });
		expect(started.status).toBe(200);
		const upid = started.json.data as string;
		await until('the backup task to end', async () => {
			const status = await call(pve, 'GET', `/nodes/${vm.node}/tasks/${encodeURIComponent(upid)}/status`, { token: token() });
			return status.json?.data?.status === 'stopped' ? status.json.data : undefined;
		});
		// What vzdump logs to syslog at err level when a guest's backup fails (pve-manager PVE/VZDump.pm).
		await syslog(vm.node, `vzdump[4242]: ERROR: Backup of VM 100 failed - No space left on device`);

		const message = await until('the analysis in Gotify', () => gotify.messages.find((entry) => entry.title?.startsWith('Proxmox incident')));
		expect(message.title).toMatch(/^Proxmox incident \[high\]: Backup of VM 100 on \w+ failed/);
		expect(message.message).toContain('No space left on device');
		expect(message.message).toContain('Proposed (needs your approval): Back up now 100');
		const calls = model.toolCallsMade();
		expect(calls.map((entry) => entry.name)).toEqual(['Recent_Failed_Tasks', 'Task_Log', 'format_final_json_response']);
		expect(calls[1].arguments).toEqual({ upid });
		// The model was given only read tools.
		const given = model.modelCalls()[0].conversation!.tools.map((tool) => tool.name).sort();
		expect(given).toEqual(['Backup_Jobs', 'Get_Container', 'Get_VM', 'Node_Status', 'Node_Syslog', 'Recent_Failed_Tasks', 'Storage_Status', 'Task_Log', 'format_final_json_response']);
		// The request went to the Responses API (lmChatOpenAi 1.3's default) with the bearer key.
		expect(model.modelCalls().every((request) => request.path === '/v1/responses' && request.authorized)).toBe(true);

		const push = await until('the ntfy push', () => ntfy.store.all().find((entry) => entry.title?.startsWith('Proxmox incident [high]')));
		expect(push.priority).toBe(5);
		expect(push.actions).toEqual([
			expect.objectContaining({ action: 'http', label: 'Approve: Back up now', method: 'POST', url: expect.stringContaining('decision=approve') }),
			expect.objectContaining({ action: 'http', label: 'Reject', method: 'POST', url: expect.stringContaining('decision=reject') }),
		]);
		const waiting = await executionWhere('the execution to wait for approval', (execution) => execution.status === 'waiting');
		expect(waiting.data?.resultData.runData['Wait for approval']).toBeDefined();

		// Reject: nothing runs, the person is told.
		const rejectUrl = push.actions!.find((action) => action.label === 'Reject')!.url!;
		const tasksBefore = (pve.control.getState() as { tasks: number }).tasks;
		expect((await fetch(rejectUrl, { method: 'POST' })).status).toBe(200);
		await until('the rejection report', () => ntfy.store.all().find((entry) => entry.message?.startsWith('Not run: Back up now 100 (rejected)')));
		expect((pve.control.getState() as { tasks: number }).tasks).toBe(tasksBefore);
	});

	it('the same failure again within the window is dropped (dedupe across executions)', async () => {
		const before = model.modelCalls().length;
		const executionsBefore = (await n8n.executions(workflowId, false)).length;
		// Other words (so the Syslog Trigger's own dedupe of identical lines lets it through), same happening.
		await syslog(guestNode(100).node, `vzdump[4243]: ERROR: Backup of VM 100 failed - No space left on device (second report)`);
		// The trigger ran (an execution) but Dedupe let nothing through: no model call.
		await until('the duplicate execution', async () => ((await n8n.executions(workflowId, false)).length > executionsBefore ? true : undefined));
		const newest = (await executions())[0];
		await until('it to finish', async () => ((await executions()).find((execution) => execution.id === newest.id && execution.status !== 'running' && execution.status !== 'new') ? true : undefined));
		expect(model.modelCalls().length).toBe(before);
		// A different happening on the same node (an unclassified line: keyed by its text) goes through.
		await syslog(guestNode(100).node, `kernel: EXT4-fs warning (device dm-1): ext4_end_bio: I/O error 10 writing to inode 1234`, 4);
		await until('the model to be asked about it', () => (model.modelCalls().length > before ? true : undefined));
		await until('its analysis in Gotify', () => gotify.messages.find((entry) => entry.message.includes('ext4_end_bio')));
	});

	it('a model recommending a destructive operation: refused, reported, never offered; the guest keeps running', async () => {
		model.setScript(
			triageScript({
				severity: 'critical',
				recommendedActions: [{ resource: 'vm', operation: 'stop', parameters: { vmid: 101 }, reason: 'Hard-stop the hung VM' }],
			}),
		);
		const vm = guestNode(101);
		await syslog(vm.node, `QEMU[7001]: VM 101 qmp command 'query-status' failed - got timeout (guest unresponsive)`, 3);
		const message = await until('the analysis in Gotify', () => gotify.messages.find((entry) => entry.title?.startsWith('Proxmox incident [critical]')));
		expect(message.message).toContain('Refused:');
		expect(message.message).toMatch(/vm\.stop \{"vmid":101\}: destructive, not offered for approval/);
		expect(message.message).not.toContain('Proposed (needs your approval)');
		const push = await until('the ntfy push', () => ntfy.store.all().find((entry) => entry.title?.startsWith('Proxmox incident [critical]')));
		expect(push.actions ?? []).toEqual([]);
		expect(guestNode(101).status).toBe('running');
		model.setScript(null);
	});

	it('approving a proposed guest restart runs it exactly once and reports the result', async () => {
		model.setScript(triageScript({ severity: 'medium', recommendedActions: [{ resource: 'vm', operation: 'reboot', parameters: { vmid: 103 }, reason: 'The guest stopped answering; restart it.' }] }));
		const vm = guestNode(103);
		await syslog(vm.node, `QEMU[7003]: VM 103 qmp command 'guest-ping' failed - got timeout (guest unresponsive)`, 4);
		const push = await until('the ntfy push', () => ntfy.store.all().find((entry) => entry.title?.startsWith('Proxmox incident [medium]')));
		const approve = push.actions!.find((action) => action.label === 'Approve: Reboot VM')!;
		expect(approve.url).toBeTruthy();
		await executionWhere('the execution to wait', (execution) => execution.status === 'waiting' && !!execution.data?.resultData.runData['Wait for approval']);

		expect((await fetch(approve.url!, { method: 'POST' })).status).toBe(200);
		const report = await until('the result report', () => ntfy.store.all().find((entry) => entry.message?.startsWith('Done: Reboot VM 103') || entry.message?.startsWith('Failed: Reboot VM 103')));
		expect(report.message).toMatch(/^Done: Reboot VM 103 \(task OK\)/);
		// A second tap (or a replayed request) finds no waiting execution: nothing runs again.
		const again = await fetch(approve.url!, { method: 'POST' });
		// n8n answers 409 for an execution that is no longer waiting (waiting-webhooks).
		expect(again.status).toBe(409);
		expect(await again.text()).not.toContain('Workflow was started');
		const tasks = await call(pve, 'GET', `/nodes/${vm.node}/tasks?vmid=103&typefilter=qmreboot&limit=50`, { token: token() });
		expect((tasks.json.data as Array<{ type: string }>).filter((task) => task.type === 'qmreboot')).toHaveLength(1);
		model.setScript(null);
	});
});
