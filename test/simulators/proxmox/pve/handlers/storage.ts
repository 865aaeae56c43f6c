import { ApiError } from '../../core/errors';
import type { HandlerRegistry } from '../../core/world';
import { storageOnNode, storageUsed, type PveWorld, type Storage, type Volume } from '../model';
import { startTask, type PveCall } from './common';

function requireStorage(call: PveCall): Storage {
	const s = call.world.cluster.storages.get(String(call.params.storage));
	if (!s || !storageOnNode(s, String(call.params.node))) throw new ApiError(500, `storage '${call.params.storage}' does not exist`);
	return s;
}

function volumesOn(call: PveCall, s: Storage): Volume[] {
	const node = String(call.params.node);
	return call.world.cluster.volumes.filter((v) => v.storage === s.storage && (s.shared || v.node === node));
}

function statusEntry(call: PveCall, s: Storage): Record<string, unknown> {
	const used = storageUsed(call.world.cluster, s, String(call.params.node));
	return { storage: s.storage, type: s.type, content: s.content.join(','), active: 1, enabled: 1, shared: s.shared, total: s.total, used, avail: Math.max(0, s.total - used), used_fraction: used / s.total };
}

function contentEntry(v: Volume): Record<string, unknown> {
	const e: Record<string, unknown> = { volid: v.volid, content: v.content, format: v.format, size: v.size, ctime: v.ctime };
	if (v.vmid !== undefined) e.vmid = v.vmid;
	if (v.content === 'images' || v.content === 'rootdir') e.used = v.size;
	if (v.notes !== undefined) e.notes = v.notes;
	if (v.content === 'backup') {
		e.protected = v.protected ?? 0;
		if (v.subtype) e.subtype = v.subtype;
		if (v.protected === 0) delete e.protected;
	}
	return e;
}

function requireVolume(call: PveCall, s: Storage): Volume {
	const name = String(call.params.volume);
	const volid = name.includes(':') ? name : `${s.storage}:${name}`;
	const v = volumesOn(call, s).find((x) => x.volid === volid);
	if (!v) throw new ApiError(500, `volume '${volid}' does not exist`);
	return v;
}

export function registerStorage(reg: HandlerRegistry<PveWorld>): void {
	reg.on('GET', '/storage', (call) =>
		[...call.world.cluster.storages.values()].map((s) => {
			const e: Record<string, unknown> = { storage: s.storage, type: s.type, content: s.content.join(','), digest: 'b'.repeat(40), ...s.options };
			if (s.path) e.path = s.path;
			if (s.shared) e.shared = 1;
			if (s.nodes) e.nodes = s.nodes.join(',');
			if (s.type === 'dir' || s.type === 'nfs') e['prune-backups'] = 'keep-all=1';
			return e;
		}),
	);
	reg.on('GET', '/storage/{storage}', (call) => {
		const s = call.world.cluster.storages.get(String(call.params.storage));
		if (!s) throw new ApiError(500, `storage '${call.params.storage}' does not exist`);
		return { storage: s.storage, type: s.type, content: s.content.join(','), digest: 'b'.repeat(40), ...(s.path ? { path: s.path } : {}), ...(s.shared ? { shared: 1 } : {}), ...s.options };
	});
	reg.on('GET', '/nodes/{node}/storage', (call) => {
		const content = call.params.content ? String(call.params.content).split(',') : undefined;
		return [...call.world.cluster.storages.values()]
			.filter((s) => storageOnNode(s, String(call.params.node)))
			.filter((s) => !call.params.storage || s.storage === call.params.storage)
			.filter((s) => !content || content.some((c) => s.content.includes(c)))
			.filter((s) => {
				const p = call.world.access.privileges(call.identity.authId, `/storage/${s.storage}`);
				return p.has('Datastore.Audit') || p.has('Datastore.AllocateSpace');
			})
			.map((s) => statusEntry(call, s));
	});
	reg.on('GET', '/nodes/{node}/storage/{storage}', (call) => {
		requireStorage(call);
		return ['content', 'download-url', 'file-restore', 'import-metadata', 'prunebackups', 'rrd', 'rrddata', 'status', 'upload'].map((subdir) => ({ subdir }));
	});
	reg.on('GET', '/nodes/{node}/storage/{storage}/status', (call) => {
		const e = statusEntry(call, requireStorage(call));
		delete e.storage;
		delete e.used_fraction;
		return e;
	});
	reg.on('GET', '/nodes/{node}/storage/{storage}/content', (call) => {
		const s = requireStorage(call);
		return volumesOn(call, s)
			.filter((v) => !call.params.content || v.content === call.params.content)
			.filter((v) => call.params.vmid === undefined || v.vmid === Number(call.params.vmid))
			.filter((v) => v.vmid === undefined || call.world.access.privileges(call.identity.authId, `/vms/${v.vmid}`).has('VM.Audit') || call.world.access.privileges(call.identity.authId, `/storage/${s.storage}`).has('Datastore.Audit'))
			.map(contentEntry);
	});
	reg.on('GET', '/nodes/{node}/storage/{storage}/content/{volume}', (call) => {
		const s = requireStorage(call);
		const v = requireVolume(call, s);
		const e: Record<string, unknown> = { path: `${s.path ?? '/dev/pve'}/${v.volid.split(':')[1]}`, size: v.size, used: v.size, format: v.format };
		if (v.notes !== undefined) e.notes = v.notes;
		if (v.content === 'backup') e.protected = v.protected ?? 0;
		return e;
	});
	reg.on('PUT', '/nodes/{node}/storage/{storage}/content/{volume}', (call) => {
		const v = requireVolume(call, requireStorage(call));
		if (call.params.notes !== undefined) v.notes = String(call.params.notes);
		if (call.params.protected !== undefined) v.protected = call.params.protected === 1 ? 1 : 0;
		return null;
	});
	reg.on('DELETE', '/nodes/{node}/storage/{storage}/content/{volume}', (call) => {
		const s = requireStorage(call);
		const v = requireVolume(call, s);
		if (v.protected) throw new ApiError(500, `unable to remove protected backup '${v.volid}'`);
		if ((v.content === 'images' || v.content === 'rootdir') && v.vmid !== undefined && call.world.cluster.guests.has(v.vmid)) {
			const g = call.world.cluster.guests.get(v.vmid);
			if (g && Object.values(g.config).some((x) => String(x).startsWith(v.volid + ','))) throw new ApiError(500, `volume '${v.volid}' is still in use by ${g.type === 'qemu' ? 'VM' : 'CT'} ${v.vmid}`);
		}
		return startTask(call, 'imgdel', v.volid, async (ctx) => {
			ctx.log(`Removed volume '${v.volid}'`);
			await ctx.sleep(200);
			call.world.cluster.volumes = call.world.cluster.volumes.filter((x) => x !== v);
		});
	});
}
