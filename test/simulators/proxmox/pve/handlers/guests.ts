import { ApiError } from '../../core/errors';
import type { HandlerRegistry } from '../../core/world';
import { digestOf, guestLabel, parseSize, formatSize, type Guest, type GuestConfig, type PveWorld } from '../model';
import { guestMetrics } from '../metrics';
import { newGuest } from '../seed';
import { checkLock, flag, prefix, requireGuest, startTask, type PveCall } from './common';
import { applyConfigChange, diskKeys } from './config';

const GiB = 1024 ** 3;

/** `pve9`: PVE 9 adds host memory and pressure stall figures to running guests. */
function listEntry(g: Guest, now: number, pve9: boolean): Record<string, unknown> {
	const m = guestMetrics(g, now);
	const e: Record<string, unknown> = { vmid: g.vmid, name: String(g.config.name ?? g.config.hostname ?? ''), status: g.status, ...m, cpus: m.maxcpu };
	delete e.maxcpu;
	if (g.type === 'lxc') Object.assign(e, { type: 'lxc', maxswap: Number(g.config.swap ?? 512) * 1024 * 1024, swap: 0 });
	if (g.status === 'running' && pve9) {
		// PVE 9 reports pressure stall information and host memory per guest.
		Object.assign(e, { memhost: m.mem, pressurecpusome: Math.round(m.cpu * 300) / 100, pressurecpufull: 0, pressureiosome: 0.12, pressureiofull: 0.1, pressurememorysome: 0, pressurememoryfull: 0 });
	}
	if (g.status === 'running') e.pid = g.pid;
	if (g.type === 'qemu' && g.status === 'running') e.qmpstatus = g.paused ? 'paused' : 'running';
	if (g.config.template) e.template = 1;
	if (g.config.tags) e.tags = g.config.tags;
	if (g.config.lock) e.lock = g.config.lock;
	return e;
}

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
				blockstat: { scsi0: { rd_bytes: e.diskread, wr_bytes: e.diskwrite, rd_operations: Math.round(Number(e.diskread) / 41000), wr_operations: Math.round(Number(e.diskwrite) / 9600), flush_operations: 15494, failed_rd_operations: 0, failed_wr_operations: 0, idle_time_ns: 4427685914, timed_stats: [] } },
				'proxmox-support': { 'pbs-dirty-bitmap': true, 'pbs-dirty-bitmap-migration': true, 'pbs-dirty-bitmap-savevm': true, 'pbs-masterkey': true, 'query-bitmap-info': true, 'backup-max-workers': true, 'pbs-library-version': '1.5.2 (UNKNOWN)' },
			});
		}
		if (g.config.serial0) e.serial = 1;
	}
	return e;
}

function setRunning(w: PveWorld, g: Guest, running: boolean): void {
	const now = w.clock.now();
	if (running) {
		g.status = 'running';
		g.paused = false;
		g.startedAt = now;
		g.pid = 10000 + Math.floor(Math.random() * 50000);
		g.agentRunning = g.type === 'qemu' && String(g.config.agent ?? '0').split(',')[0].replace('enabled=', '') === '1';
		// Pending changes take effect on a fresh start.
		Object.assign(g.config, g.pending);
		for (const k of g.pendingDelete) delete g.config[k];
		g.pending = {};
		g.pendingDelete = [];
	} else {
		g.status = 'stopped';
		g.paused = false;
		g.startedAt = undefined;
		g.pid = undefined;
		g.agentRunning = false;
	}
}

