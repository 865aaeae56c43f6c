/**
 * Gotify in a real n8n 2.41.1: a published workflow with the Gotify Trigger receives the message
 * that another workflow's Gotify node sends (both through the Gotify simulator on loopback).
 */
import { startGotifySimulator, type GotifySimulator } from '../simulators/gotify';
import { N8nClient, nodeOutput } from './client';
import { PACKAGE_NAME } from './n8n';

describe('Gotify in a real n8n', () => {
	const client = new N8nClient();
	let sim: GotifySimulator;

	beforeAll(async () => {
		sim = await startGotifySimulator();
	});

	afterAll(async () => {
		await sim.close();
	});

	it('a published Gotify Trigger workflow receives what another workflow sends', async () => {
		const app = sim.createApplication('admin', 'Proxmox');
		const gotifyClient = sim.createClient('admin', 'n8n');
		const credentialId = await client.createCredential({
			name: 'e2e Gotify',
			type: 'proxmoxMcpGotifyApi',
			data: { serverUrl: sim.url, appToken: app.token, clientToken: gotifyClient.token, tlsMode: 'system' },
		});
		const credentials = { proxmoxMcpGotifyApi: { id: credentialId, name: 'e2e Gotify' } };
		const listener = await client.createWorkflow(
			{
				name: 'e2e: Gotify Trigger',
				nodes: [
					{
						id: 'c2c7d1e2-0000-4000-8000-00000000b001',
						name: 'Gotify Trigger',
						type: `${PACKAGE_NAME}.gotifyTrigger`,
						typeVersion: 1,
						position: [0, 0],
						parameters: { minPriority: 1 },
						credentials: { proxmoxMcpGotifyApi: {} },
					},
				],
				connections: {},
			},
			credentials,
		);
		const sender = await client.createWorkflow(
			{
				name: 'e2e: Gotify send',
				nodes: [
					{ id: 'c2c7d1e2-0000-4000-8000-00000000b002', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
					{
						id: 'c2c7d1e2-0000-4000-8000-00000000b003',
						name: 'Gotify',
						type: `${PACKAGE_NAME}.gotify`,
						typeVersion: 1,
						position: [200, 0],
						parameters: {
							resource: 'message',
							operation: 'send',
							message: '```\nDetails\n=======\n100 web ok\n```',
							options: { title: 'vzdump backup status (pve1.lab.example): backup successful', priority: 1, markdown: true },
						},
						credentials: { proxmoxMcpGotifyApi: {} },
					},
				],
				connections: { Start: { main: [[{ node: 'Gotify', type: 'main', index: 0 }]] } },
			},
			credentials,
		);
		await client.publish(listener);
		try {
			await sim.waitForStreams(1, 30_000);
			const run = await client.execute(sender);
			const [sent] = nodeOutput(run, 'Gotify');
			expect(sent).toMatchObject({ appid: app.id, priority: 1 });
			const [execution] = await client.waitForExecutions(listener, 1, 60_000);
			expect(execution.status).toBe('success');
			const [item] = nodeOutput(execution.data, 'Gotify Trigger');
			expect(item).toMatchObject({
				source: 'gotify',
				id: String(sent.id),
				severity: 'info',
				host: 'pve1',
				message: 'Details\n=======\n100 web ok',
				event: { type: 'backup.job.finish', node: 'pve1' },
				application: 'Proxmox',
				contentType: 'text/markdown',
			});
			// n8n saved the trigger's cursor with the workflow, so a restart resumes after this message.
			const saved = await client.api<{ staticData?: Record<string, { lastId?: string }> }>('GET', `/workflows/${listener}`);
			expect(saved.staticData?.['node:Gotify Trigger']?.lastId).toBe(String(sent.id));
		} finally {
			await client.unpublish(listener);
		}
	});
});
