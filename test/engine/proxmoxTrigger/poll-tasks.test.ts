/**
 * Proxmox Poll Trigger, tasks source, against the simulator: /cluster/tasks is pvestatd's cached
 * broadcast (reference/proxmox.md §3.1), refreshed here every 100 ms.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ProxmoxSimulator } from '../../simulators/proxmox';
import { api, guestAction, pollOnce, startSim, stopSim, waitForTaskListed } from './helpers';

let sim: ProxmoxSimulator;
beforeAll(async () => {
	sim = await startSim();
});
afterAll(async () => await stopSim(sim));

const TASKS = { watch: ['tasks'], taskStatus: 'all' };
const event = (item: IDataObject) => item.event as IDataObject;

describe('tasks source', () => {
	it('first activation starts from now: the existing history (last night\'s backups) is not replayed', async () => {
		const { items, staticData } = await pollOnce(sim, TASKS, {});
		expect(items).toEqual([]);
		expect((staticData.tasks as IDataObject).high).toBeGreaterThan(0);
	});

	it('"include last N minutes" reports tasks that ended within them on the first activation only', async () => {
		const upid = await guestAction(sim, 102, 'start');
		await waitForTaskListed(sim, upid);
		const first = await pollOnce(sim, { ...TASKS, options: { includeMinutes: 5 } }, {});
		expect(first.items.map((i) => i.id)).toContain(upid);
		const second = await pollOnce(sim, { ...TASKS, options: { includeMinutes: 5 } }, first.staticData);
		expect(second.items).toEqual([]);
		await waitForTaskListed(sim, await guestAction(sim, 102, 'stop'));
	});

	it('carries a finished guest task as the common event with deep links and a correlation key', async () => {
		let { staticData } = await pollOnce(sim, TASKS, {});
		const upid = await guestAction(sim, 102, 'start');
		await waitForTaskListed(sim, upid);
		const polled = await pollOnce(sim, TASKS, staticData);
		staticData = polled.staticData;
		const item = polled.items.find((i) => i.id === upid)!;
		expect(item).toMatchObject({ source: 'proxmox', severity: 'info', host: expect.any(String), title: expect.stringContaining('qmstart 102') });
		expect(event(item)).toMatchObject({ type: 'guest.start', vmid: 102, guestType: 'qemu', upid, user: 'root@pam!sim', taskType: 'qmstart', status: 'OK', success: true, key: `proxmox:task:${upid}` });
		const links = item.links as IDataObject;
		expect(links.guest).toBe(`https://${sim.host}:${sim.port}/#v1:0:=qemu%2F102:4`);
		expect(links.node).toMatch(/#v1:0:=node%2Fpve\d:4$/);
		await waitForTaskListed(sim, await guestAction(sim, 102, 'stop'));
	});

	it('a failed task carries the last lines of its log; "Failed Only" skips successful ones', async () => {
		let { staticData } = await pollOnce(sim, { ...TASKS, taskStatus: 'failed' }, {});
		sim.control.failNextTask({ type: 'qmstart', id: '104', message: 'start failed: QEMU exited with code 1' });
		const failed = await guestAction(sim, 104, 'start');
		const ok = await guestAction(sim, 102, 'start');
		await waitForTaskListed(sim, failed);
		await waitForTaskListed(sim, ok);
		const polled = await pollOnce(sim, { ...TASKS, taskStatus: 'failed', logLines: 5 }, staticData);
		staticData = polled.staticData;
		expect(polled.items.map((i) => i.id)).toEqual([failed]);
		const [item] = polled.items;
		expect(item.severity).toBe('error');
		expect(event(item)).toMatchObject({ type: 'task.failed', success: false, status: 'start failed: QEMU exited with code 1', vmid: 104 });
		expect((event(item).logTail as string[]).join('\n')).toContain('TASK ERROR: start failed: QEMU exited with code 1');
		expect(item.message).toContain('TASK ERROR');
		await waitForTaskListed(sim, await guestAction(sim, 102, 'stop'));
	});

	it('filters by type, node, VMID and user (a user matches its tokens)', async () => {
		const base = await pollOnce(sim, TASKS, {});
		const start = await guestAction(sim, 202, 'start');
		await waitForTaskListed(sim, start);
		const stop = await guestAction(sim, 202, 'stop');
		await waitForTaskListed(sim, stop);
		const node = String(((await api(sim, 'GET', '/cluster/resources', { type: 'vm' })) as IDataObject[]).find((r) => r.vmid === 202)!.node);
		const ids = async (filters: IDataObject) => (await pollOnce(sim, { ...TASKS, ...filters }, base.staticData)).items.map((i) => i.id);
		expect(await ids({ taskTypes: 'vzstart' })).toEqual([start]);
		expect(await ids({ taskVmids: '202', taskNodes: node })).toEqual([start, stop]);
		expect(await ids({ taskVmids: '202', taskNodes: 'nosuchnode' })).toEqual([]);
		expect(await ids({ taskVmids: '202', taskUsers: 'root@pam' })).toEqual([start, stop]);
		expect(await ids({ taskVmids: '202', taskUsers: 'other@pve' })).toEqual([]);
		expect(await ids({ taskVmids: '202', taskStatus: 'ok' })).toEqual([start, stop]);
	});

	it('across restarts and tasks still running at poll time: 0 lost, 0 duplicated', async () => {
		let { staticData } = await pollOnce(sim, TASKS, {});
		const started: string[] = [];
		const reported: string[] = [];
		for (let round = 0; round < 6; round++) {
			// Start tasks on several nodes; poll while some still run; static data survives a "restart" (JSON).
			started.push(await guestAction(sim, [102, 104, 202][round % 3], round % 2 === 0 ? 'start' : 'stop'));
			sim.control.refreshStats();
			const polled = await pollOnce(sim, TASKS, staticData);
			staticData = polled.staticData;
			reported.push(...polled.items.map((i) => String(i.id)));
			await waitForTaskListed(sim, started[started.length - 1]);
		}
		for (const upid of started) await waitForTaskListed(sim, upid);
		const last = await pollOnce(sim, TASKS, staticData);
		reported.push(...last.items.map((i) => String(i.id)));
		expect(new Set(reported).size).toBe(reported.length);
		expect([...reported].sort()).toEqual([...started].sort());
	});

	it('Test step (manual mode) shows the most recent matching task without touching the cursor', async () => {
		const { items, staticData } = await pollOnce(sim, { ...TASKS, taskTypes: 'vzstart,vzstop' }, {}, 'manual');
		expect(items).toHaveLength(1);
		expect(['vzstart', 'vzstop']).toContain(event(items[0]).taskType);
		expect(staticData.tasks).toBeUndefined();
	});

	it('one request per cycle for the whole cluster', async () => {
		const { staticData } = await pollOnce(sim, TASKS, {});
		sim.control.resetRequestCounts();
		await pollOnce(sim, TASKS, staticData);
		expect(sim.control.requestCounts()).toEqual({ 'GET /cluster/tasks': 1 });
	});

	it('a wrong credential fails the poll with the API error', async () => {
		const { runPoll } = await import('../../helpers/engine');
		const { tokenCredentials } = await import('./helpers');
		await expect(runPoll('proxmoxPollTrigger', TASKS as never, { credentials: tokenCredentials(sim, { tokenSecret: 'wrong' }) })).rejects.toThrow(/invalid token value|401/i);
	});
});