function powerAction(action: string) {
	return (call: PveCall) => {
		const g = requireGuest(call);
		const w = call.world;
		const label = guestLabel(g);
		const skipLock = flag(call.params.skiplock);
		if (!skipLock) checkLock(g);
		if (['shutdown', 'reboot', 'reset', 'suspend'].includes(action) && g.status !== 'running') throw new ApiError(500, `${label} not running`);
		if (action === 'resume' && !(g.status === 'running' && g.paused)) throw new ApiError(500, `${label} not running`);
		const type = `${prefix(g)}${action === 'shutdown' ? 'shutdown' : action}`;
		return startTask(call, type, String(g.vmid), async (ctx) => {
			if (action === 'start') {
				if (g.config.template) throw new Error("you can't start a vm if it's a template");
				if (g.status === 'running') throw new Error(`${label} already running`);
				await ctx.sleep(1500);
				setRunning(w, g, true);
				if (g.type === 'qemu') ctx.log(`generating cloud-init ISO`.length && g.config.ciuser ? 'generating cloud-init ISO' : `start ${label}`);
				return;
			}
			if (action === 'stop') {
				if (g.status !== 'running') return;
				await ctx.sleep(500);
				setRunning(w, g, false);
				return;
			}
			if (action === 'shutdown') {
				const timeout = Number(call.params.timeout ?? 180);
				await ctx.sleep(Math.min(3000, timeout * 1000));
				if (g.type === 'qemu' && !g.agentRunning && !g.config.acpi && g.config.ostype === 'win11') ctx.log('waiting for ACPI shutdown');
				setRunning(w, g, false);
				return;
			}
			if (action === 'reboot' || action === 'reset') {
				await ctx.sleep(action === 'reboot' ? 3000 : 300);
				setRunning(w, g, false);
				setRunning(w, g, true);
				return;
			}
			if (action === 'suspend') {
				await ctx.sleep(300);
				if (flag(call.params.todisk)) {
					g.config.lock = 'suspended';
					setRunning(w, g, false);
				} else g.paused = true;
				return;
			}
			if (action === 'resume') {
				await ctx.sleep(200);
				g.paused = false;
			}
		});
	};
}

