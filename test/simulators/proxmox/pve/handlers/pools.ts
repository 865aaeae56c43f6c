import { ApiError } from '../../core/errors';
import type { HandlerRegistry } from '../../core/world';
import type { PveWorld } from '../model';
import type { PveCall } from './common';

function members(call: PveCall, poolid: string, type?: string): Array<Record<string, unknown>> {
	const pool = call.world.cluster.pools.get(poolid);
	if (!pool) return [];
	const guests = pool.vms
		.map((vmid) => call.world.stats.resources.find((r) => r.vmid === vmid))
		.filter((r): r is Record<string, unknown> => !!r && (!type || r.type === type))
		.map((r) => ({ ...r, pool: poolid }));
	const storages = type && type !== 'storage' ? [] : call.world.stats.resources.filter((r) => r.type === 'storage' && pool.storages.includes(String(r.storage)));
	return [...guests, ...storages];
}

function list(value: unknown): string[] {
	return String(value ?? '').split(/[,;\s]+/).filter(Boolean);
}

function update(call: PveCall): null {
	const poolid = String(call.params.poolid);
	const pool = call.world.cluster.pools.get(poolid);
	if (!pool) throw new ApiError(500, `pool '${poolid}' does not exist`);
	const remove = call.params.delete === 1;
	if (call.params.comment !== undefined) pool.comment = String(call.params.comment);
	for (const vmid of list(call.params.vms).map(Number)) {
		if (!call.world.cluster.guests.has(vmid)) throw new ApiError(500, `no such VM '${vmid}'`);
		const other = [...call.world.cluster.pools.entries()].find(([id, p]) => id !== poolid && p.vms.includes(vmid));
		if (!remove && other && call.params['allow-move'] !== 1) throw new ApiError(500, `VM ${vmid} is already a pool member`);
		if (other && !remove) other[1].vms = other[1].vms.filter((v) => v !== vmid);
		pool.vms = remove ? pool.vms.filter((v) => v !== vmid) : [...new Set([...pool.vms, vmid])];
	}
	for (const storage of list(call.params.storage)) {
		if (!call.world.cluster.storages.has(storage)) throw new ApiError(500, `no such storage '${storage}'`);
		pool.storages = remove ? pool.storages.filter((s) => s !== storage) : [...new Set([...pool.storages, storage])];
	}
	return null;
}

function destroy(call: PveCall): null {
	const poolid = String(call.params.poolid);
	const pool = call.world.cluster.pools.get(poolid);
	if (!pool) throw new ApiError(500, `pool '${poolid}' does not exist`);
	if (pool.vms.length || pool.storages.length) throw new ApiError(500, `pool '${poolid}' is not empty`);
	call.world.cluster.pools.delete(poolid);
	return null;
}

/** Resource pools: membership of guests and storages, and the `/pool/<id>` ACL path granting on members. */
export function registerPools(reg: HandlerRegistry<PveWorld>): void {
	reg.on('GET', '/pools', (call) =>
		[...call.world.cluster.pools.entries()]
			.filter(([id]) => !call.params.poolid || id === call.params.poolid)
			.filter(([id]) => call.world.access.privileges(call.identity.authId, `/pool/${id}`).has('Pool.Audit'))
			.map(([poolid, p]) => {
				const e: Record<string, unknown> = { poolid };
				if (p.comment) e.comment = p.comment;
				if (call.params.poolid) e.members = members(call, poolid, call.params.type as string | undefined);
				return e;
			}),
	);
	reg.on('POST', '/pools', (call) => {
		const poolid = String(call.params.poolid);
		if (call.world.cluster.pools.has(poolid)) throw new ApiError(500, `create pool failed: pool '${poolid}' already exists`);
		call.world.cluster.pools.set(poolid, { comment: call.params.comment as string | undefined, vms: [], storages: [] });
		return null;
	});
	reg.on('PUT', '/pools', update);
	reg.on('PUT', '/pools/{poolid}', update);
	reg.on('DELETE', '/pools', destroy);
	reg.on('DELETE', '/pools/{poolid}', destroy);
	reg.on('GET', '/pools/{poolid}', (call) => {
		const poolid = String(call.params.poolid);
		const pool = call.world.cluster.pools.get(poolid);
		if (!pool) throw new ApiError(500, `pool '${poolid}' does not exist`);
		return { ...(pool.comment ? { comment: pool.comment } : {}), members: members(call, poolid, call.params.type as string | undefined) };
	});
}
