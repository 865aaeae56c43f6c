/**
 * Poll source "state changes": one `GET /cluster/resources` per cycle compared with the snapshot
 * kept in static data (reference/proxmox.md §3.2: pvestatd's cache, refreshed every 10 s). Whether
 * a stop was requested is read from the same cycle's `/cluster/tasks` (shared with the tasks
 * source); HA states need `GET /cluster/ha/status/current`, only when selected.
 */
import type { IDataObject } from 'n8n-workflow';

import type { EventSeverity, ProxmoxEventInfo } from '../shared/events';
import { eventLinks, proxmoxEvent } from '../ProxmoxTrigger/common';
import type { ClusterTask } from './tasks';

export type StateEventKind =
	| 'guestStart'
	| 'guestStopUnexpected'
	| 'guestStopRequested'
	| 'guestCreate'
	| 'guestRemove'
	| 'guestMigrate'
	| 'nodeOffline'
	| 'nodeOnline'
	| 'storageThreshold'
	| 'haState';

export interface Resource {
	id: string;
	type: string;
	node?: string;
	status?: string;
	name?: string;
	vmid?: number;
	template?: number | boolean;
	storage?: string;
	shared?: number | boolean;
	disk?: number;
	maxdisk?: number;
	hastate?: string;
}

export interface GuestState {
	type: string;
	node: string;
	status: string;
	name: string;
}

export interface StateSnapshot {
	/** Local epoch seconds of the cycle that took it. */
	at: number;
	guests: Record<string, GuestState>;
	nodes: Record<string, string>;
	/** Storage key -> true while above the threshold. */
	storageFull: Record<string, boolean>;
	/** HA service id -> state, when HA is watched. */
	ha?: Record<string, string>;
}

export interface StateOptions {
	kinds: Set<StateEventKind>;
	thresholdPercent: number;
	hysteresisPercent: number;
	/** Seconds before the previous cycle a stop task may have started and still explain a stop. */
	stopTaskSlackSeconds: number;
}

/** Task types that stop a guest on purpose (pve-manager API2/Qemu.pm, API2/LXC.pm, HA's requests). */
const STOP_TASKS = new Set(['qmstop', 'qmshutdown', 'qmsuspend', 'qmdestroy', 'qmigrate', 'vzstop', 'vzshutdown', 'vzsuspend', 'vzdestroy', 'vzmigrate', 'hastop', 'hamigrate', 'harelocate']);

export interface HaEntry {
	id?: string;
	type?: string;
	sid?: string;
	state?: string;
	node?: string;
}

interface Change {
	kind: StateEventKind;
	info: ProxmoxEventInfo;
	severity: EventSeverity;
	title: string;
	message: string;
	host: string | null;
}

function storageKey(resource: Resource): string {
	// A shared storage appears once per node; it is one storage.
	return resource.shared === 1 || resource.shared === true ? `storage/${resource.storage}` : `storage/${resource.node}/${resource.storage}`;
}

function usedPercent(resource: Resource): number | undefined {
	if (typeof resource.disk !== 'number' || typeof resource.maxdisk !== 'number' || resource.maxdisk <= 0) return undefined;
	return (resource.disk / resource.maxdisk) * 100;
}

/**
 * Whether a storage or datastore counts as full: it becomes full at the threshold and stays full
 * until it falls under the threshold minus the hysteresis, so usage hovering at the line does not flap.
 */
export function aboveThreshold(wasFull: boolean, percent: number, options: { thresholdPercent: number; hysteresisPercent: number }): boolean {
	return wasFull ? percent > options.thresholdPercent - options.hysteresisPercent : percent >= options.thresholdPercent;
}

