/**
 * PBS endpoints the Proxmox Backup Server node needs beyond handlers.ts: namespaces
 * (src/api2/admin/namespace.rs) and the datastore RRD (src/api2/admin/datastore.rs
 * `get_rrd_stats`). Registered only where handlers.ts has no handler of its own.
 */
import { ApiError } from '../core/errors';
import type { HandlerRegistry } from '../core/world';
import type { Datastore, PbsCall, PbsWorld } from './model';

const namespaces = new WeakMap<Datastore, Map<string, string>>();

function nsOf(ds: Datastore): Map<string, string> {
	let map = namespaces.get(ds);
	if (!map) {
		map = new Map();
		namespaces.set(ds, map);
	}
	return map;
}

function store(call: PbsCall): Datastore {
	const name = String(call.params.store);
	const ds = call.world.pbs.datastores.get(name);
	if (!ds) throw new ApiError(400, `no such datastore '${name}'`);
	return ds;
}

function requireNamespace(ds: Datastore, ns: string): void {
	if (ns && !nsOf(ds).has(ns)) throw new ApiError(400, `namespace '${ns}' does not exist`);
}

export function registerPbsExtras(reg: HandlerRegistry<PbsWorld>): void {
	const add = (method: string, template: string, handler: (call: PbsCall) => unknown) => {
		if (!reg.get(method, template)) reg.on(method, template, handler);
	};
	add('GET', '/admin/datastore/{store}/namespace', (call) => {
		const ds = store(call);
		const parent = String(call.params.parent ?? '');
		requireNamespace(ds, parent);
		const depth = call.params['max-depth'] === undefined ? 7 : Number(call.params['max-depth']);
		const level = (ns: string) => (ns ? ns.split('/').length : 0);
		const all = [['', ''], ...nsOf(ds)] as Array<[string, string]>;
		return all
			.filter(([ns]) => (parent ? ns === parent || ns.startsWith(`${parent}/`) : true) && level(ns) - level(parent) <= depth)
			.map(([ns, comment]) => ({ ns, ...(comment ? { comment } : {}) }));
	});
	add('POST', '/admin/datastore/{store}/namespace', (call) => {
		const ds = store(call);
		const parent = String(call.params.parent ?? '');
		requireNamespace(ds, parent);
		const ns = parent ? `${parent}/${String(call.params.name)}` : String(call.params.name);
		if (ns.split('/').length > 7) throw new ApiError(400, `namespace '${ns}' would exceed the maximum depth of 7`);
		if (nsOf(ds).has(ns)) throw new ApiError(400, `namespace '${ns}' already exists`);
		nsOf(ds).set(ns, '');
		return ns;
	});
	add('DELETE', '/admin/datastore/{store}/namespace', (call) => {
		const ds = store(call);
		const ns = String(call.params.ns ?? '');
		if (!ns) throw new ApiError(400, 'cannot delete root namespace');
		requireNamespace(ds, ns);
		for (const key of [...nsOf(ds).keys()]) if (key === ns || key.startsWith(`${ns}/`)) nsOf(ds).delete(key);
		return null;
	});
	// Groups and snapshots live in the root namespace here: a namespace of their own lists none.
	for (const path of ['/admin/datastore/{store}/groups', '/admin/datastore/{store}/snapshots']) {
		const inner = reg.get('GET', path);
		if (!inner) continue;
		reg.on('GET', path, (call) => {
			const ns = String(call.params.ns ?? '');
			if (!ns) return inner(call);
			requireNamespace(store(call), ns);
			return [];
		});
	}
	add('GET', '/admin/datastore/{store}/rrd', (call) => {
		const ds = store(call);
		const steps: Record<string, number> = { hour: 60, day: 1800, week: 10800, month: 43200, year: 604800, decade: 6048000 };
		const step = steps[String(call.params.timeframe)];
		if (!step) throw new ApiError(400, `invalid timeframe '${String(call.params.timeframe)}'`);
		const end = call.world.clock.now() - (call.world.clock.now() % step);
		return Array.from({ length: 70 }, (_, i) => {
			const time = end - (69 - i) * step;
			const wave = 1 + 0.2 * Math.sin((time / 86400) * 2 * Math.PI);
			return { time, total: ds.total, used: Math.round(ds.used * (0.97 + (i / 69) * 0.03)), read_bytes: Math.round(2e6 * wave), write_bytes: Math.round(8e6 * wave), read_ios: Math.round(40 * wave), write_ios: Math.round(120 * wave), io_ticks: Math.round(15 * wave) };
		});
	});
}
