import type { Call, WorldBase } from '../core/world';
import type { NotificationHub } from '../notifications/dispatcher';

export interface PbsSnapshot {
	type: 'vm' | 'ct' | 'host';
	id: string;
	time: number;
	size: number;
	owner: string;
	protected: boolean;
	notes: string;
	verification?: { state: 'ok' | 'failed'; upid: string };
	files: Array<{ filename: string; size: number; 'crypt-mode': 'none' | 'encrypt' }>;
}

export interface Datastore {
	name: string;
	path: string;
	total: number;
	/** Bytes used by chunks (shrinks after GC of pruned snapshots). */
	used: number;
	/** Bytes freed by forget/prune but only reclaimed by the next GC. */
	garbage: number;
	comment?: string;
	'notification-mode': 'legacy-sendmail' | 'notification-system';
	snapshots: PbsSnapshot[];
	groupNotes: Map<string, string>;
	lastGc?: Record<string, unknown>;
}

export interface PbsJob {
	id: string;
	[key: string]: string | number | boolean;
}

export interface PbsState {
	datastores: Map<string, Datastore>;
	remotes: Map<string, Record<string, string | number>>;
	syncJobs: Map<string, PbsJob>;
	verifyJobs: Map<string, PbsJob>;
	pruneJobs: Map<string, PbsJob>;
	/** failNextBackup on PBS: next gc/verify/prune/sync of the store ("all") fails with the message. */
	failures: Map<string, string>;
	version: { version: string; release: string; repoid: string };
}

export interface PbsWorld extends WorldBase {
	pbs: PbsState;
	notify: NotificationHub;
}

export const groupKey = (s: { type: string; id: string }) => `${s.type}/${s.id}`;
export const snapshotPath = (s: PbsSnapshot) => `${s.type}/${s.id}/${new Date(s.time * 1000).toISOString().replace(/\.\d+Z$/, 'Z')}`;

export type PbsCall = Call<PbsWorld>;
