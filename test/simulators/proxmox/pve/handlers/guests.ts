import { ApiError } from '../../core/errors';
import type { HandlerRegistry } from '../../core/world';
import { digestOf, type Guest, type PveWorld } from '../model';
import { guestMetrics, hostMemory } from '../metrics';
import { flag, requireGuest, startTask, type PveCall } from './common';
import { applyConfigChange } from './config';
import { powerAction } from './power';
import { cloneGuest, createGuest, destroyGuest, migrateGuest, resizeGuest, templateGuest } from './lifecycle';

/** Pressure stall figures (avg10, percent) of a running guest's cgroup, smooth over time and distinct per guest. */
function pressures(g: Guest, now: number, cpu: number): Record<string, number> {
	const wave = (period: number, phase: number) => 0.5 + 0.5 * Math.sin((now / period) * 2 * Math.PI + phase);
	const r = (x: number) => Math.round(x * 100) / 100;
	const cpuSome = r(cpu * 300 * (0.6 + 0.4 * wave(600, g.vmid)));
	const ioSome = r(0.05 + 0.3 * wave(1200, g.vmid / 3));
	const memSome = r(0.02 * wave(1800, g.vmid / 5) * (g.vmid % 3));
	return { pressurecpusome: cpuSome, pressurecpufull: r(cpuSome * 0.4), pressureiosome: ioSome, pressureiofull: r(ioSome * 0.8), pressurememorysome: memSome, pressurememoryfull: r(memSome * 0.5) };
}

/**
 * PVE 9 list/status additions: qemu-server reports `memhost` (0 for a stopped VM) and numeric `pressure*`;
 * pve-container reads the same cgroup pressure files but does not numify them, so containers send strings
 * (`"0.12"`) and have no `memhost` (pvestatd writes `undef` for it into the CT RRD).
 */
function listEntry(g: Guest, now: number, pve9: boolean): Record<string, unknown> {
	const m = guestMetrics(g, now);
	const e: Record<string, unknown> = { vmid: g.vmid, name: String(g.config.name ?? g.config.hostname ?? ''), status: g.status, ...m, cpus: m.maxcpu };
	delete e.maxcpu;
	if (g.type === 'lxc') Object.assign(e, { type: 'lxc', maxswap: Number(g.config.swap ?? 512) * 1024 * 1024, swap: 0 });
	if (pve9 && g.type === 'qemu') e.memhost = g.status === 'running' ? hostMemory(g, m.mem) : 0;
	if (pve9 && g.status === 'running') {
		const p = pressures(g, now, m.cpu);
		if (g.type === 'qemu') Object.assign(e, p);
		else for (const [k, v] of Object.entries(p)) e[k] = v.toFixed(2);
	}
	if (g.status === 'running') e.pid = g.pid;
	if (g.type === 'qemu' && g.status === 'running') e.qmpstatus = g.paused ? 'paused' : 'running';
	if (g.config.template) e.template = 1;
	if (g.config.tags) e.tags = g.config.tags;
	if (g.config.lock) e.lock = g.config.lock;
	return e;
}

/**
 * QMP `query-blockstats` counters as qemu-server passes them through (`blockstat.<drive>`), the whole
 * BlockDeviceStats set; they grow with the guest's uptime at a rate of its own.
 */
