/**
 * Poll source "datastore usage" (Proxmox Backup Server): one `GET /status/datastore-usage` per cycle
 * (proxmox-backup `src/api2/status/mod.rs` `datastore_status`: every datastore the credential may
 * audit, with `total`/`used`/`avail` and the estimated full date). The full/not-full state of each
 * datastore is kept in static data and crosses with the same threshold and hysteresis as the PVE
 * storages (`aboveThreshold`).
 */
import type { IDataObject } from 'n8n-workflow';

import type { ProxmoxEventInfo } from '../shared/events';
import { proxmoxEvent } from '../ProxmoxTrigger/common';
import { aboveThreshold } from './state';

/** One entry of `/status/datastore-usage` (PBS `DataStoreStatusListItem`). */
export interface DatastoreUsage {
	store: string;
	total?: number;
	used?: number;
	avail?: number;
	'estimated-full-date'?: number;
	error?: string;
}

/** Datastore name -> true while above the threshold. */
export type DatastoreState = Record<string, boolean>;

export interface ThresholdOptions {
	thresholdPercent: number;
	hysteresisPercent: number;
}

function usedPercent(entry: DatastoreUsage): number | undefined {
	if (typeof entry.used !== 'number' || typeof entry.total !== 'number' || entry.total <= 0) return undefined;
	return (entry.used / entry.total) * 100;
}

/**
 * This cycle's state and the datastores that crossed the line since the previous one. Without a
 * previous state (first activation) nothing fires: it only records where each datastore stands. A
 * datastore that cannot report (unmounted, error) keeps its last state.
 */
export function datastoreChanges(
	usage: DatastoreUsage[],
	previous: DatastoreState | undefined,
	options: ThresholdOptions,
): { state: DatastoreState; crossed: Array<{ entry: DatastoreUsage; full: boolean; percent: number }> } {
	const state: DatastoreState = {};
	const crossed: Array<{ entry: DatastoreUsage; full: boolean; percent: number }> = [];
	for (const entry of usage) {
		const wasFull = previous?.[entry.store] ?? false;
		const percent = usedPercent(entry);
		if (percent === undefined) {
			state[entry.store] = wasFull;
			continue;
		}
		const full = aboveThreshold(wasFull, percent, options);
		state[entry.store] = full;
		if (previous && full !== wasFull) crossed.push({ entry, full, percent });
	}
	return { state, crossed };
}

/** A datastore that crossed the threshold as the common event (`datastore.full` / `datastore.recovered`). */
export function datastoreEvent(change: { entry: DatastoreUsage; full: boolean; percent: number }, options: ThresholdOptions, nowSeconds: number): IDataObject {
	const { entry, full } = change;
	const percent = Math.round(change.percent * 10) / 10;
	const info: ProxmoxEventInfo = {
		type: full ? 'datastore.full' : 'datastore.recovered',
		storage: entry.store,
		usedPercent: percent,
		thresholdPercent: options.thresholdPercent,
		usedBytes: entry.used,
		totalBytes: entry.total,
		availBytes: entry.avail,
	};
	const estimated = entry['estimated-full-date'];
	// PBS sends 0 when usage does not grow and -1 when it cannot estimate.
	if (typeof estimated === 'number' && estimated > 0) info.estimatedFullDate = new Date(estimated * 1000).toISOString();
	return proxmoxEvent({
		id: `${info.type}:${entry.store}:${nowSeconds}`,
		time: nowSeconds,
		severity: full ? 'warning' : 'notice',
		// /status/datastore-usage does not name the server.
		host: null,
		title: full ? `Datastore ${entry.store} is ${percent}% full` : `Datastore ${entry.store} is back under the threshold`,
		message: full
			? `Datastore ${entry.store} crossed ${options.thresholdPercent}% (${percent}% used)`
			: `Datastore ${entry.store} is at ${percent}%, under ${options.thresholdPercent - options.hysteresisPercent}%`,
		info,
		links: {},
	});
}
