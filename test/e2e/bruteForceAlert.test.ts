/**
 * workflows/proxmox-brute-force-alert.json in a real n8n 2.41.1: sshd and Proxmox (pvedaemon) failed
 * logins arrive over syslog from a simulated node; five from one address within the window send
 * one ntfy alert, a sixth does not send another, four from another address send none.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

import { startNtfySimulator, type NtfySimulator } from '../simulators/ntfy';
import { startProxmoxSimulator, type ProxmoxSimulator } from '../simulators/proxmox';
import { N8nClient, type WorkflowJson } from './client';
import { freePort, PACKAGE_ROOT } from './n8n';

jest.setTimeout(180000);

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 90000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const value = await probe();
		if (value !== undefined && value !== null && value !== false) return value;
		await new Promise((wake) => setTimeout(wake, 300));
	}
	throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

describe('Brute force alert workflow in a real n8n', () => {
	const n8n = new N8nClient();
	let pve: ProxmoxSimulator;
	let ntfy: NtfySimulator;
	let workflowId: string;
	let port: number;

	beforeAll(async () => {
		pve = await startProxmoxSimulator({ unauthorizedDelayMs: 50 });
		ntfy = await startNtfySimulator();
		port = await freePort();
		const workflow = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'workflows', 'proxmox-brute-force-alert.json'), 'utf8')) as WorkflowJson;
		Object.assign(workflow.nodes.find((node) => String(node.type).endsWith('.syslogTrigger'))!.parameters as object, { protocol: 'tcp', host: '127.0.0.1', port });
		const ntfyId = await n8n.createCredential({ name: 'ntfy', type: 'proxmoxMcpNtfyApi', data: { serverUrl: ntfy.url, authentication: 'none', tlsMode: 'system' } });
		workflowId = await n8n.createWorkflow(workflow, { proxmoxMcpNtfyApi: { id: ntfyId, name: 'ntfy' } });
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
	});

	afterAll(async () => {
		if (workflowId) await n8n.unpublish(workflowId).catch(() => undefined);
		await Promise.all([pve?.close(), ntfy?.close()]);
	});

	const send = (lines: string[], severity = 5) => pve.control.emitSyslog({ node: 'pve1', target: { host: '127.0.0.1', port, transport: 'tcp' }, lines, facility: 10, severity });
	const alerts = () => ntfy.store.all().filter((message) => message.title?.startsWith('Brute force'));

	it('five failures from one address within the window: one alert naming the address, users and services', async () => {
		// Real line shapes: OpenSSH sshd (auth.c) and pve-access-control (PVE/API2/AccessControl.pm).
		await send([
			'sshd[3101]: Failed password for root from 203.0.113.7 port 40022 ssh2',
			'sshd[3102]: Failed password for invalid user admin from 203.0.113.7 port 40023 ssh2',
			'sshd[3103]: Failed password for root from 203.0.113.7 port 40024 ssh2',
			'pvedaemon[1234]: authentication failure; rhost=::ffff:203.0.113.7 user=root@pam msg=Authentication failure',
		]);
		// Four so far: no alert (the fourth execution is in once the counter saw it).
		await n8n.waitForExecutions(workflowId, 4, 60000);
		expect(alerts()).toEqual([]);
		await send(['sshd[3104]: Failed password for root from 203.0.113.7 port 40025 ssh2']);
		const [alert] = await until('the alert', () => (alerts().length ? alerts() : undefined));
		expect(alert.title).toBe('Brute force: 203.0.113.7');
		expect(alert.priority).toBe(5);
		expect(alert.message).toContain('5 failed logins from 203.0.113.7 within 10 minutes');
		expect(alert.message).toContain('root, admin');
		expect(alert.message).toMatch(/Services: sshd, pvedaemon/);
	});

	it('a sixth failure does not alert again; four from another address do not alert', async () => {
		const before = (await n8n.executions(workflowId, false)).length;
		await send([
			'sshd[3105]: Failed password for root from 203.0.113.7 port 40026 ssh2',
			...[1, 2, 3, 4].map((i) => `sshd[32${i}0]: Failed password for root from 198.51.100.9 port 5100${i} ssh2`),
		]);
		await n8n.waitForExecutions(workflowId, before + 5, 60000);
		expect(alerts()).toHaveLength(1);
	});
});