function blockstat(g: Guest, uptime: number, read: number, written: number): Record<string, unknown> {
	const rdOps = Math.round(read / (32768 + (g.vmid % 5) * 4096));
	const wrOps = Math.round(written / (8192 + (g.vmid % 3) * 2048));
	const flushOps = Math.round(wrOps / (6 + (g.vmid % 4)));
	return {
		rd_bytes: read,
		wr_bytes: written,
		zone_append_bytes: 0,
		unmap_bytes: Math.round(written * 0.02),
		rd_operations: rdOps,
		wr_operations: wrOps,
		zone_append_operations: 0,
		flush_operations: flushOps,
		unmap_operations: Math.round(wrOps * 0.001),
		rd_total_time_ns: rdOps * (180000 + (g.vmid % 11) * 9000),
		wr_total_time_ns: wrOps * (420000 + (g.vmid % 13) * 15000),
		zone_append_total_time_ns: 0,
		flush_total_time_ns: flushOps * (900000 + (g.vmid % 7) * 40000),
		unmap_total_time_ns: Math.round(wrOps * 0.001) * 250000,
		rd_merged: Math.round(rdOps * 0.03),
		wr_merged: Math.round(wrOps * 0.05),
		zone_append_merged: 0,
		unmap_merged: 0,
		idle_time_ns: 1_000_000 + ((uptime * 7919 + g.vmid * 104729) % 900) * 1_000_000,
		failed_rd_operations: 0,
		failed_wr_operations: 0,
		failed_zone_append_operations: 0,
		failed_flush_operations: 0,
		failed_unmap_operations: 0,
		invalid_rd_operations: 0,
		invalid_wr_operations: 0,
		invalid_zone_append_operations: 0,
		invalid_flush_operations: 0,
		invalid_unmap_operations: 0,
		account_invalid: true,
		account_failed: true,
		timed_stats: [],
		wr_highest_offset: Math.min(diskSize(g), Math.round(written * 3.7)),
	};
}

const diskSize = (g: Guest) => Number(/size=(\d+)G/.exec(String(g.config.scsi0 ?? g.config.virtio0 ?? ''))?.[1] ?? 8) * 1024 ** 3;

function currentStatus(call: PveCall, g: Guest): Record<string, unknown> {
	const e = listEntry(g, call.world.clock.now(), call.world.opts.schema === 'pve9');
	e.ha = g.hastate ? { managed: 1, state: g.hastate, group: '' } : { managed: 0 };
	if (g.type === 'qemu') {
		e.qmpstatus = g.status === 'running' ? (g.paused ? 'paused' : 'running') : 'stopped';
		if (flag(g.config.agent) || String(g.config.agent ?? '').startsWith('1') || String(g.config.agent ?? '').includes('enabled=1')) e.agent = 1;
		if (g.status === 'running') {
			const mem = Number(e.mem);
			const maxmem = Number(e.maxmem);
			const tap = `tap${g.vmid}i0`;
			Object.assign(e, {
				'running-machine': 'pc-i440fx-9.2+pve1',
				'running-qemu': '9.2.0',
				balloon: maxmem,
				freemem: maxmem - mem,
				ballooninfo: { actual: maxmem, max_mem: maxmem, total_mem: maxmem - 82_000_000, free_mem: maxmem - mem, mem_swapped_in: 0, mem_swapped_out: 0, major_page_faults: 1811, minor_page_faults: 3803793, last_update: call.world.clock.now() },
				nics: { [tap]: { netin: e.netin, netout: e.netout } },
				blockstat: { scsi0: blockstat(g, Number(e.uptime), Number(e.diskread), Number(e.diskwrite)) },
				'proxmox-support': { 'pbs-dirty-bitmap': true, 'pbs-dirty-bitmap-migration': true, 'pbs-dirty-bitmap-savevm': true, 'pbs-masterkey': true, 'query-bitmap-info': true, 'backup-max-workers': true, 'pbs-library-version': '1.5.2 (UNKNOWN)' },
			});
		}
		if (g.config.serial0) e.serial = 1;
	}
	return e;
}

