/**
 * ntfy in a real n8n 2.41.1: a published workflow with the ntfy Trigger receives the message that
 * another workflow's ntfy node publishes (both through the ntfy simulator on loopback).
 */
import { startNtfySimulator, type NtfySimulator } from '../simulators/ntfy';
import { N8nClient, nodeOutput } from './client';
import { PACKAGE_NAME } from './n8n';

describe('ntfy in a real n8n', () => {
	const client = new N8nClient();
	let sim: NtfySimulator;

	beforeAll(async () => {
		sim = await startNtfySimulator();
	});

	afterAll(async () => {
		await sim.close();
	});

	it('a published ntfy Trigger workflow receives what another workflow publishes', async () => {
		const credentialId = await client.createCredential({
			name: 'e2e ntfy',
			type: 'proxmoxMcpNtfyApi',
			data: { serverUrl: sim.url, authentication: 'none', tlsMode: 'system' },
		});
		const credentials = { proxmoxMcpNtfyApi: { id: credentialId, name: 'e2e ntfy' } };
		const listener = await client.createWorkflow(
			{
				name: 'e2e: ntfy Trigger',
				nodes: [
					{
						id: 'b1c7d1e2-0000-4000-8000-00000000a001',
						name: 'ntfy Trigger',
						type: `${PACKAGE_NAME}.ntfyTrigger`,
						typeVersion: 1,
						position: [0, 0],
						parameters: { topics: 'e2e-alerts' },
						credentials: { proxmoxMcpNtfyApi: {} },
					},
				],
				connections: {},
			},
			credentials,
		);
		const sender = await client.createWorkflow(
			{
				name: 'e2e: ntfy publish',
				nodes: [
					{ id: 'b1c7d1e2-0000-4000-8000-00000000a002', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
					{
						id: 'b1c7d1e2-0000-4000-8000-00000000a003',
						name: 'ntfy',
						type: `${PACKAGE_NAME}.ntfy`,
						typeVersion: 1,
						position: [200, 0],
						parameters: {
							operation: 'publish',
							topic: 'e2e-alerts',
							message: 'Storage local-zfs is 91% full',
							options: { title: 'Storage warning', priority: 4, tags: 'warning' },
							actions: { button: [{ action: 'view', label: 'Open Proxmox', url: 'https://pve1:8006/', clear: false }] },
						},
						credentials: { proxmoxMcpNtfyApi: {} },
					},
				],
				connections: { Start: { main: [[{ node: 'ntfy', type: 'main', index: 0 }]] } },
			},
			credentials,
		);
		await client.publish(listener);
		try {
			await sim.waitForSubscribers(1, 30_000);
			const run = await client.execute(sender);
			const [published] = nodeOutput(run, 'ntfy');
			expect(published).toMatchObject({ topic: 'e2e-alerts', title: 'Storage warning', priority: 4 });
			const [execution] = await client.waitForExecutions(listener, 1, 60_000);
			expect(execution.status).toBe('success');
			const [item] = nodeOutput(execution.data, 'ntfy Trigger');
			expect(item).toMatchObject({
				source: 'ntfy',
				id: published.id,
				severity: 'warning',
				title: 'Storage warning',
				message: 'Storage local-zfs is 91% full',
				topic: 'e2e-alerts',
				tags: ['warning'],
				actions: [expect.objectContaining({ action: 'view', label: 'Open Proxmox', url: 'https://pve1:8006/' })],
			});
			// n8n saved the trigger's cursor with the workflow, so a restart resumes after this message.
			const saved = await client.api<{ staticData?: Record<string, { lastId?: string }> }>('GET', `/workflows/${listener}`);
			expect(saved.staticData?.['node:ntfy Trigger']?.lastId).toBe(published.id);
		} finally {
			await client.unpublish(listener);
		}
	});
});
