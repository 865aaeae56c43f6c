import { startProxmoxSimulator, type ProxmoxSimulator } from '../index';
import { call, pveToken } from './rawClient';

const token = pveToken();
const get = async (sim: ProxmoxSimulator, path: string) => {
	const r = await call(sim, 'GET', path, { token });
	expect(r.status).toBe(200);
	return r.json.data;
};

/** Columns of the RRD files pvestatd writes (pve-manager PVE/Service/pvestatd.pm): pve2-node/pve2.3-vm (8), pve-node-9.0/pve-vm-9.0 (9). */
const NODE8 = ['cpu', 'iowait', 'loadavg', 'maxcpu', 'memtotal', 'memused', 'netin', 'netout', 'roottotal', 'rootused', 'swaptotal', 'swapused', 'time'];
const NODE9 = [...NODE8, 'arcsize', 'memavailable', 'pressurecpusome', 'pressureiofull', 'pressureiosome', 'pressurememoryfull', 'pressurememorysome'].sort();
const VM8 = ['cpu', 'disk', 'diskread', 'diskwrite', 'maxcpu', 'maxdisk', 'maxmem', 'mem', 'netin', 'netout', 'time'];
const PRESSURE = ['pressurecpufull', 'pressurecpusome', 'pressureiofull', 'pressureiosome', 'pressurememoryfull', 'pressurememorysome'];
const VM9 = [...VM8, 'memhost', ...PRESSURE].sort();
const CT9 = [...VM8, ...PRESSURE].sort();

