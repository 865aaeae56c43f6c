/**
 * The Proxmox triggers in a real n8n 2.41.1 against the Proxmox simulator on loopback: publishing
 * registers the webhook target in the simulated notification system, which delivers like
 * proxmox-notify (rendered body, secret header); unpublishing removes it. The Poll Trigger runs on
 * n8n's own schedule (at least one minute between polls).
 */
import type { IDataObject } from 'n8n-workflow';

import { startProxmoxSimulator, type ProxmoxSimulator } from '../simulators/proxmox';
import { call } from '../simulators/proxmox/tests/rawClient';
import { N8nClient, nodeOutput } from './client';
import { PACKAGE_NAME } from './n8n';

describe('Proxmox triggers in a real n8n', () => {
	const client = new N8nClient();
	let sim: ProxmoxSimulator;
	let credentials: Record<string, { id: string; name: string }>;

	const api = async (method: string, path: string): Promise<IDataObject[]> =>
		(await call(sim, method, path, { token: `PVEAPIToken=${sim.token.id}=${sim.token.secret}` })).json?.data as IDataObject[];
	const ourEndpoints = async () => (await api('GET', '/cluster/notifications/endpoints/webhook')).filter((e) => String(e.name).startsWith('n8n-'));

	/** Items the node emitted across all executions so far, once `done` holds for them. */
	const waitForItems = async (workflowId: string, nodeName: string, done: (items: IDataObject[]) => boolean, timeoutMs: number): Promise<IDataObject[]> => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const executions = (await client.executions(workflowId)).filter((e) => e.status !== 'running' && e.status !== 'new');
			const items = executions.flatMap((execution) => nodeOutput(execution.data, nodeName)) as IDataObject[];
			if (done(items)) return items;
			if (Date.now() > deadline) throw new Error(`${nodeName}: expected items not emitted within ${timeoutMs} ms; got ${JSON.stringify(items.map((i) => (i.event as IDataObject)?.type))}`);
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	};
	const typeOf = (item: IDataObject) => (item.event as IDataObject).type;
	/** n8n activates a published workflow in the background: wait for what activation does. */
	const eventually = async <T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 60_000): Promise<T> => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const value = await probe();
			if (value) return value;
			if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	};

	beforeAll(async () => {
		sim = await startProxmoxSimulator({ taskSpeed: 20, statsRefreshMs: 200, unauthorizedDelayMs: 50 });
		const id = await client.createCredential({
			name: 'e2e Proxmox trigger',
			type: 'proxmoxMcpApi',
			data: { hosts: `${sim.host}:${sim.port}`, port: 8006, authMethod: 'token', tokenId: sim.token.id, tokenSecret: sim.token.secret, tlsMode: 'fingerprint', fingerprint: sim.fingerprint },
		});
		credentials = { proxmoxMcpApi: { id, name: 'e2e Proxmox trigger' } };
	});

	afterAll(async () => {
		await sim.close();
	});

	it('push: publishing registers the target, a failed backup starts an execution, a push without the secret starts nothing, unpublishing removes it', async () => {
		const workflowId = await client.createWorkflow(
			{
				name: 'e2e: Proxmox Trigger',
				nodes: [
					{
						id: 'c2c7d1e2-0000-4000-8000-00000000c001',
						name: 'Proxmox Trigger',
						type: `${PACKAGE_NAME}.proxmoxTrigger`,
						typeVersion: 1,
						position: [0, 0],
						webhookId: 'c2c7d1e2-0000-4000-8000-00000000c0ff',
						parameters: { setup: 'automatic', eventTypes: ['vzdump'] },
						credentials: { proxmoxMcpApi: {} },
					},
				],
				connections: {},
			},
			credentials,
		);
		await client.publish(workflowId);
		try {
			const endpoint = await eventually(async () => (await ourEndpoints())[0], 'the webhook target registered on publish');
			expect(endpoint.name).toMatch(new RegExp(`^n8n-${workflowId}-[0-9a-f]{8}$`));
			expect(endpoint.url).toBe(`${client.state.url}/webhook/c2c7d1e2-0000-4000-8000-00000000c0ff/webhook`);

			sim.control.failNextBackup(100, 'no space left on device');
			sim.control.runBackupJob('backup-daily');
			const items = await waitForItems(workflowId, 'Proxmox Trigger', (list) => list.some((item) => typeOf(item) === 'backup.job.failed'), 60_000);
			const failed = items.find((item) => typeOf(item) === 'backup.job.failed');
			expect(failed).toMatchObject({ source: 'proxmox', severity: 'error' });
			expect(failed!.event).toMatchObject({ notificationType: 'vzdump', jobId: 'backup-daily' });
			expect(String(failed!.message)).toContain('no space left on device');

			// Let the other nodes' (successful) backup notifications land before counting.
			await waitForItems(workflowId, 'Proxmox Trigger', (list) => list.length >= 3, 60_000);
			const before = (await client.executions(workflowId)).length;
			const response = await fetch(String(endpoint.url), {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-proxmox-token': 'guessed' },
				body: JSON.stringify({ title: 'forged', message: 'forged', severity: 'error', timestamp: 1, fields: { type: 'vzdump' } }),
			});
			expect(response.status).toBe(401);
			const unsigned = await fetch(String(endpoint.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":"forged","message":"x"}' });
			expect(unsigned.status).toBe(401);
			await new Promise((resolve) => setTimeout(resolve, 2000));
			expect((await client.executions(workflowId)).length).toBe(before);
		} finally {
			await client.unpublish(workflowId);
		}
		await eventually(async () => (await ourEndpoints()).length === 0, 'the webhook target removed on unpublish');
		expect((await api('GET', '/cluster/notifications/matchers')).filter((m) => String(m.name).startsWith('n8n-'))).toEqual([]);
	});

	it('poll: fires on a guest that stops unexpectedly and a node that goes offline', async () => {
		const workflowId = await client.createWorkflow(
			{
				name: 'e2e: Proxmox Poll Trigger',
				nodes: [
					{
						id: 'c2c7d1e2-0000-4000-8000-00000000c002',
						name: 'Proxmox Poll Trigger',
						type: `${PACKAGE_NAME}.proxmoxPollTrigger`,
						typeVersion: 1,
						position: [0, 0],
						parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, watch: ['tasks', 'state'], taskStatus: 'failed' },
						credentials: { proxmoxMcpApi: {} },
					},
				],
				connections: {},
			},
			credentials,
		);
		// Publishing runs the first poll (in the background), which only takes the snapshot and seeds the task cursor.
		sim.control.resetRequestCounts();
		await client.publish(workflowId);
		try {
			await eventually(() => sim.control.requestCounts()['GET /cluster/resources'] >= 1, 'the first poll on publish');
			sim.control.stopGuestUnexpectedly(103);
			sim.control.takeNodeOffline('pve3');
			sim.control.refreshStats();
			const items = await waitForItems(workflowId, 'Proxmox Poll Trigger', (list) => ['guest.stop', 'node.offline'].every((type) => list.some((item) => typeOf(item) === type)), 170_000);
			expect(items.find((item) => typeOf(item) === 'guest.stop')!.event).toMatchObject({ vmid: 103, unexpected: true });
			expect(items.find((item) => typeOf(item) === 'node.offline')!.event).toMatchObject({ node: 'pve3' });
		} finally {
			await client.unpublish(workflowId);
			sim.control.bringNodeOnline('pve3');
		}
	}, 240_000);
});
