/**
 * Proxmox Poll Trigger with a Proxmox Backup Server credential, against the PBS simulator: tasks from
 * `GET /nodes/localhost/tasks` since the cursor (proxmox-backup `src/api2/node/tasks.rs`: selected by
 * start time, `limit` 0 = no limit) and datastore usage from `GET /status/datastore-usage`.
 */
import type { IDataObject } from 'n8n-workflow';

import { runPoll } from '../../helpers/engine';
import type { ProxmoxSimulator } from '../../simulators/proxmox';
import { call } from '../../simulators/proxmox/tests/rawClient';
import { pbsToken, startPbs, stopSim } from '../pbs/setup';
import { POLL, waitFor } from './helpers';

let sim: ProxmoxSimulator;
beforeAll(async () => {
	sim = await startPbs();
});
afterAll(async () => await stopSim(sim));

const event = (item: IDataObject) => item.event as IDataObject;

async function pbsApi(method: string, path: string, form?: Record<string, string | number>): Promise<unknown> {
	const response = await call(sim, method, path, { token: `PBSAPIToken=${sim.token.id}:${sim.token.secret}`, form });
	if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${response.reason}`);
	return response.json?.data;
}

/** One poll as n8n runs it, the static data round-tripped through JSON like a restart does. */
async function pollPbs(parameters: IDataObject, staticData: IDataObject, mode: 'trigger' | 'manual' = 'trigger') {
	const { result, staticData: after } = await runPoll(POLL, { authentication: 'pbs', ...parameters } as never, {
		credentials: pbsToken(sim),
		staticData: JSON.parse(JSON.stringify(staticData)),
		mode,
	});
	return { items: (result?.[0] ?? []).map((item) => item.json), staticData: JSON.parse(JSON.stringify(after)) as IDataObject };
}

async function waitEnded(upid: string): Promise<IDataObject> {
	return await waitFor(async () => {
		const status = (await pbsApi('GET', `/nodes/localhost/tasks/${encodeURIComponent(upid)}/status`).catch(() => undefined)) as IDataObject | undefined;
		return status?.status === 'stopped' ? status : undefined;
	}, `task ${upid} to end`);
}

const startGc = async () => String(await pbsApi('POST', '/admin/datastore/backup/gc'));
const runJob = async (kind: 'verify' | 'prune' | 'sync', id: string) => String(await pbsApi('POST', `/admin/${kind}/${id}/run`));

const TASKS = { watch: ['tasks'], taskStatus: 'all' };

describe('PBS tasks source', () => {
	it('first activation starts from now (two weeks of seeded history are not replayed) in one request', async () => {
		sim.control.resetRequestCounts();
		const { items, staticData } = await pollPbs(TASKS, {});
		expect(items).toEqual([]);
		expect((staticData.tasks as IDataObject).high).toBeGreaterThan(0);
		expect(sim.control.requestCounts()).toEqual({ 'GET /nodes/localhost/tasks': 1 });
	});

	it('a failed GC and a failed verify job carry gc.failed / verify.failed with the datastore and the log tail', async () => {
		let { staticData } = await pollPbs({ ...TASKS, taskStatus: 'failed' }, {});
		sim.control.failNextBackup('backup', 'unable to acquire lock - simulated');
		const gc = await startGc();
		await waitEnded(gc);
		sim.control.failNextBackup('backup', 'verification failed - simulated');
		const verify = await runJob('verify', 'v-weekly');
		await waitEnded(verify);
		const ok = await startGc();
		await waitEnded(ok);
		const polled = await pollPbs({ ...TASKS, taskStatus: 'failed', logLines: 5 }, staticData);
		staticData = polled.staticData;
		expect(polled.items.map((i) => i.id)).toEqual([gc, verify]);
		const [gcItem, verifyItem] = polled.items;
		expect(gcItem).toMatchObject({ source: 'proxmox', severity: 'error', links: {} });
		expect(event(gcItem)).toMatchObject({ type: 'gc.failed', storage: 'backup', upid: gc, taskType: 'garbage_collection', success: false, user: sim.token.id });
		expect((event(gcItem).logTail as string[]).join('\n')).toContain('TASK ERROR');
		expect(event(verifyItem)).toMatchObject({ type: 'verify.failed', storage: 'backup', taskType: 'verificationjob' });
		// PBS notifications for these jobs carry no UPID: the key is the one the push source computes.
		expect(event(gcItem).key).toMatch(/^proxmox:gc\.failed:[^:]+:backup:\d{8}T\d{4}$/);
	});

	it('successful jobs map to gc/prune/sync .finish', async () => {
		const { staticData } = await pollPbs(TASKS, {});
		const upids = [await startGc(), await runJob('prune', 'p-daily'), await runJob('sync', 'pull-offsite')];
		for (const upid of upids) await waitEnded(upid);
		const { items } = await pollPbs(TASKS, staticData);
		const types = Object.fromEntries(items.filter((i) => upids.includes(String(i.id))).map((i) => [String(i.id), event(i).type]));
		expect(types).toEqual({ [upids[0]]: 'gc.finish', [upids[1]]: 'prune.finish', [upids[2]]: 'sync.finish' });
	});

	it('restarts between polls while tasks start and finish: 0 lost, 0 duplicated', async () => {
		let { staticData } = await pollPbs(TASKS, {});
		const started: string[] = [];
		const reported: string[] = [];
		for (let round = 0; round < 6; round++) {
			// A task still running at one poll ends before the next: the cursor must still report it.
			const upid = round % 2 === 0 ? await startGc() : await runJob('verify', 'v-weekly');
			started.push(upid);
			const polled = await pollPbs(TASKS, staticData);
			reported.push(...polled.items.map((i) => String(i.id)));
			staticData = polled.staticData;
		}
		for (const upid of started) await waitEnded(upid);
		for (let i = 0; i < 3; i++) {
			const polled = await pollPbs(TASKS, staticData);
			reported.push(...polled.items.map((item) => String(item.id)));
			staticData = polled.staticData;
		}
		expect([...reported].sort()).toEqual([...started].sort());
		expect(new Set(reported).size).toBe(reported.length);
	});

	it('the request asks PBS only for tasks since the cursor, reaching back below a running task', async () => {
		let { staticData } = await pollPbs(TASKS, {});
		const gc = await startGc();
		const polled = await pollPbs(TASKS, staticData);
		staticData = polled.staticData;
		const cursor = staticData.tasks as IDataObject;
		// PBS UPID: UPID:node:pid:pstart:task_id:starttime:…
		if (cursor.running !== undefined) expect(cursor.running).toBeLessThanOrEqual(parseInt(gc.split(':')[5], 16));
		await waitEnded(gc);
		const after = await pollPbs(TASKS, staticData);
		expect([...polled.items, ...after.items].map((i) => i.id)).toContain(gc);
	});

	it('Test step (manual mode) shows the most recent matching task without touching the cursor', async () => {
		const { items, staticData } = await pollPbs({ ...TASKS, taskTypes: 'garbage_collection' }, {}, 'manual');
		expect(items).toHaveLength(1);
		expect(event(items[0]).taskType).toBe('garbage_collection');
		expect(staticData.tasks).toBeUndefined();
	});
});

describe('PBS datastore usage', () => {
	const USAGE = { watch: ['datastoreUsage'], thresholdPercent: 90, hysteresisPercent: 5 };

	it('fires datastore.full at the threshold and datastore.recovered only under threshold minus hysteresis', async () => {
		sim.control.fillStorage('localhost', 'backup', 50);
		let { items, staticData } = await pollPbs(USAGE, {});
		expect(items).toEqual([]);
		const step = async (percent: number) => {
			sim.control.fillStorage('localhost', 'backup', percent);
			const polled = await pollPbs(USAGE, staticData);
			staticData = polled.staticData;
			return polled.items;
		};
		items = await step(91);
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({ source: 'proxmox', severity: 'warning', title: 'Datastore backup is 91% full' });
		expect(event(items[0])).toMatchObject({ type: 'datastore.full', storage: 'backup', usedPercent: 91, thresholdPercent: 90, totalBytes: expect.any(Number), usedBytes: expect.any(Number) });
		expect(await step(93)).toEqual([]);
		expect(await step(88)).toEqual([]);
		expect(await step(91)).toEqual([]);
		items = await step(84);
		expect(items.map((i) => event(i).type)).toEqual(['datastore.recovered']);
		expect(await step(89)).toEqual([]);
		expect((await step(92)).map((i) => event(i).type)).toEqual(['datastore.full']);
		sim.control.fillStorage('localhost', 'backup', 50);
	});

	it('tasks and datastore usage together cost at most two requests per cycle', async () => {
		const { staticData } = await pollPbs({ ...USAGE, watch: ['tasks', 'datastoreUsage'] }, {});
		sim.control.resetRequestCounts();
		await pollPbs({ ...USAGE, watch: ['tasks', 'datastoreUsage'] }, staticData);
		const counts = sim.control.requestCounts();
		expect(counts).toEqual({ 'GET /nodes/localhost/tasks': 1, 'GET /status/datastore-usage': 1 });
	});
});
