/**
 * The incident agent started by the Proxmox Poll Trigger (its default trigger besides syslog): the
 * Proxmox simulator fails a backup, the next poll (n8n's schedule, every minute) reports the
 * failed task with its UPID, the model reads that task's log, and Gotify gets the analysis.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { startGotifySimulator, type GotifySimulator } from '../simulators/gotify';
import { startNtfySimulator, type NtfySimulator } from '../simulators/ntfy';
import { startOpenAiSimulator, type OpenAiSimulator } from '../simulators/openai';
import { startProxmoxSimulator, type ProxmoxSimulator } from '../simulators/proxmox';
import { call } from '../simulators/proxmox/tests/rawClient';
import { N8nClient, type WorkflowJson } from './client';
import { createEventTable } from './eventTable';
import { PACKAGE_ROOT } from './n8n';

jest.setTimeout(300000);

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const value = await probe();
		if (value !== undefined && value !== null && value !== false) return value;
		await new Promise((wake) => setTimeout(wake, 500));
	}
	throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

describe('Proxmox incident agent, started by the Proxmox Poll Trigger', () => {
	const n8n = new N8nClient();
	let pve: ProxmoxSimulator;
	let model: OpenAiSimulator;
	let gotify: GotifySimulator;
	let ntfy: NtfySimulator;
	let workflowId: string;

	beforeAll(async () => {
		pve = await startProxmoxSimulator({ taskSpeed: 50, statsRefreshMs: 200, unauthorizedDelayMs: 50 });
		model = await startOpenAiSimulator();
		gotify = await startGotifySimulator();
		ntfy = await startNtfySimulator();
	});

	afterAll(async () => {
		if (workflowId) await n8n.unpublish(workflowId).catch(() => undefined);
		await Promise.all([pve?.close(), model?.close(), gotify?.close(), ntfy?.close()]);
	});

	it('a failed backup is found by the poll, its task log read by the model, the analysis sent', async () => {
		const app = gotify.createApplication('admin', 'Proxmox incidents');
		const gotifyClient = gotify.createClient('admin', 'n8n');
		const workflow = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'workflows', 'proxmox-incident-agent.json'), 'utf8')) as WorkflowJson;
		// Only the poll trigger: the syslog one is covered by incidentAgent.test.ts (and its port may be taken).
		workflow.nodes.find((node) => String(node.type).endsWith('.syslogTrigger'))!.disabled = true;
		// Discord and e-mail are covered by incidentAgent.test.ts.
		for (const node of workflow.nodes) if (/\.(discordWebhook|smtpEmail)$/.test(String(node.type))) node.disabled = true;
		const table = await createEventTable(n8n, [workflow]);
		const credential = async (name: string, type: string, data: Record<string, unknown>) => ({ id: await n8n.createCredential({ name, type, data }), name });
		workflowId = await n8n.createWorkflow(
			{ ...workflow, name: 'e2e: incident agent (poll)' },
			{
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
			},
		);
		pve.control.resetRequestCounts();
		await n8n.publish(workflowId);
		// Publishing runs the first poll, which only takes the snapshot and seeds the task cursor.
		await until('the first poll', () => pve.control.requestCounts()['GET /cluster/resources'] >= 1, 60000);

		const vm = (pve.control.getState() as { guests: Array<{ vmid: number; node: string }> }).guests.find((guest) => guest.vmid === 100)!;
		pve.control.failNextBackup(100, 'No space left on device');
		const token = `PVEAPIToken=${pve.token.id}=${pve.token.secret}`;
		const started = await call(pve, 'POST', `/nodes/${vm.node}/vzdump`, { token, form: { vmid: '100', storage: 'nfs-backup', mode: 'snapshot' } });
		const upid = started.json.data as string;

		const message = await until('the analysis in Gotify', () => gotify.messages.find((entry) => entry.title?.includes('Proxmox incident')), 200000);
		expect(message.title).toMatch(/^\[ERROR\] \w+: Proxmox incident: Backup of VM 100/);
		expect(message.message).toContain('No space left on device');
		// The poll's event carries the UPID: the model read that task's log first.
		expect(model.toolCallsMade()[0]).toEqual({ name: 'Task_Log', arguments: { upid } });
		// The analysis is in the event log under the poll's correlation key (events.ts correlationKey).
		const row = await until('the incident row', async () => (await table.rows()).find((entry) => entry.kind === 'incident' && String(entry.summary).includes('Backup of VM 100')), 60000);
		expect(row).toMatchObject({ source: expect.any(String), type: expect.stringMatching(/^backup\./), vmid: 100, eventKey: expect.stringMatching(/^proxmox:/) });
	});
});
