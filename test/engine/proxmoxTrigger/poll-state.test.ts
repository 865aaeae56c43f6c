/**
 * Proxmox Poll Trigger, state source: /cluster/resources compared with the snapshot in static data.
 * The simulator's controls stand for what happens on a real cluster: stopGuestUnexpectedly (crash or
 * OOM kill, no task), takeNodeOffline (node leaves corosync; resources show it offline and its
 * guests "unknown", as pvestatd reports), fillStorage.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ProxmoxSimulator } from '../../simulators/proxmox';
import { api, guestAction, guestNode, pollOnce, startSim, stopSim, waitForTaskListed } from './helpers';

const STATE = { watch: ['state'] };
const event = (item: IDataObject) => item.event as IDataObject;
const types = (items: IDataObject[]) => items.map((i) => event(i).type);

describe('state source', () => {
	let sim: ProxmoxSimulator;
	let staticData: IDataObject;
	beforeAll(async () => {
		sim = await startSim();
		staticData = (await pollOnce(sim, STATE, {})).staticData;
	});
	afterAll(async () => await stopSim(sim));

	const poll = async (parameters: IDataObject = STATE) => {
		sim.control.refreshStats();
		const polled = await pollOnce(sim, parameters, staticData);
		staticData = polled.staticData;
		return polled.items;
	};

	it('the first poll only takes the snapshot', async () => {
		const first = await pollOnce(sim, STATE, {});
		expect(first.items).toEqual([]);
		expect(Object.keys((first.staticData.state as IDataObject).guests as IDataObject)).toContain('100');
		expect(await poll()).toEqual([]);
	});

	it('a guest that stops without any stop task is reported as unexpected', async () => {
		sim.control.stopGuestUnexpectedly(105);
		const items = await poll();
		expect(types(items)).toEqual(['guest.stop']);
		expect(items[0]).toMatchObject({ severity: 'error', title: expect.stringContaining('stopped unexpectedly') });
		expect(event(items[0])).toMatchObject({ vmid: 105, unexpected: true, from: 'running', to: 'stopped', guestType: 'qemu' });
		expect((items[0].links as IDataObject).guest).toContain('#v1:0:=qemu%2F105:4');
		expect(await poll()).toEqual([]);
	});

	it('a stop requested through a task names the task and its user, and shares the task\'s key', async () => {
		const upid = await guestAction(sim, 103, 'shutdown');
		await waitForTaskListed(sim, upid);
		const items = await poll();
		expect(types(items)).toEqual(['guest.stop']);
		expect(event(items[0])).toMatchObject({ vmid: 103, unexpected: false, upid, user: 'root@pam!sim', taskType: 'qmshutdown', key: `proxmox:task:${upid}` });
	});

	it('reports starts; "Guest Stopped Unexpectedly" alone ignores requested stops', async () => {
		const start = await guestAction(sim, 103, 'start');
		await waitForTaskListed(sim, start);
		expect(types(await poll())).toEqual(['guest.start']);
		const stop = await guestAction(sim, 103, 'stop');
		await waitForTaskListed(sim, stop);
		expect(await poll({ ...STATE, stateEvents: ['guestStopUnexpected'] })).toEqual([]);
		await waitForTaskListed(sim, await guestAction(sim, 103, 'start'));
		await poll();
	});

	it('reports guests created, migrated and removed', async () => {
		await waitForTaskListed(sim, String(await api(sim, 'POST', '/nodes/pve1/qemu', { vmid: 150, name: 'trigger-test', memory: 512 })));
		expect(types(await poll())).toEqual(['guest.create']);
		await waitForTaskListed(sim, String(await api(sim, 'POST', '/nodes/pve1/qemu/150/migrate', { target: 'pve2' })));
		const migrated = await poll();
		expect(types(migrated)).toEqual(['guest.migrate']);
		expect(event(migrated[0])).toMatchObject({ vmid: 150, from: 'pve1', to: 'pve2' });
		await waitForTaskListed(sim, String(await api(sim, 'DELETE', '/nodes/pve2/qemu/150')));
		const removed = await poll();
		expect(types(removed)).toEqual(['guest.destroy']);
		expect(event(removed[0])).toMatchObject({ vmid: 150, node: 'pve2' });
	});

	it('storage threshold with hysteresis: full once, no flapping around the threshold, recovered under it minus the hysteresis', async () => {
		const params = { ...STATE, stateEvents: ['storageThreshold'], thresholdPercent: 90, hysteresisPercent: 5 };
		sim.control.fillStorage('pve1', 'local', 92);
		const full = await poll(params);
		expect(types(full)).toEqual(['storage.full']);
		expect(event(full[0])).toMatchObject({ storage: 'local', node: 'pve1', shared: false, thresholdPercent: 90 });
		expect(Number(event(full[0]).usedPercent)).toBeGreaterThanOrEqual(90);
		sim.control.fillStorage('pve1', 'local', 88);
		expect(await poll(params)).toEqual([]);
		sim.control.fillStorage('pve1', 'local', 91);
		expect(await poll(params)).toEqual([]);
		sim.control.fillStorage('pve1', 'local', 84);
		expect(types(await poll(params))).toEqual(['storage.recovered']);
		sim.control.fillStorage('pve1', 'local', 20);
		expect(await poll(params)).toEqual([]);
	});

	it('a shared storage is one storage, not one per node', async () => {
		const params = { ...STATE, stateEvents: ['storageThreshold'] };
		sim.control.fillStorage('pve1', 'nfs-backup', 95);
		const items = await poll(params);
		expect(types(items)).toEqual(['storage.full']);
		expect(event(items[0])).toMatchObject({ storage: 'nfs-backup', shared: true });
		sim.control.fillStorage('pve1', 'nfs-backup', 10);
		expect(types(await poll(params))).toEqual(['storage.recovered']);
	});

	it('tasks and state together cost two requests per cycle', async () => {
		sim.control.refreshStats();
		sim.control.resetRequestCounts();
		await pollOnce(sim, { watch: ['tasks', 'state'] }, staticData);
		expect(sim.control.requestCounts()).toEqual({ 'GET /cluster/tasks': 1, 'GET /cluster/resources': 1 });
	});
});

describe('state source: nodes and HA (real-time HA timers)', () => {
	let sim: ProxmoxSimulator;
	beforeAll(async () => {
		// taskSpeed 1: HA fences a lost node only after 120 s, so the states below hold during the test.
		sim = await startSim({ taskSpeed: 1 });
	});
	afterAll(async () => await stopSim(sim));

	it('node offline and online; its guests turn "unknown", which is no stop', async () => {
		let { staticData } = await pollOnce(sim, STATE, {});
		sim.control.takeNodeOffline('pve3');
		sim.control.refreshStats();
		let polled = await pollOnce(sim, STATE, staticData);
		staticData = polled.staticData;
		expect(types(polled.items)).toEqual(['node.offline']);
		expect(polled.items[0]).toMatchObject({ severity: 'critical', host: 'pve3' });
		expect(event(polled.items[0])).toMatchObject({ node: 'pve3', from: 'online', to: 'offline' });
		sim.control.bringNodeOnline('pve3');
		sim.control.refreshStats();
		polled = await pollOnce(sim, STATE, staticData);
		expect(types(polled.items)).toEqual(['node.online']);
	});

	it('HA service states, with one extra request only when selected', async () => {
		const params = { ...STATE, stateEvents: ['haState', 'nodeOffline'] };
		let { staticData } = await pollOnce(sim, params, {});
		const node = await guestNode(sim, 101);
		sim.control.takeNodeOffline(node);
		sim.control.refreshStats();
		sim.control.resetRequestCounts();
		const polled = await pollOnce(sim, params, staticData);
		staticData = polled.staticData;
		expect(sim.control.requestCounts()).toEqual({ 'GET /cluster/resources': 1, 'GET /cluster/ha/status/current': 1 });
		expect(types(polled.items).sort()).toEqual(['ha.service.state', 'node.offline']);
		const ha = polled.items.find((i) => event(i).type === 'ha.service.state')!;
		expect(event(ha)).toMatchObject({ sid: 'vm:101', vmid: 101, from: 'started', to: 'fence' });
		sim.control.bringNodeOnline(node);
	});
});
