/**
 * workflows/proxmox-event-log.json in a real n8n 2.41.1: the published Syslog Trigger appends every
 * event as a row of the n8n Data Table `proxmox_events`; the rows are read back through n8n's public
 * API.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

import { startProxmoxSimulator, type ProxmoxSimulator } from '../simulators/proxmox';
import { N8nClient, type WorkflowJson } from './client';
import { createEventTable, eventTableColumns } from './eventTable';
import { freePort, PACKAGE_ROOT } from './n8n';

jest.setTimeout(240000);

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 90000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const value = await probe();
		if (value !== undefined && value !== null && value !== false) return value;
		await new Promise((wake) => setTimeout(wake, 300));
	}
	throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

describe('Event log workflow in a real n8n', () => {
	const n8n = new N8nClient();
	let pve: ProxmoxSimulator;
	let workflowId: string;

	beforeAll(async () => {
		pve = await startProxmoxSimulator({ unauthorizedDelayMs: 50 });
	});

	afterAll(async () => {
		if (workflowId) await n8n.unpublish(workflowId).catch(() => undefined);
		await pve?.close();
	});

	it('appends each syslog event as a row of the Data Table', async () => {
		const port = await freePort();
		const workflow = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'workflows', 'proxmox-event-log.json'), 'utf8')) as WorkflowJson;
		Object.assign(workflow.nodes.find((node) => String(node.type).endsWith('.syslogTrigger'))!.parameters as object, { protocol: 'tcp', host: '127.0.0.1', port });
		// The "run once" branch creates the table from the editor; the test creates the same table
		// (the columns of that node) through the public API (eventTable.ts says why).
		const table = await createEventTable(n8n, [workflow]);
		workflowId = await n8n.createWorkflow(workflow);
		await n8n.publish(workflowId);
		await until('the Syslog Trigger to listen', () =>
			new Promise<boolean | undefined>((resolve) => {
				const socket = connect(port, '127.0.0.1', () => {
					socket.destroy();
					resolve(true);
				});
				socket.on('error', () => resolve(undefined));
			}),
		);
		await pve.control.emitSyslog({
			node: 'pve1',
			target: { host: '127.0.0.1', port, transport: 'tcp' },
			severity: 3,
			lines: ['vzdump[4242]: ERROR: Backup of VM 100 failed - No space left on device', 'sshd[3101]: Failed password for root from 203.0.113.7 port 40022 ssh2'],
		});
		// Both lines are notice or above (err and auth's notice); each is one execution.
		const executions = await n8n.waitForExecutions(workflowId, 2, 60000);
		for (const execution of executions) expect(execution.status).toBe('success');

		const rows = await table.rows();
		expect(rows).toHaveLength(2);
		const backup = rows.find((row) => row.type === 'backup.guest.failed')!;
		expect(backup).toMatchObject({ kind: 'event', source: 'syslog', host: 'pve1', vmid: 100, message: 'ERROR: Backup of VM 100 failed - No space left on device' });
		expect(backup.timestamp).toBeTruthy();
		expect(rows.find((row) => row.type === 'auth.failed')).toMatchObject({ source: 'syslog', host: 'pve1' });
	});

	it('the incident agent writes and reads the same table: every column it uses is one the event log creates', () => {
		const columns = new Map(eventTableColumns().map((column) => [column.name, column.type]));
		expect([...columns.keys()]).toEqual(['timestamp', 'kind', 'source', 'severity', 'host', 'type', 'vmid', 'eventKey', 'title', 'message', 'summary', 'probableCause', 'action', 'outcome']);
		const agent = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'workflows', 'proxmox-incident-agent.json'), 'utf8')) as WorkflowJson;
		const nodes = agent.nodes.filter((node) => /^n8n-nodes-base\.dataTable(Tool)?$/.test(String(node.type)));
		expect(nodes.map((node) => node.name).sort()).toEqual(['Event log: record incident', 'Event log: record outcome', 'Event_History']);
		for (const node of nodes) {
			const parameters = node.parameters as { dataTableId: { mode: string; value: string }; columns?: { value: Record<string, unknown>; schema: Array<{ id: string; type: string }> }; filters?: { conditions: Array<{ keyName: string }> } };
			expect(parameters.dataTableId).toMatchObject({ mode: 'name', value: 'proxmox_events' });
			for (const name of Object.keys(parameters.columns?.value ?? {})) expect(columns.has(name)).toBe(true);
			for (const field of parameters.columns?.schema ?? []) expect(columns.get(field.id)).toBe(field.type);
			for (const condition of parameters.filters?.conditions ?? []) expect(columns.has(condition.keyName) || condition.keyName === 'id').toBe(true);
		}
	});
});
