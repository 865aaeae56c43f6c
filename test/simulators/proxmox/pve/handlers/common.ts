import { ApiError } from '../../core/errors';
import type { Call } from '../../core/world';
import type { TaskContext } from '../../core/tasks';
import { guestLabel, type Guest, type PveWorld } from '../model';

export type PveCall = Call<PveWorld>;

/** The error pveproxy answers when a guest's config is not on the node in the path. */
export function requireGuest(call: PveCall, type?: 'qemu' | 'lxc'): Guest {
	const vmid = Number(call.params.vmid);
	const node = String(call.params.node);
	const g = call.world.cluster.guests.get(vmid);
	const kind = type ?? (call.template.includes('/lxc') ? 'lxc' : 'qemu');
	if (!g || g.node !== node || g.type !== kind) {
		const dir = kind === 'qemu' ? 'qemu-server' : 'lxc';
		throw new ApiError(500, `Configuration file 'nodes/${node}/${dir}/${vmid}.conf' does not exist`);
	}
	return g;
}

export function checkLock(g: Guest, allowed?: string): void {
	const lock = g.config.lock;
	if (lock && lock !== allowed) throw new ApiError(500, `${guestLabel(g)} is locked (${lock})`);
}

export function startTask(call: PveCall, type: string, id: string, run: (ctx: TaskContext) => Promise<void> | void, node?: string): string {
	return call.world.tasks.start({ node: node ?? String(call.params.node), type, id, authId: call.identity.authId, run }).upid;
}

export function prefix(g: Guest): 'qm' | 'vz' {
	return g.type === 'qemu' ? 'qm' : 'vz';
}

/** Boolean parameters arrive validated as 0/1. */
export const flag = (v: unknown) => v === 1 || v === '1';