/** Builds the snapshot of this cycle, carrying over what an offline node cannot report. */
export function takeSnapshot(resources: Resource[], previous: StateSnapshot | undefined, nowSeconds: number, options: StateOptions, ha?: HaEntry[]): StateSnapshot {
	const snapshot: StateSnapshot = { at: nowSeconds, guests: {}, nodes: {}, storageFull: {} };
	for (const r of resources) {
		if (r.type === 'node' && r.node) snapshot.nodes[r.node] = r.status ?? 'unknown';
		if ((r.type === 'qemu' || r.type === 'lxc') && r.vmid !== undefined) {
			const key = String(r.vmid);
			const before = previous?.guests[key];
			// A guest on an offline node shows status "unknown": keep what was last known.
			const status = r.status === 'unknown' && before ? before.status : (r.status ?? 'unknown');
			snapshot.guests[key] = { type: r.type, node: r.node ?? '', status, name: r.name ?? '' };
		}
		if (r.type === 'storage' && r.storage) {
			const key = storageKey(r);
			const percent = usedPercent(r);
			const wasFull = previous?.storageFull[key] ?? false;
			if (percent === undefined) {
				if (!(key in snapshot.storageFull)) snapshot.storageFull[key] = wasFull;
				continue;
			}
			const full = aboveThreshold(wasFull, percent, options);
			snapshot.storageFull[key] = (snapshot.storageFull[key] ?? false) || full;
		}
	}
	if (ha) {
		snapshot.ha = {};
		for (const entry of ha) if (entry.type === 'service' && entry.sid) snapshot.ha[entry.sid] = entry.state ?? 'unknown';
	}
	return snapshot;
}

function stopTaskFor(vmid: string, tasks: ClusterTask[], since: number): ClusterTask | undefined {
	return tasks
		.filter((task) => STOP_TASKS.has(task.type) && String(task.id ?? '') === vmid && task.starttime >= since)
		.sort((a, b) => b.starttime - a.starttime)[0];
}