describe('PVE 9.1 details', () => {
	let sim: ProxmoxSimulator;
	beforeAll(async () => {
		sim = await startProxmoxSimulator({ unauthorizedDelayMs: 0, taskSpeed: 200 });
	});
	afterAll(() => sim.close());

	it('sends container pressure figures as strings and VM ones as numbers; stopped VMs report memhost 0', async () => {
		// pve-container vmstatus copies the cgroup pressure values as read; qemu-server numifies them.
		const ct = (await get(sim, '/nodes/pve1/lxc')).find((g: { vmid: number }) => g.vmid === 200);
		for (const k of PRESSURE) expect(ct[k]).toMatch(/^\d+\.\d\d$/);
		expect(ct.memhost).toBeUndefined();
		const ctStatus = await get(sim, '/nodes/pve1/lxc/200/status/current');
		expect(typeof ctStatus.pressureiosome).toBe('string');
		const vm = await get(sim, '/nodes/pve1/qemu/100/status/current');
		for (const k of PRESSURE) expect(typeof vm[k]).toBe('number');
		expect(vm.memhost).toBeGreaterThan(vm.mem);
		const stopped = (await get(sim, '/nodes/pve2/qemu')).find((g: { vmid: number }) => g.vmid === 102);
		expect(stopped).toMatchObject({ status: 'stopped', memhost: 0 });
		expect(stopped.pressurecpusome).toBeUndefined();
	});

	it('serves the pve-node-9.0 and pve-vm-9.0 RRD column sets', async () => {
		const node = await get(sim, '/nodes/pve1/rrddata?timeframe=hour');
		expect(Object.keys(node[0]).sort()).toEqual(NODE9);
		const vm = await get(sim, '/nodes/pve1/qemu/100/rrddata?timeframe=hour');
		expect(Object.keys(vm[0]).sort()).toEqual(VM9);
		// Containers: pvestatd writes undef for memhost, so the column is absent from the rows.
		const ct = await get(sim, '/nodes/pve1/lxc/200/rrddata?timeframe=day');
		expect(Object.keys(ct[0]).sort()).toEqual(CT9);
		const stopped = await get(sim, '/nodes/pve2/qemu/102/rrddata?timeframe=hour');
		expect(Object.keys(stopped[0]).sort()).toEqual(['disk', 'maxcpu', 'maxdisk', 'maxmem', 'time']);
	});

	it('lists network resources per node instead of sdn ones (API2/Cluster.pm resources)', async () => {
		const res = await get(sim, '/cluster/resources');
		expect(res.filter((r: { type: string }) => r.type === 'sdn')).toEqual([]);
		const nets = res.filter((r: { type: string }) => r.type === 'network');
		expect(nets).toEqual(['pve1', 'pve2', 'pve3'].map((node) => ({ id: `network/${node}/zone/localnetwork`, type: 'network', 'network-type': 'zone', network: 'localnetwork', node, status: 'ok' })));
		// The 9.1 schema's `type` parameter does not offer `network` yet (vm, storage, node, sdn).
		expect((await call(sim, 'GET', '/cluster/resources?type=network', { token })).status).toBe(400);
	});

	it('lists every path with rights in /access/permissions without a path (RPCEnvironment.pm get_effective_permissions)', async () => {
		const perms = await get(sim, '/access/permissions');
		expect(Object.keys(perms)).toEqual(expect.arrayContaining(['/', '/access', '/access/groups', '/nodes', '/pool', '/sdn', '/storage', '/vms', '/vms/100', '/vms/101', '/vms/200']));
		expect(perms['/vms']['VM.PowerMgmt']).toBe(1);
		const tok = sim.control.createToken('root@pam', 'perm-list');
		sim.control.setAcl('/vms/103', 'PVEVMUser', tok.tokenid);
		const limited = (await call(sim, 'GET', '/access/permissions', { token: `PVEAPIToken=${tok.tokenid}=${tok.secret}` })).json.data;
		expect(Object.keys(limited)).toEqual(['/vms/103']);
	});

	it('carries the config digest in the snapshot list entry `current`', async () => {
		const snaps = await get(sim, '/nodes/pve1/qemu/101/snapshot');
		const config = await get(sim, '/nodes/pve1/qemu/101/config');
		expect(snaps.find((s: { name: string }) => s.name === 'current')).toMatchObject({ name: 'current', parent: 'before-upgrade', digest: config.digest });
	});

	it('reports the full QMP blockstat counter set, different per guest', async () => {
		const a = (await get(sim, '/nodes/pve1/qemu/100/status/current')).blockstat.scsi0;
		const b = (await get(sim, '/nodes/pve1/qemu/101/status/current')).blockstat.scsi0;
		for (const k of ['rd_bytes', 'wr_bytes', 'rd_operations', 'wr_operations', 'flush_operations', 'rd_total_time_ns', 'wr_total_time_ns', 'flush_total_time_ns', 'unmap_operations', 'rd_merged', 'wr_merged', 'idle_time_ns', 'failed_rd_operations', 'invalid_wr_operations', 'wr_highest_offset']) {
			expect(typeof a[k]).toBe('number');
		}
		expect(a).toMatchObject({ account_invalid: true, account_failed: true, timed_stats: [] });
		expect(a.idle_time_ns).not.toBe(b.idle_time_ns);
		expect(a.rd_total_time_ns).not.toBe(b.rd_total_time_ns);
	});

	it('answers host configuration like a fresh node: network, DNS, time, subscription, metric servers, cluster log', async () => {
		const net = await get(sim, '/nodes/pve1/network');
		expect(net.map((i: { iface: string }) => i.iface).sort()).toEqual(['eno1', 'eno2', 'vmbr0']);
		expect(net.find((i: { iface: string }) => i.iface === 'vmbr0')).toMatchObject({ type: 'bridge', cidr: '10.0.0.11/24', gateway: '10.0.0.1', bridge_ports: 'eno1', active: 1 });
		expect((await get(sim, '/nodes/pve1/network?type=any_bridge')).map((i: { iface: string }) => i.iface)).toEqual(['vmbr0']);
		expect(await get(sim, '/nodes/pve1/dns')).toMatchObject({ search: 'sim.local', dns1: '10.0.0.1' });
		const time = await get(sim, '/nodes/pve1/time');
		expect(time.timezone).toBe('Etc/UTC');
		expect(time.time).toBe(Number(sim.control.getState().clock));
		sim.control.advanceClock(3600);
		expect((await get(sim, '/nodes/pve1/time')).time).toBe(time.time + 3600);
		expect(await get(sim, '/nodes/pve1/subscription')).toEqual({ status: 'notfound', message: 'There is no subscription key', url: 'https://www.proxmox.com/en/proxmox-virtual-environment/pricing', serverid: expect.stringMatching(/^[0-9A-F]{32}$/) });
		expect(await get(sim, '/cluster/metrics/server')).toEqual([]);
		const log = await get(sim, '/cluster/log?max=20');
		expect(log[0]).toMatchObject({ node: expect.any(String), tag: expect.any(String), msg: expect.any(String), uid: expect.any(Number), time: expect.any(Number) });
	});
});

describe('PVE 8.4 keeps the PVE 8 column sets and sdn resources', () => {
	let sim: ProxmoxSimulator;
	beforeAll(async () => {
		sim = await startProxmoxSimulator({ unauthorizedDelayMs: 0, pveVersion: 8 });
	});
	afterAll(() => sim.close());

	it('serves pve2-node and pve2.3-vm rows and no PVE 9 fields', async () => {
		expect(Object.keys((await get(sim, '/nodes/pve1/rrddata?timeframe=hour'))[0]).sort()).toEqual(NODE8);
		expect(Object.keys((await get(sim, '/nodes/pve1/qemu/100/rrddata?timeframe=hour'))[0]).sort()).toEqual(VM8);
		const vm = (await get(sim, '/nodes/pve1/qemu')).find((g: { vmid: number }) => g.vmid === 100);
		expect(vm.memhost).toBeUndefined();
		expect(vm.pressurecpusome).toBeUndefined();
		const res = await get(sim, '/cluster/resources');
		expect(res.filter((r: { type: string }) => r.type === 'network')).toEqual([]);
		expect(res.filter((r: { type: string }) => r.type === 'sdn').map((r: { id: string }) => r.id)).toEqual(['sdn/pve1/localnetwork', 'sdn/pve2/localnetwork', 'sdn/pve3/localnetwork']);
	});
});
