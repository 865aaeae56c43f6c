/**
 * The Proxmox triggers with a Proxmox Backup Server credential in a real n8n 2.41.1, against the PBS
 * simulator on loopback: publishing registers the webhook target under /config/notifications and a
 * failed GC (simulator control) starts an execution with `gc.failed`; the Poll Trigger, on n8n's own
 * schedule, reports a failed verify job from /nodes/localhost/tasks as `verify.failed`.
 */
import type { IDataObject } from 'n8n-workflow';

import { startProxmoxSimulator, type ProxmoxSimulator } from '../simulators/proxmox';
import { call } from '../simulators/proxmox/tests/rawClient';
import { N8nClient, nodeOutput } from './client';
import { PACKAGE_NAME } from './n8n';

describe('Proxmox triggers with a PBS credential in a real n8n', () => {
	const client = new N8nClient();
	let sim: ProxmoxSimulator;
	let credentials: Record<string, { id: string; name: string }>;

	const api = async (method: string, path: string): Promise<unknown> =>
		(await call(sim, method, path, { token: `PBSAPIToken=${sim.token.id}:${sim.token.secret}` })).json?.data;
	const ourEndpoints = async () => ((await api('GET', '/config/notifications/endpoints/webhook')) as IDataObject[]).filter((e) => String(e.name).startsWith('n8n-'));
	const typeOf = (item: IDataObject) => (item.event as IDataObject).type;

	const waitForItems = async (workflowId: string, nodeName: string, done: (items: IDataObject[]) => boolean, timeoutMs: number): Promise<IDataObject[]> => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const executions = (await client.executions(workflowId)).filter((e) => e.status !== 'running' && e.status !== 'new');
			const items = executions.flatMap((execution) => nodeOutput(execution.data, nodeName)) as IDataObject[];
			if (done(items)) return items;
			if (Date.now() > deadline) throw new Error(`${nodeName}: expected items not emitted within ${timeoutMs} ms; got ${JSON.stringify(items.map(typeOf))}`);
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	};
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
		sim = await startProxmoxSimulator({ product: 'pbs', taskSpeed: 20, unauthorizedDelayMs: 50 });
		const id = await client.createCredential({
			name: 'e2e PBS trigger',
			type: 'proxmoxMcpPbsApi',
			data: { hosts: `${sim.host}:${sim.port}`, authMethod: 'token', tokenId: sim.token.id, tokenSecret: sim.token.secret, tlsMode: 'fingerprint', fingerprint: sim.fingerprint },
		});
		credentials = { proxmoxMcpPbsApi: { id, name: 'e2e PBS trigger' } };
	});

	afterAll(async () => {
		await sim.close();
	});

	it('push: publishing registers the target in PBS, a failed GC starts an execution with gc.failed, unpublishing removes it', async () => {
		const workflowId = await client.createWorkflow(
			{
				name: 'e2e: Proxmox Trigger (PBS)',
				nodes: [
					{
						id: 'c2c7d1e2-0000-4000-8000-00000000d001',
						name: 'Proxmox Trigger',
						type: `${PACKAGE_NAME}.proxmoxTrigger`,
						typeVersion: 1,
						position: [0, 0],
						webhookId: 'c2c7d1e2-0000-4000-8000-00000000d0ff',
						parameters: { authentication: 'pbs', setup: 'automatic', eventTypes: ['gc', 'verify'] },
						credentials: { proxmoxMcpPbsApi: {} },
					},
				],
				connections: {},
			},
			credentials,
		);
		await client.publish(workflowId);
		try {
			const endpoint = await eventually(async () => (await ourEndpoints())[0], 'the webhook target registered on publish');
			expect(endpoint.url).toBe(`${client.state.url}/webhook/c2c7d1e2-0000-4000-8000-00000000d0ff/webhook`);
			sim.control.failNextBackup('backup', 'unable to acquire lock on datastore');
			await call(sim, 'POST', '/admin/datastore/backup/gc', { token: `PBSAPIToken=${sim.token.id}:${sim.token.secret}` });
			const items = await waitForItems(workflowId, 'Proxmox Trigger', (list) => list.some((item) => typeOf(item) === 'gc.failed'), 60_000);
			const failed = items.find((item) => typeOf(item) === 'gc.failed')!;
			expect(failed).toMatchObject({ source: 'proxmox', severity: 'error', title: "Garbage Collect Datastore 'backup' failed" });
			expect(failed.event).toMatchObject({ notificationType: 'gc', storage: 'backup' });
		} finally {
			await client.unpublish(workflowId);
		}
		await eventually(async () => (await ourEndpoints()).length === 0, 'the webhook target removed on unpublish');
	});

	it('poll: a failed verify job reaches the workflow as verify.failed with its log tail', async () => {
		const workflowId = await client.createWorkflow(
			{
				name: 'e2e: Proxmox Poll Trigger (PBS)',
				nodes: [
					{
						id: 'c2c7d1e2-0000-4000-8000-00000000d002',
						name: 'Proxmox Poll Trigger',
						type: `${PACKAGE_NAME}.proxmoxPollTrigger`,
						typeVersion: 1,
						position: [0, 0],
						parameters: { authentication: 'pbs', pollTimes: { item: [{ mode: 'everyMinute' }] }, watch: ['tasks', 'datastoreUsage'], taskStatus: 'failed' },
						credentials: { proxmoxMcpPbsApi: {} },
					},
				],
				connections: {},
			},
			credentials,
		);
		sim.control.resetRequestCounts();
		await client.publish(workflowId);
		try {
			// Publishing runs the first poll, which only seeds the cursor and the datastore states.
			await eventually(() => sim.control.requestCounts()['GET /status/datastore-usage'] >= 1, 'the first poll on publish');
			sim.control.failNextBackup('backup', 'verification failed - chunk missing');
			await call(sim, 'POST', '/admin/verify/v-weekly/run', { token: `PBSAPIToken=${sim.token.id}:${sim.token.secret}` });
			const items = await waitForItems(workflowId, 'Proxmox Poll Trigger', (list) => list.some((item) => typeOf(item) === 'verify.failed'), 170_000);
			const failed = items.find((item) => typeOf(item) === 'verify.failed')!;
			expect(failed.event).toMatchObject({ storage: 'backup', taskType: 'verificationjob', success: false });
			expect((failed.event as IDataObject).logTail).toEqual(expect.arrayContaining([expect.stringContaining('TASK ERROR')]));
		} finally {
			await client.unpublish(workflowId);
		}
	}, 240_000);
});
