import { ApiError, Reply } from './errors';
import type { Call, WorldBase } from './world';
import { statusType, type Task } from './tasks';
import { decodeUpid } from './upid';

/** Task list entry. PVE splits a token's auth id into `user` and `tokenid`; PBS keeps `user` whole. */
export function taskEntry(world: WorldBase, t: Task): Record<string, unknown> {
	const e: Record<string, unknown> = { upid: t.upid, node: t.node, pid: t.pid, pstart: t.pstart, starttime: t.starttime };
	if (world.product === 'pbs') {
		Object.assign(e, { worker_type: t.type, user: t.authId });
		if (t.id) e.worker_id = t.id;
	} else {
		const [user, token] = t.authId.split('!');
		Object.assign(e, { type: t.type, id: t.id, user });
		if (token) e.tokenid = token;
	}
	if (!t.running) Object.assign(e, { endtime: t.endtime, status: t.exitstatus });
	return e;
}

function visible(call: Call, t: Task): boolean {
	const { access } = call.world;
	const root = call.world.product === 'pve' ? '/nodes/' + t.node : '/system/tasks';
	if (t.authId === call.identity.authId || t.authId.split('!')[0] === call.identity.authId) return true;
	return access.privileges(call.identity.authId, root).has('Sys.Audit');
}

/** The task whose UPID is in the path, or the error pveproxy answers for an unknown one. */
export function requireTask(call: Call): Task {
	const upid = String(call.params.upid);
	const parts = decodeUpid(call.world.product, upid);
	if (!parts) throw new ApiError(400, call.world.product === 'pve' ? `unable to parse worker upid '${upid}'` : `unable to parse UPID '${upid}'`);
	const task = call.world.tasks.get(upid);
	if (!task || (call.params.node !== 'localhost' && parts.node !== call.params.node)) {
		throw new ApiError(call.world.product === 'pve' ? 500 : 400, call.world.product === 'pve' ? `task '${upid}' not found` : `task '${upid}' not found`);
	}
	if (!visible(call, task)) throw new ApiError(403, call.world.product === 'pve' ? `Permission check failed (/nodes/${task.node}, Sys.Audit)` : 'permission check failed');
	return task;
}

export function listTasks(call: Call): Reply {
	const p = call.params;
	const pbs = call.world.product === 'pbs';
	const node = String(p.node);
	let list = call.world.tasks.tasks.filter((t) => node === 'localhost' || t.node === node).filter((t) => visible(call, t));
	const source = pbs ? (p.running ? 'active' : 'all') : String(p.source ?? 'archive');
	if (source === 'archive') list = list.filter((t) => !t.running);
	if (source === 'active') list = list.filter((t) => t.running);
	if (p.errors === 1) list = list.filter((t) => !t.running && statusType(t.exitstatus) === 'error');
	if (p.typefilter) list = list.filter((t) => t.type === p.typefilter);
	if (p.userfilter) list = list.filter((t) => t.authId.includes(String(p.userfilter)));
	if (p.vmid !== undefined) list = list.filter((t) => t.id === String(p.vmid));
	if (p.since !== undefined) list = list.filter((t) => t.starttime >= Number(p.since));
	if (p.until !== undefined) list = list.filter((t) => t.starttime <= Number(p.until));
	if (p.store !== undefined) list = list.filter((t) => t.meta.store === p.store);
	if (p.statusfilter !== undefined) {
		const wanted = (Array.isArray(p.statusfilter) ? p.statusfilter.map(String) : String(p.statusfilter).split(/[,;\s]+/)).filter(Boolean);
		list = list.filter((t) => !t.running && wanted.includes(statusType(t.exitstatus)));
	}
	list = [...list].sort((a, b) => b.starttime - a.starttime || b.pid - a.pid);
	const total = list.length;
	const start = Number(p.start ?? 0);
	const limit = Number(p.limit ?? 50);
	const page = limit === 0 && pbs ? list.slice(start) : list.slice(start, start + limit);
	return new Reply(page.map((t) => taskEntry(call.world, t)), { total });
}

export function taskStatus(call: Call): unknown {
	const task = requireTask(call);
	if (Date.now() - task.createdMs < call.world.opts.taskStatusGraceMs) {
		// The real worker writes its state a moment after the UPID is returned.
		const dir = call.world.product === 'pve' ? `/var/log/pve/tasks/${task.starttime.toString(16).toUpperCase().slice(-1)}` : `/var/log/proxmox-backup/tasks/${task.starttime.toString(16).toUpperCase().slice(-2)}`;
		throw new ApiError(400, `unable to open file '${dir}/${task.upid}' - No such file or directory`);
	}
	const e = taskEntry(call.world, task);
	delete e.endtime;
	delete e.status;
	e.status = task.running ? 'running' : 'stopped';
	if (!task.running) e.exitstatus = task.exitstatus;
	if (call.world.product === 'pbs') {
		if (!task.running) e.endtime = task.endtime;
		if (task.authId.includes('!')) e.tokenid = task.authId.split('!')[1];
	}
	return e;
}

export function taskLog(call: Call): Reply {
	const task = requireTask(call);
	const start = Number(call.params.start ?? 0);
	const limit = Number(call.params.limit ?? 50);
	const lines = task.log.slice(start, limit === 0 ? undefined : start + limit).map((l) => ({ n: l.n, t: l.t }));
	const attrs: Record<string, unknown> = { total: task.log.length };
	if (call.world.product === 'pbs') attrs.active = task.running;
	return new Reply(lines, attrs);
}

export function stopTask(call: Call): null {
	const task = requireTask(call);
	if (task.authId !== call.identity.authId && !call.world.access.privileges(call.identity.authId, `/nodes/${task.node}`).has('Sys.Modify')) {
		throw new ApiError(403, `Permission check failed (/nodes/${task.node}, Sys.Modify)`);
	}
	call.world.tasks.stop(task.upid);
	return null;
}
