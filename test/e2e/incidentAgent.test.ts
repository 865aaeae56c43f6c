/**
 * workflows/proxmox-incident-agent.json in a real n8n 2.41.1 with simulators only: Proxmox VE, an
 * OpenAI-compatible model (test/simulators/openai, Responses API as lmChatOpenAi 1.3 uses by
 * default), Gotify, ntfy, Discord and an SMTP server. A syslog line from a Proxmox node starts the
 * workflow; the model's requests show which tools it called and what they answered (the event log's
 * Data Table as memory); the notifiers show what a person receives; the Approve button's request
 * (the Wait node's resume URL) runs the one approved operation; the event log holds each analysis
 * and its outcome.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

import { startDiscordSimulator, type DiscordSimulator, type SimWebhook } from '../simulators/discord';
import { startGotifySimulator, type GotifySimulator } from '../simulators/gotify';
import { startSmtpReceiver, type SmtpReceiver } from '../simulators/mail/smtpReceiver';
import { startNtfySimulator, type NtfySimulator } from '../simulators/ntfy';
import { startOpenAiSimulator, triageScript, type OpenAiSimulator } from '../simulators/openai';
import { startProxmoxSimulator, type ProxmoxSimulator } from '../simulators/proxmox';
import { call } from '../simulators/proxmox/tests/rawClient';
import { certificatesFor } from '../simulators/proxmox/wire/certs';
import { N8nClient, type ExecutionSummary, type WorkflowJson } from './client';
import { createEventTable, type EventTable } from './eventTable';
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
	let discord: DiscordSimulator;
	let hook: SimWebhook;
	let smtp: SmtpReceiver;
	let table: EventTable;
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
		discord = await startDiscordSimulator();
		hook = discord.createWebhook('Proxmox');
		const certs = await certificatesFor('pve', '127.0.0.1', 'mail');
		smtp = await startSmtpReceiver({ auth: { user: 'alerts', pass: 'mail-secret' }, tls: { certPem: certs.certPem, keyPem: certs.keyPem } });
		const app = gotify.createApplication('admin', 'Proxmox incidents');
		const gotifyClient = gotify.createClient('admin', 'n8n');
		syslogPort = await freePort();

		const workflow = JSON.parse(readFileSync(WORKFLOW, 'utf8')) as WorkflowJson;
		const syslogTrigger = workflow.nodes.find((node) => String(node.type).endsWith('.syslogTrigger'))!;
		Object.assign(syslogTrigger.parameters as object, { protocol: 'tcp', host: '127.0.0.1', port: syslogPort });
		// These cases drive the Syslog Trigger; the poll trigger would report the same failed backup
		// (by its task) a minute later, a second happening as far as the keys go (a syslog line has no UPID).
		workflow.nodes.find((node) => String(node.type).endsWith('.proxmoxPollTrigger'))!.disabled = true;
		table = await createEventTable(n8n, [workflow]);
		// The memory: an earlier failure of VM 100's backup, what it was and what fixed it.
		await table.insert([
			{ timestamp: '2026-11-02T03:10:00.000Z', kind: 'event', source: 'syslog', severity: 'error', host: 'pve1', type: 'backup.guest.failed', vmid: 100, eventKey: 'proxmox:backup.guest.failed:pve1:100:20261102T0310', title: 'backup.guest.failed 100 on pve1', message: 'ERROR: Backup of VM 100 failed - No space left on device' },
			{
				timestamp: '2026-11-02T03:10:00.000Z',
				kind: 'incident',
				source: 'syslog',
				severity: 'high',
				host: 'pve1',
				type: 'backup.guest.failed',
				vmid: 100,
				eventKey: 'proxmox:backup.guest.failed:pve1:100:20261102T0310',
				title: 'Proxmox incident: Backup of VM 100 on pve1 failed.',
				message: 'ERROR: Backup of VM 100 failed - No space left on device',
				summary: 'Backup of VM 100 on pve1 failed.',
				probableCause: 'nfs-backup was full: old dumps of VM 100 were not pruned',
				action: 'Back up now 100',
				outcome: 'Done: Back up now 100 (task OK)',
			},
		]);
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
			proxmoxMcpDiscordWebhookApi: await credential('Discord webhook', 'proxmoxMcpDiscordWebhookApi', { webhookUrl: discord.webhookUrl(hook), tlsMode: 'system' }),
			proxmoxMcpSmtpApi: await credential('SMTP', 'proxmoxMcpSmtpApi', { host: '127.0.0.1', port: smtp.listenPort, security: 'starttls', user: 'alerts', password: 'mail-secret', tlsMode: 'customCa', caPem: certs.caPem }),
		});
		await n8n.publish(workflowId);
		await waitForListener(syslogPort);
	});

	afterAll(async () => {
		if (workflowId) await n8n.unpublish(workflowId).catch(() => undefined);
		await Promise.all([pve?.close(), model?.close(), gotify?.close(), ntfy?.close(), discord?.close(), smtp?.close()]);
	});

	it('a failed backup: the model reads the task log and the event log (memory); Gotify, ntfy, Discord and e-mail get the analysis with an approval for a retry; the event log keeps it', async () => {
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

		// Send Event titles it "[SEVERITY] host: title": high is error (Gotify priority 9).
		const message = await until('the analysis in Gotify', () => gotify.messages.find((entry) => entry.title?.includes('Proxmox incident')));
		expect(message.title).toMatch(/^\[ERROR\] \w+: Proxmox incident: Backup of VM 100 on \w+ failed/);
		expect(message.priority).toBe(9);
		expect(message.message).toContain('No space left on device');
		expect(message.message).toContain('Proposed, needs your approval: Back up now 100');
		const calls = model.toolCallsMade();
		expect(calls.map((entry) => entry.name)).toEqual(['Recent_Failed_Tasks', 'Task_Log', 'Event_History', 'format_final_json_response']);
		expect(calls[1].arguments).toEqual({ upid });
		// The memory: the model asked the event log about this type of event and got the past fix back.
		expect(calls[2].arguments).toMatchObject({ type: 'backup.guest.failed' });
		const memory = model.modelCalls().flatMap((request) => request.conversation!.toolResults).find((result) => result.name === 'Event_History')!;
		expect(memory.content).toContain('nfs-backup was full: old dumps of VM 100 were not pruned');
		expect(memory.content).toContain('Done: Back up now 100 (task OK)');
		expect(message.message).toContain('Seen before on 2026-11-02: nfs-backup was full');
		// The model was given only read tools (and the event log, read-only).
		const given = model.modelCalls()[0].conversation!.tools.map((tool) => tool.name).sort();
		expect(given).toEqual(['Backup_Jobs', 'Event_History', 'Get_Container', 'Get_VM', 'Node_Status', 'Node_Syslog', 'Recent_Failed_Tasks', 'Storage_Status', 'Task_Log', 'format_final_json_response']);
		// The request went to the Responses API (lmChatOpenAi 1.3's default) with the bearer key.
		expect(model.modelCalls().every((request) => request.path === '/v1/responses' && request.authorized)).toBe(true);

		// high: also Discord and e-mail, with the analysis; the e-mail carries Approve / Reject as form buttons.
		const [embed] = (await until('the Discord message', () => discord.messagesOf(hook.channelId)[0])).embeds;
		expect(embed.title).toMatch(/^ERROR · \w+ · Proxmox incident: Backup of VM 100/);
		expect(embed.fields).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Probable cause', value: expect.stringContaining('No space left on device') })]));
		const [mail] = await smtp.waitForMessages(1, 60000);
		expect(mail.parsed.subject).toMatch(/^\[ERROR\] \w+: Proxmox incident: Backup of VM 100/);
		expect(mail.parsed.text).toContain('Proposed, needs your approval: Back up now 100');
		expect(mail.parsed.html).toMatch(/<form method="post" action="[^"]+decision=approve"/);

		const push = await until('the ntfy push', () => ntfy.store.all().find((entry) => entry.title?.includes('Proxmox incident: Backup of VM 100')));
		expect(push.priority).toBe(4);
		expect(push.actions).toEqual([
			expect.objectContaining({ action: 'http', label: 'Approve: Back up now', method: 'POST', url: expect.stringContaining('decision=approve') }),
			expect.objectContaining({ action: 'http', label: 'Reject', method: 'POST', url: expect.stringContaining('decision=reject') }),
		]);
		// The analysis is in the event log, awaiting the decision.
		const recorded = await until('the incident row', async () => (await table.rows()).find((row) => row.kind === 'incident' && String(row.title).includes('Backup of VM 100') && row.eventKey !== 'proxmox:backup.guest.failed:pve1:100:20261102T0310'));
		expect(recorded).toMatchObject({ severity: 'high', type: 'backup.guest.failed', vmid: 100, action: 'Back up now 100', outcome: 'awaiting approval', summary: expect.stringContaining('Backup of VM 100') });
		expect(recorded.probableCause).toContain('No space left on device');
		const waiting = await executionWhere('the execution to wait for approval', (execution) => execution.status === 'waiting');
		expect(waiting.data?.resultData.runData['Wait for approval']).toBeDefined();

		// Reject, from the e-mail's form button (as a mail client submits it): nothing runs, the person is told.
		const form = /<form method="post" action="([^"]+)"[^>]*><button[^>]*>Reject<\/button><\/form>/.exec(mail.parsed.html as string)!;
		const rejectUrl = form[1].replace(/&amp;/g, '&');
		expect(rejectUrl).toBe(push.actions!.find((action) => action.label === 'Reject')!.url);
		const tasksBefore = (pve.control.getState() as { tasks: number }).tasks;
		expect((await fetch(rejectUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: '' })).status).toBe(200);
		await until('the rejection report', () => ntfy.store.all().find((entry) => entry.message?.startsWith('Not run: Back up now 100 (rejected)')));
		expect((pve.control.getState() as { tasks: number }).tasks).toBe(tasksBefore);
		// ...and the event log remembers it.
		await until('the outcome in the event log', async () => (await table.rows()).find((row) => row.id === recorded.id && row.outcome === 'Not run: Back up now 100 (rejected)'));
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
		const low = await until('its analysis in Gotify', () => gotify.messages.find((entry) => entry.message.includes('ext4_end_bio')));
		// low: Gotify only (no ntfy push, no Discord, no e-mail).
		expect(low.title).toMatch(/^\[NOTICE\]/);
		await until('its row in the event log', async () => (await table.rows()).find((row) => row.kind === 'incident' && String(row.message).includes('ext4_end_bio')));
		expect(ntfy.store.all().filter((entry) => entry.message?.includes('ext4_end_bio'))).toHaveLength(0);
		expect(discord.messagesOf(hook.channelId)).toHaveLength(1);
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
		const message = await until('the analysis in Gotify', () => gotify.messages.find((entry) => entry.title?.startsWith('[CRITICAL]')));
		expect(message.priority).toBe(10);
		expect(message.message).toMatch(/Refused: vm\.stop \\?\{"vmid":101\\?\}: destructive, not offered for approval/);
		expect(message.message).not.toContain('Proposed, needs your approval');
		const push = await until('the ntfy push', () => ntfy.store.all().find((entry) => entry.title?.startsWith('[CRITICAL]')));
		expect(push.priority).toBe(5);
		expect(push.actions ?? []).toEqual([]);
		// critical: Discord and e-mail too; no approval buttons in the e-mail either.
		const mail = (await smtp.waitForMessages(2, 60000))[1];
		expect(mail.parsed.subject).toMatch(/^\[CRITICAL\]/);
		expect(mail.parsed.html).not.toContain('<form');
		await until('the Discord message', () => discord.messagesOf(hook.channelId)[1]);
		expect(guestNode(101).status).toBe('running');
		model.setScript(null);
	});

	it('approving a proposed guest restart runs it exactly once and reports the result', async () => {
		model.setScript(triageScript({ severity: 'medium', recommendedActions: [{ resource: 'vm', operation: 'reboot', parameters: { vmid: 103 }, reason: 'The guest stopped answering; restart it.' }] }));
		const vm = guestNode(103);
		await syslog(vm.node, `QEMU[7003]: VM 103 qmp command 'guest-ping' failed - got timeout (guest unresponsive)`, 4);
		const push = await until('the ntfy push', () => ntfy.store.all().find((entry) => entry.title?.startsWith('[WARNING]') && entry.title.includes('Proxmox incident')));
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
		// What fixed it is in the event log, for the next time.
		await until('the outcome in the event log', async () =>
			// The syslog line is not a classified event (no VMID in the row): the action names the guest.
			(await table.rows()).find((row) => row.kind === 'incident' && row.action === 'Reboot VM 103' && String(row.outcome).startsWith('Done: Reboot VM 103 (task OK)')),
		);
		model.setScript(null);
	});
});