export function registerGuests(reg: HandlerRegistry<PveWorld>): void {
	for (const type of ['qemu', 'lxc'] as const) {
		const base = `/nodes/{node}/${type}`;
		reg.on('GET', base, (call) =>
			[...call.world.cluster.guests.values()]
				.filter((g) => g.type === type && g.node === call.params.node && call.world.access.privileges(call.identity.authId, `/vms/${g.vmid}`).has('VM.Audit'))
				.map((g) => listEntry(g, call.world.clock.now(), call.world.opts.schema === 'pve9')),
		);
		reg.on('POST', base, createGuest(type));
		reg.on('DELETE', `${base}/{vmid}`, destroyGuest);
		reg.on('GET', `${base}/{vmid}`, (call) => {
			requireGuest(call);
			const dirs = type === 'qemu' ? ['config', 'pending', 'status', 'unlink', 'vncproxy', 'termproxy', 'migrate', 'resize', 'move', 'rrd', 'rrddata', 'monitor', 'agent', 'snapshot', 'spiceproxy', 'sendkey', 'firewall', 'mtunnel', 'remote_migrate'] : ['config', 'pending', 'status', 'vncproxy', 'termproxy', 'vncwebsocket', 'spiceproxy', 'migrate', 'clone', 'snapshot', 'firewall', 'rrd', 'rrddata', 'resize', 'move_volume', 'feature'];
			return dirs.map((subdir) => ({ subdir }));
		});
		reg.on('GET', `${base}/{vmid}/status`, (call) => {
			requireGuest(call);
			return ['current', 'start', 'stop', 'reset', 'shutdown', 'suspend', 'reboot', 'resume'].map((subdir) => ({ subdir }));
		});
		reg.on('GET', `${base}/{vmid}/status/current`, (call) => currentStatus(call, requireGuest(call)));
		for (const action of ['start', 'stop', 'shutdown', 'reboot', 'reset', 'suspend', 'resume']) {
			if (type === 'lxc' && action === 'reset') continue;
			reg.on('POST', `${base}/{vmid}/status/${action}`, powerAction(action));
		}
		reg.on('GET', `${base}/{vmid}/config`, (call) => {
			const g = requireGuest(call);
			const current = flag(call.params.current);
			const snap = call.params.snapshot ? g.snapshots.find((s) => s.name === call.params.snapshot) : undefined;
			if (call.params.snapshot && !snap) throw new ApiError(500, `snapshot '${call.params.snapshot}' does not exist`);
			const conf: Record<string, unknown> = { ...(snap ? snap.config : g.config) };
			if (!current && !snap) Object.assign(conf, g.pending);
			conf.digest = digestOf(g.config);
			return conf;
		});
		reg.on('GET', `${base}/{vmid}/pending`, (call) => {
			const g = requireGuest(call);
			const keys = new Set([...Object.keys(g.config), ...Object.keys(g.pending), ...g.pendingDelete]);
			return [...keys].sort().map((key) => {
				const e: Record<string, unknown> = { key };
				if (key in g.config) e.value = g.config[key];
				if (key in g.pending) e.pending = g.pending[key];
				if (g.pendingDelete.includes(key)) e.delete = 1;
				return e;
			});
		});
		reg.on('PUT', `${base}/{vmid}/config`, (call) => {
			applyConfigChange(call, requireGuest(call));
			return null;
		});
		if (type === 'qemu') {
			reg.on('POST', `${base}/{vmid}/config`, (call) => {
				const g = requireGuest(call);
				applyConfigChange(call, g);
				return startTask(call, 'qmconfig', String(g.vmid), async (ctx) => {
					await ctx.sleep(100);
				});
			});
		}
		reg.on('POST', `${base}/{vmid}/clone`, cloneGuest);
		reg.on('POST', `${base}/{vmid}/migrate`, migrateGuest);
		reg.on('GET', `${base}/{vmid}/migrate`, (call) => {
			const g = requireGuest(call);
			const nodes = [...call.world.cluster.nodes.values()].filter((n) => n.name !== g.node);
			const localDisks = call.world.cluster.volumes.filter((v) => v.vmid === g.vmid && v.node).map((v) => ({ volid: v.volid, size: v.size, is_unused: 0, drivename: 'scsi0' }));
			return type === 'qemu'
				? { running: g.status === 'running' ? 1 : 0, allowed_nodes: nodes.filter((n) => n.online).map((n) => n.name), not_allowed_nodes: {}, local_disks: localDisks, local_resources: [], 'mapped-resources': [], 'mapped-resource-info': {}, 'has-dbus-vmstate': 0 }
				: { running: g.status === 'running' ? 1 : 0, 'allowed-nodes': nodes.filter((n) => n.online).map((n) => n.name), 'not-allowed-nodes': {} };
		});
		reg.on('POST', `${base}/{vmid}/template`, templateGuest);
		reg.on('PUT', `${base}/{vmid}/resize`, resizeGuest);
	}
	reg.on('GET', '/cluster/nextid', (call) => {
		const used = call.world.cluster.guests;
		if (call.params.vmid !== undefined) {
			const id = Number(call.params.vmid);
			if (used.has(id)) throw new ApiError(400, 'Parameter verification failed.', { vmid: `VM ${id} already exists` });
			return String(id);
		}
		let id = 100;
		while (used.has(id)) id++;
		return String(id);
	});
}