/** The changes between two snapshots, in a stable order (nodes, guests, storages, HA). */
export function diffSnapshots(previous: StateSnapshot, current: StateSnapshot, resources: Resource[], tasks: ClusterTask[], options: StateOptions): Change[] {
	const changes: Change[] = [];
	const want = (kind: StateEventKind) => options.kinds.has(kind);
	for (const [node, status] of Object.entries(current.nodes)) {
		const before = previous.nodes[node];
		if (before === undefined || before === status) continue;
		if (status === 'offline' && want('nodeOffline')) {
			changes.push({ kind: 'nodeOffline', info: { type: 'node.offline', node, from: before, to: status }, severity: 'critical', title: `Node ${node} is offline`, message: `Node ${node} left the cluster (status ${before} -> ${status})`, host: node });
		}
		if (status === 'online' && want('nodeOnline')) {
			changes.push({ kind: 'nodeOnline', info: { type: 'node.online', node, from: before, to: status }, severity: 'notice', title: `Node ${node} is online`, message: `Node ${node} is back (status ${before} -> ${status})`, host: node });
		}
	}
	const since = previous.at - options.stopTaskSlackSeconds;
	for (const [vmid, guest] of Object.entries(current.guests)) {
		const before = previous.guests[vmid];
		const base: ProxmoxEventInfo = { type: '', node: guest.node, vmid: Number(vmid), guestType: guest.type, name: guest.name };
		const label = `${guest.type === 'qemu' ? 'VM' : 'CT'} ${vmid}${guest.name ? ` (${guest.name})` : ''}`;
		if (!before) {
			if (want('guestCreate')) changes.push({ kind: 'guestCreate', info: { ...base, type: 'guest.create', status: guest.status }, severity: 'info', title: `${label} created`, message: `${label} appeared on ${guest.node}`, host: guest.node });
			continue;
		}
		if (before.node !== guest.node && want('guestMigrate')) {
			changes.push({ kind: 'guestMigrate', info: { ...base, type: 'guest.migrate', from: before.node, to: guest.node }, severity: 'info', title: `${label} moved to ${guest.node}`, message: `${label} moved from ${before.node} to ${guest.node}`, host: guest.node });
		}
		if (before.status !== 'running' && guest.status === 'running' && want('guestStart')) {
			changes.push({ kind: 'guestStart', info: { ...base, type: 'guest.start', from: before.status, to: guest.status }, severity: 'info', title: `${label} started`, message: `${label} is running on ${guest.node}`, host: guest.node });
		}
		if (before.status === 'running' && guest.status === 'stopped') {
			const task = stopTaskFor(vmid, tasks, since);
			if (task && want('guestStopRequested')) {
				changes.push({
					kind: 'guestStopRequested',
					info: { ...base, type: 'guest.stop', unexpected: false, from: before.status, to: guest.status, upid: task.upid, user: task.user, taskType: task.type },
					severity: 'info',
					title: `${label} stopped`,
					message: `${label} was stopped by ${task.user} (${task.type})`,
					host: guest.node,
				});
			}
			if (!task && want('guestStopUnexpected')) {
				changes.push({
					kind: 'guestStopUnexpected',
					info: { ...base, type: 'guest.stop', unexpected: true, from: before.status, to: guest.status },
					severity: 'error',
					title: `${label} stopped unexpectedly`,
					message: `${label} on ${guest.node} stopped without a stop or shutdown task (crash, OOM kill or shutdown from inside the guest)`,
					host: guest.node,
				});
			}
		}
	}
	if (want('guestRemove')) {
		for (const [vmid, guest] of Object.entries(previous.guests)) {
			if (current.guests[vmid]) continue;
			const label = `${guest.type === 'qemu' ? 'VM' : 'CT'} ${vmid}${guest.name ? ` (${guest.name})` : ''}`;
			changes.push({ kind: 'guestRemove', info: { type: 'guest.destroy', node: guest.node, vmid: Number(vmid), guestType: guest.type, name: guest.name }, severity: 'notice', title: `${label} removed`, message: `${label} no longer exists`, host: guest.node });
		}
	}
	if (want('storageThreshold')) {
		const byKey = new Map<string, Resource>();
		for (const r of resources) if (r.type === 'storage' && r.storage && usedPercent(r) !== undefined) byKey.set(storageKey(r), r);
		for (const [key, full] of Object.entries(current.storageFull)) {
			const before = previous.storageFull[key] ?? false;
			if (before === full) continue;
			const r = byKey.get(key);
			const percent = r ? Math.round((usedPercent(r) ?? 0) * 10) / 10 : null;
			const storage = key.split('/').pop() ?? key;
			const node = key.split('/').length === 3 ? key.split('/')[1] : undefined;
			const info: ProxmoxEventInfo = { type: full ? 'storage.full' : 'storage.recovered', storage, usedPercent: percent, thresholdPercent: options.thresholdPercent, shared: node === undefined };
			if (node) info.node = node;
			if (r) Object.assign(info, { usedBytes: r.disk, totalBytes: r.maxdisk });
			changes.push({
				kind: 'storageThreshold',
				info,
				severity: full ? 'warning' : 'notice',
				title: full ? `Storage ${storage} is ${percent}% full` : `Storage ${storage} is back under the threshold`,
				message: full ? `Storage ${storage}${node ? ` on ${node}` : ''} crossed ${options.thresholdPercent}% (${percent}% used)` : `Storage ${storage}${node ? ` on ${node}` : ''} is at ${percent}%, under ${options.thresholdPercent - options.hysteresisPercent}%`,
				host: node ?? null,
			});
		}
	}
	if (want('haState') && previous.ha && current.ha) {
		for (const [sid, state] of Object.entries(current.ha)) {
			const before = previous.ha[sid];
			if (before === undefined || before === state) continue;
			const vmid = Number(sid.split(':')[1]);
			const guest = current.guests[String(vmid)];
			const info: ProxmoxEventInfo = { type: 'ha.service.state', sid, from: before, to: state };
			if (Number.isInteger(vmid)) info.vmid = vmid;
			if (guest) Object.assign(info, { node: guest.node, guestType: guest.type });
			changes.push({ kind: 'haState', info, severity: state === 'fence' || state === 'error' ? 'error' : 'notice', title: `HA service ${sid}: ${before} -> ${state}`, message: `HA service ${sid} changed from ${before} to ${state}`, host: guest?.node ?? null });
		}
	}
	return changes;
}

/** One state change as the common event. */
export function stateEvent(change: Change, origin: string, nowSeconds: number): IDataObject {
	const info = change.info;
	const links = eventLinks(origin, { node: info.node, vmid: info.vmid, guestType: info.guestType as string | undefined, storage: info.storage });
	const subject = info.vmid ?? info.storage ?? info.node ?? info.sid ?? '';
	return proxmoxEvent({
		id: `${info.type}:${subject}:${nowSeconds}`,
		time: nowSeconds,
		severity: change.severity,
		host: change.host,
		title: change.title,
		message: change.message,
		info,
		links,
	});
}
