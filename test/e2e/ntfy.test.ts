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

	it('after a restart, a message ntfy sends before the backlog neither hides nor doubles any of it (issue 17)', async () => {
		// Real ntfy subscribes, then sends the cached messages (server.go: handleSubscribeHTTP →
		// sendOldMessages): a message published in between reaches the trigger first.
		let publishBetween: (() => void) | undefined;
		const ordered = await startNtfySimulator({
			beforeOldMessages: () => {
				const publish = publishBetween;
				publishBetween = undefined;
				publish?.();
			},
		});
		try {
			const credentialId = await client.createCredential({
				name: 'e2e ntfy backlog',
				type: 'proxmoxMcpNtfyApi',
				data: { serverUrl: ordered.url, authentication: 'none', tlsMode: 'system' },
			});
			const listener = await client.createWorkflow(
				{
					name: 'e2e: ntfy Trigger backlog order',
					nodes: [
						{
							id: 'b1c7d1e2-0000-4000-8000-00000000a011',
							name: 'ntfy Trigger',
							type: `${PACKAGE_NAME}.ntfyTrigger`,
							typeVersion: 1,
							position: [0, 0],
							parameters: { topics: 'e2e-backlog' },
							credentials: { proxmoxMcpNtfyApi: {} },
						},
					],
					connections: {},
				},
				{ proxmoxMcpNtfyApi: { id: credentialId, name: 'e2e ntfy backlog' } },
			);
			const messagesOf = (executions: Awaited<ReturnType<typeof client.waitForExecutions>>) =>
				executions.flatMap((execution) => nodeOutput(execution.data, 'ntfy Trigger')).map((item) => String(item.message));
			await client.publish(listener);
			try {
				await ordered.waitForSubscribers(1, 30_000);
				ordered.publishDirect('e2e-backlog', 'before');
				await client.waitForExecutions(listener, 1, 60_000);
			} finally {
				await client.unpublish(listener);
			}
			// The backlog must come while no trigger listens: wait until n8n has closed the stream.
			const deadline = Date.now() + 30_000;
			while (ordered.subscriberCount > 0 && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 50));
			expect(ordered.subscriberCount).toBe(0);
			const backlog = Array.from({ length: 8 }, (_, i) => ordered.publishDirect('e2e-backlog', `backlog ${i + 1}`));
			// After a real gap the live message is newer, on ntfy's clock (seconds), than the backlog.
			while (Math.floor(Date.now() / 1000) <= backlog[7].time) await new Promise((wake) => setTimeout(wake, 50));
			publishBetween = () => ordered.publishDirect('e2e-backlog', 'live');
			await client.publish(listener);
			try {
				await client.waitForExecutions(listener, 10, 60_000);
				// A duplicate would come before anything published later: one more message closes the check.
				ordered.publishDirect('e2e-backlog', 'after');
				const executions = await client.waitForExecutions(listener, 11, 60_000);
				expect(executions.every((execution) => execution.status === 'success')).toBe(true);
				// n8n numbers executions as it stores them, several at once, so their ids need not follow the
				// order of emission (the engine test checks the order): here, each message exactly once.
				expect(executions).toHaveLength(11);
				expect(messagesOf(executions).sort()).toEqual(['before', ...backlog.map((message) => message.message), 'live', 'after'].sort());
			} finally {
				await client.unpublish(listener);
			}
		} finally {
			await ordered.close();
		}
	}, 180_000);
});