function createGuest(type: 'qemu' | 'lxc') {
	return (call: PveCall) => {
		const w = call.world;
		const vmid = Number(call.params.vmid);
		const node = String(call.params.node);
		const existing = w.cluster.guests.get(vmid);
		if (existing) {
			if (type === 'qemu' && call.params.archive === undefined) throw new ApiError(500, `unable to create VM ${vmid} - VM ${vmid} already exists on node '${existing.node}'`);
			throw new ApiError(500, `CT ${vmid} already exists on node '${existing.node}'`);
		}
		const config: GuestConfig = {};
		for (const [k, v] of Object.entries(call.params)) {
			if (['node', 'vmid', 'start', 'storage', 'ostemplate', 'password', 'ssh-public-keys', 'pool', 'unique', 'force', 'restore', 'archive', 'ignore-unpack-errors', 'bwlimit', 'live-restore'].includes(k)) continue;
			config[k] = Array.isArray(v) ? v.join(',') : v;
		}
		if (type === 'lxc') {
			config.arch ??= 'amd64';
			config.ostype ??= String(call.params.ostemplate ?? '').includes('alpine') ? 'alpine' : 'debian';
			config.hostname ??= `CT${vmid}`;
			config.memory ??= 512;
			config.swap ??= 512;
		} else {
			config.meta = `creation-qemu=9.2.0,ctime=${w.clock.now()}`;
			config.vmgenid ??= '3f1c8a2e-7b4d-4c55-9e1a-6d2f8b0c4e7a';
			config.smbios1 ??= `uuid=${vmid.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
		}
		const g = newGuest(vmid, type, node, config);
		g.config.lock = 'create';
		w.cluster.guests.set(vmid, g);
		const allocate = () => {
			for (const key of diskKeys(g.config)) {
				const value = String(g.config[key]);
				const m = /^([a-z][a-z0-9\-_.]*):(\d+(?:\.\d+)?)(,.*)?$/i.exec(value);
				if (!m) continue;
				const storage = w.cluster.storages.get(m[1]);
				if (!storage) throw new Error(`storage '${m[1]}' does not exist`);
				const idx = w.cluster.volumes.filter((v) => v.vmid === vmid).length;
				const volname = `vm-${vmid}-disk-${idx}`;
				const size = Number(m[2]) * GiB;
				w.cluster.volumes.push({ volid: `${m[1]}:${volname}`, storage: m[1], node: storage.shared ? undefined : node, content: type === 'qemu' ? 'images' : 'rootdir', format: storage.type === 'dir' ? 'qcow2' : 'raw', size, ctime: w.clock.now(), vmid });
				g.config[key] = `${m[1]}:${volname}${m[3] ?? ''},size=${formatSize(size)}`;
			}
		};
		return startTask(call, type === 'qemu' ? 'qmcreate' : 'vzcreate', String(vmid), async (ctx) => {
			let created = false;
			try {
				if (type === 'lxc') {
					const tmpl = String(call.params.ostemplate);
					if (!w.cluster.volumes.some((v) => v.volid === tmpl)) throw new Error(`volume '${tmpl}' does not exist`);
					ctx.log(`extracting archive '/var/lib/vz/template/cache/${tmpl.split('/').pop()}'`);
				}
				allocate();
				await ctx.sleep(2000);
				if (type === 'lxc') ctx.log('Total bytes read: 524288000 (500MiB, 250MiB/s)');
				delete g.config.lock;
				created = true;
			} finally {
				if (!created) {
					w.cluster.guests.delete(vmid);
					w.cluster.volumes = w.cluster.volumes.filter((v) => v.vmid !== vmid);
				}
			}
			if (flag(call.params.start)) {
				await ctx.sleep(500);
				setRunning(w, g, true);
			}
		});
	};
}

function destroyGuest(call: PveCall) {
	const g = requireGuest(call);
	const w = call.world;
	if (!flag(call.params.skiplock)) checkLock(g);
	if (g.status === 'running') throw new ApiError(500, `${guestLabel(g)} is running - destroy failed`);
	if (g.hastate) throw new ApiError(500, `unable to remove ${g.type === 'qemu' ? 'VM' : 'CT'} ${g.vmid} - used in HA resources and purge parameter not set.`);
	g.config.lock = 'destroyed';
	return startTask(call, `${prefix(g)}destroy`, String(g.vmid), async (ctx) => {
		for (const v of w.cluster.volumes.filter((x) => x.vmid === g.vmid && x.content !== 'backup')) ctx.log(`  Logical volume "${v.volid.split(':')[1]}" successfully removed.`);
		await ctx.sleep(1000);
		w.cluster.volumes = w.cluster.volumes.filter((x) => x.vmid !== g.vmid || x.content === 'backup');
		w.cluster.guests.delete(g.vmid);
		for (const job of w.cluster.backupJobs.values()) {
			if (typeof job.vmid === 'string' && flag(call.params.purge)) job.vmid = job.vmid.split(',').filter((x) => x !== String(g.vmid)).join(',');
		}
	});
}

function cloneGuest(call: PveCall) {
	const src = requireGuest(call);
	const w = call.world;
	const newid = Number(call.params.newid);
	if (w.cluster.guests.has(newid)) throw new ApiError(500, `unable to create VM ${newid}: config file already exists`);
	checkLock(src);
	const target = String(call.params.target ?? src.node);
	if (!w.cluster.nodes.has(target)) throw new ApiError(500, `no such node '${target}'`);
	const full = call.params.full !== undefined ? flag(call.params.full) : !src.config.template;
	if (src.status === 'running' && !full) throw new ApiError(500, 'Linked clone feature is not supported for running VMs');
	const config: GuestConfig = { ...src.config };
	delete config.template;
	config[src.type === 'qemu' ? 'name' : 'hostname'] = String(call.params.name ?? call.params.hostname ?? `Copy-of-VM-${src.config.name ?? src.config.hostname}`);
	if (call.params.description !== undefined) config.description = call.params.description as string;
	config.lock = 'clone';
	const clone = newGuest(newid, src.type, target, config);
	w.cluster.guests.set(newid, clone);
	src.config.lock = src.config.template ? src.config.lock ?? '' : 'clone';
	if (src.config.lock === '') delete src.config.lock;
	return startTask(call, `${prefix(src)}clone`, String(src.vmid), async (ctx) => {
		let cloned = false;
		try {
			for (const key of diskKeys(config)) {
				const value = String(config[key]);
				const m = /^([^:]+):((?:base|vm)-\d+-disk-\d+)(.*)$/.exec(value);
				if (!m) continue;
				const storage = String(call.params.storage ?? m[1]);
				const size = parseSize(/size=(\d+[KMGT]?)/.exec(value)?.[1] ?? '8G');
				const idx = w.cluster.volumes.filter((v) => v.vmid === newid).length;
				const name = full ? `vm-${newid}-disk-${idx}` : `${m[2]}/vm-${newid}-disk-${idx}`;
				ctx.log(full ? `create full clone of drive ${key} (${m[1]}:${m[2]})` : `create linked clone of drive ${key} (${m[1]}:${m[2]})`);
				const st = w.cluster.storages.get(storage);
				w.cluster.volumes.push({ volid: `${storage}:${name}`, storage, node: st?.shared ? undefined : target, content: src.type === 'qemu' ? 'images' : 'rootdir', format: 'raw', size, ctime: w.clock.now(), vmid: newid });
				config[key] = `${storage}:${name}${m[3]}`;
				await ctx.sleep(full ? 1500 : 300);
				if (full) ctx.log(`transferred ${formatSize(size)} of ${formatSize(size)} (100.00%)`);
			}
			delete clone.config.lock;
			cloned = true;
		} finally {
			if (!cloned) w.cluster.guests.delete(newid);
			if (src.config.lock === 'clone') delete src.config.lock;
		}
	});
}

function migrateGuest(call: PveCall) {
	const g = requireGuest(call);
	const w = call.world;
	const target = String(call.params.target);
	const label = guestLabel(g);
	if (target === g.node) throw new ApiError(400, `target is local node.`);
	const t = w.cluster.nodes.get(target);
	if (!t) throw new ApiError(500, `no such cluster node '${target}'`);
	if (!t.online) throw new ApiError(500, `target node '${target}' is not online`);
	checkLock(g);
	const online = flag(call.params.online) || flag(call.params.restart);
	if (g.status === 'running' && !online) {
		throw new ApiError(500, g.type === 'qemu' ? `can't migrate running VM without --online` : `CT is running - use online (restart) migration`);
	}
	g.config.lock = 'migrate';
	return startTask(call, g.type === 'qemu' ? 'qmigrate' : 'vzmigrate', String(g.vmid), async (ctx) => {
		const stamp = () => new Date(w.clock.nowMs()).toISOString().replace('T', ' ').slice(0, 19);
		ctx.log(`${stamp()} starting migration of ${label} to node '${target}' (${t.ip})`);
		try {
			for (const v of w.cluster.volumes.filter((x) => x.vmid === g.vmid && x.node)) {
				ctx.log(`${stamp()} found local disk '${v.volid}' (in current VM config)`);
				await ctx.sleep(800);
				v.node = target;
			}
			if (g.status === 'running') {
				ctx.log(`${stamp()} starting online/live migration on tcp:${t.ip}:60000`);
				await ctx.sleep(1500);
				ctx.log(`${stamp()} migration status: completed`);
			} else await ctx.sleep(500);
			g.node = target;
			ctx.log(`${stamp()} migration finished successfully (duration 00:00:03)`);
		} finally {
			delete g.config.lock;
		}
	});
}

function templateGuest(call: PveCall) {
	const g = requireGuest(call);
	checkLock(g);
	if (g.status === 'running') throw new ApiError(500, `${guestLabel(g)} is running`);
	if (g.snapshots.length && g.type === 'lxc') throw new ApiError(500, 'you can\'t convert a CT to template if the CT has snapshots');
	const convert = () => {
		g.config.template = 1;
		for (const key of diskKeys(g.config)) g.config[key] = String(g.config[key]).replace(/vm-(\d+)-disk/, 'base-$1-disk');
		for (const v of call.world.cluster.volumes.filter((x) => x.vmid === g.vmid && x.content !== 'backup')) v.volid = v.volid.replace(/vm-(\d+)-disk/, 'base-$1-disk');
	};
	if (g.type === 'lxc') {
		convert();
		return null;
	}
	return startTask(call, 'qmtemplate', String(g.vmid), async (ctx) => {
		await ctx.sleep(700);
		convert();
	});
}

function resizeGuest(call: PveCall) {
	const g = requireGuest(call);
	checkLock(g);
	const disk = String(call.params.disk);
	const current = g.config[disk];
	if (current === undefined) throw new ApiError(500, `disk '${disk}' does not exist`);
	const text = String(current);
	const cur = parseSize(/size=(\d+(?:\.\d+)?[KMGT]?)/.exec(text)?.[1] ?? '0');
	const req = String(call.params.size);
	const m = /^(\+)?(\d+(?:\.\d+)?[KMGT]?)$/.exec(req);
	if (!m) throw new ApiError(400, `invalid size '${req}'`);
	const target = m[1] ? cur + parseSize(m[2]) : parseSize(m[2]);
	if (target < cur) throw new ApiError(500, `shrinking disks is not supported`);
	return startTask(call, 'resize', String(g.vmid), async (ctx) => {
		ctx.log(`  Size of logical volume pve/vm-${g.vmid}-disk-0 changed from ${formatSize(cur)} to ${formatSize(target)}.`);
		await ctx.sleep(400);
		g.config[disk] = text.replace(/size=[^,]+/, `size=${formatSize(target)}`);
		const vol = call.world.cluster.volumes.find((v) => text.startsWith(v.volid));
		if (vol) vol.size = target;
	});
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
