import { ApiError } from '../../core/errors';
import { guestLabel, parseSize, formatSize, type GuestConfig } from '../model';
import { newGuest } from '../seed';
import { checkLock, flag, prefix, requireGuest, startTask, type PveCall } from './common';
import { diskKeys } from './config';
import { setRunning } from './power';

const GiB = 1024 ** 3;

export function createGuest(type: 'qemu' | 'lxc') {
	return (call: PveCall) => {
		const w = call.world;
		const vmid = Number(call.params.vmid);
		const node = String(call.params.node);
		const archive = type === 'qemu' ? call.params.archive : flag(call.params.restore) ? call.params.ostemplate : undefined;
		if (archive !== undefined) return restoreGuest(call, type, String(archive));
		const existing = w.cluster.guests.get(vmid);
		if (existing) {
			if (type === 'qemu') throw new ApiError(500, `unable to create VM ${vmid} - VM ${vmid} already exists on node '${existing.node}'`);
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

/**
 * qmrestore / vzrestore from a vzdump archive: a new guest, or (with force) over an existing stopped one
 * on the same node. The archive's config is not modelled: an overwritten guest keeps its config.
 */
function restoreGuest(call: PveCall, type: 'qemu' | 'lxc', archive: string): string {
	const w = call.world;
	const vmid = Number(call.params.vmid);
	const node = String(call.params.node);
	const volume = w.cluster.volumes.find((v) => v.volid === archive && v.content === 'backup');
	if (!volume) throw new ApiError(500, `volume '${archive}' does not exist`);
	const existing = w.cluster.guests.get(vmid);
	if (existing) {
		if (existing.node !== node || !flag(call.params.force)) {
			throw new ApiError(500, type === 'qemu' ? `unable to restore VM ${vmid} - VM ${vmid} already exists on node '${existing.node}'` : `CT ${vmid} already exists on node '${existing.node}'`);
		}
		if (existing.status === 'running') throw new ApiError(500, type === 'qemu' ? `unable to restore VM ${vmid} - VM ${vmid} is running` : `unable to restore CT ${vmid} - CT is running`);
		checkLock(existing);
	}
	const storage = String(call.params.storage ?? 'local-lvm');
	const name = volume.notes || `restored-${vmid}`;
	const guest = existing ?? newGuest(vmid, type, node, type === 'qemu' ? { name, cores: 2, memory: '2048', ostype: 'l26', scsihw: 'virtio-scsi-single', net0: 'virtio,bridge=vmbr0', scsi0: `${storage}:vm-${vmid}-disk-0,size=8G` } : { hostname: name, arch: 'amd64', ostype: 'debian', cores: 1, memory: 512, swap: 512, rootfs: `${storage}:vm-${vmid}-disk-0,size=8G`, net0: 'name=eth0,bridge=vmbr0,ip=dhcp' });
	guest.config.lock = 'create';
	if (!existing) w.cluster.guests.set(vmid, guest);
	const dumpDir = `${w.cluster.storages.get(volume.storage)?.path ?? '/mnt/pve/' + volume.storage}/dump`;
	const file = archive.split('/').pop();
	return startTask(call, type === 'qemu' ? 'qmrestore' : 'vzrestore', String(vmid), async (ctx) => {
		let restored = false;
		try {
			if (type === 'qemu') {
				ctx.log(`restore vma archive: zstd -q -d -c ${dumpDir}/${file} | vma extract -v -r /var/tmp/vzdumptmp${ctx.task.pid}.fifo - /var/tmp/vzdumptmp${ctx.task.pid}`);
				ctx.log(`CFG: size: 512 name: qemu-server.conf`);
				ctx.log(`DEV: dev_id=1 size: ${8 * GiB} devname: drive-scsi0`);
				await ctx.sleep(1500);
				ctx.log(`progress 100% (read ${8 * GiB} bytes, duration 3 sec)`);
				ctx.log('rescan volumes...');
			} else {
				ctx.log(`recovering backed-up configuration from '${archive}'`);
				ctx.log(`restoring '${archive}' now..`);
				ctx.log(`extracting archive '${dumpDir}/${file}'`);
				await ctx.sleep(1500);
				ctx.log('Total bytes read: 1073741824 (1.0GiB, 350MiB/s)');
			}
			w.cluster.volumes = w.cluster.volumes.filter((v) => v.vmid !== vmid || v.content === 'backup');
			const st = w.cluster.storages.get(storage);
			w.cluster.volumes.push({ volid: `${storage}:vm-${vmid}-disk-0`, storage, node: st?.shared ? undefined : node, content: type === 'qemu' ? 'images' : 'rootdir', format: 'raw', size: 8 * GiB, ctime: w.clock.now(), vmid });
			guest.snapshots = [];
			guest.parent = undefined;
			restored = true;
		} finally {
			delete guest.config.lock;
			if (!restored && !existing) w.cluster.guests.delete(vmid);
		}
		if (flag(call.params.start)) {
			await ctx.sleep(500);
			setRunning(w, guest, true);
		}
	});
}

export function destroyGuest(call: PveCall) {
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

export function cloneGuest(call: PveCall) {
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

export function migrateGuest(call: PveCall) {
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

export function templateGuest(call: PveCall) {
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

export function resizeGuest(call: PveCall) {
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
