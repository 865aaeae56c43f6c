import { ApiError } from '../../core/errors';
import type { HandlerRegistry } from '../../core/world';
import { digestOf, guestLabel, type Guest, type PveWorld } from '../model';
import { checkLock, flag, prefix, requireGuest, startTask, type PveCall } from './common';

function requireSnapshot(g: Guest, name: string) {
	const snap = g.snapshots.find((s) => s.name === name);
	if (!snap) throw new ApiError(500, `snapshot '${name}' does not exist`);
	return snap;
}

function list(call: PveCall) {
	const g = requireGuest(call);
	const out: Array<Record<string, unknown>> = g.snapshots.map((s) => {
		const e: Record<string, unknown> = { name: s.name, description: s.description, snaptime: s.snaptime };
		if (g.type === 'qemu') e.vmstate = s.vmstate;
		if (s.parent) e.parent = s.parent;
		return e;
	});
	// qemu-server/pve-container snapshot_list: `current` carries the config digest (for a later rollback/edit check).
	const current: Record<string, unknown> = { name: 'current', description: 'You are here!', digest: digestOf(g.config), running: g.status === 'running' ? 1 : 0 };
	if (g.parent) current.parent = g.parent;
	out.push(current);
	return out;
}

function create(call: PveCall) {
	const g = requireGuest(call);
	const name = String(call.params.snapname);
	if (name === 'current' || name === 'vzdump') throw new ApiError(400, 'Parameter verification failed.', { snapname: `invalid snapshot name '${name}'` });
	if (g.snapshots.some((s) => s.name === name)) throw new ApiError(500, `snapshot name '${name}' already used`);
	checkLock(g);
	const vmstate = flag(call.params.vmstate) && g.status === 'running' ? 1 : 0;
	return startTask(call, `${prefix(g)}snapshot`, String(g.vmid), async (ctx) => {
		checkLock(g);
		g.config.lock = 'snapshot';
		try {
			if (vmstate) ctx.log(`saving VM state and RAM using storage 'local-lvm'`);
			ctx.log(`snapshotting 'drive-scsi0' (local-lvm:vm-${g.vmid}-disk-0)`);
			await ctx.sleep(vmstate ? 2500 : 800);
			const config = { ...g.config };
			delete config.lock;
			g.snapshots.push({ name, description: String(call.params.description ?? ''), snaptime: call.world.clock.now(), vmstate, parent: g.parent, config });
			g.parent = name;
		} finally {
			delete g.config.lock;
		}
	});
}

function rollback(call: PveCall) {
	const g = requireGuest(call);
	const snap = requireSnapshot(g, String(call.params.snapname));
	checkLock(g);
	return startTask(call, `${prefix(g)}rollback`, String(g.vmid), async (ctx) => {
		g.config.lock = 'rollback';
		try {
			if (g.status === 'running') {
				ctx.log(`stopping ${guestLabel(g)}`);
				g.status = 'stopped';
			}
			await ctx.sleep(1000);
			g.config = { ...snap.config };
			g.pending = {};
			g.pendingDelete = [];
			g.parent = snap.name;
			if (snap.vmstate || flag(call.params.start)) {
				g.status = 'running';
				g.startedAt = call.world.clock.now();
				g.pid = 20000 + g.vmid;
				g.agentRunning = g.type === 'qemu' && String(g.config.agent ?? '').startsWith('1');
			} else {
				g.startedAt = undefined;
				g.agentRunning = false;
			}
		} finally {
			delete g.config.lock;
		}
	});
}

function remove(call: PveCall) {
	const g = requireGuest(call);
	const name = String(call.params.snapname);
	const snap = requireSnapshot(g, name);
	if (!flag(call.params.force)) checkLock(g);
	return startTask(call, `${prefix(g)}delsnapshot`, String(g.vmid), async (ctx) => {
		g.config.lock = 'snapshot-delete';
		try {
			await ctx.sleep(600);
			for (const s of g.snapshots) if (s.parent === name) s.parent = snap.parent;
			if (g.parent === name) g.parent = snap.parent;
			g.snapshots = g.snapshots.filter((s) => s.name !== name);
			ctx.log(`  Logical volume "snap_vm-${g.vmid}-disk-0_${name}" successfully removed.`);
		} finally {
			delete g.config.lock;
		}
	});
}

export function registerSnapshots(reg: HandlerRegistry<PveWorld>): void {
	for (const type of ['qemu', 'lxc']) {
		const base = `/nodes/{node}/${type}/{vmid}/snapshot`;
		reg.on('GET', base, list);
		reg.on('POST', base, create);
		reg.on('GET', `${base}/{snapname}`, (call) => {
			requireSnapshot(requireGuest(call), String(call.params.snapname));
			return [{ cmd: 'rollback' }, { cmd: 'config' }];
		});
		reg.on('DELETE', `${base}/{snapname}`, remove);
		reg.on('POST', `${base}/{snapname}/rollback`, rollback);
		reg.on('GET', `${base}/{snapname}/config`, (call) => {
			const s = requireSnapshot(requireGuest(call), String(call.params.snapname));
			return { ...s.config, snaptime: s.snaptime, description: s.description, ...(s.parent ? { parent: s.parent } : {}) };
		});
		reg.on('PUT', `${base}/{snapname}/config`, (call) => {
			const s = requireSnapshot(requireGuest(call), String(call.params.snapname));
			if (call.params.description !== undefined) s.description = String(call.params.description);
			return null;
		});
	}
}
