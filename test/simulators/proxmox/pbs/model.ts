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
	/** When the verification ran (for `outdated-after`). */
	verifiedAt?: number;
	files: Array<{ filename: string; size: number; 'crypt-mode': 'none' | 'encrypt' }>;
}

export interface Datastore {
	name: string;
	path: string;
	total: number;
	/** Bytes used by chunks (shrinks after GC of pruned snapshots). */
	used: number;
	/** Chunks freed by forget/prune: removed by a GC once untouched for 24 h 5 min, pending before. */
	garbage: Array<{ bytes: number; touched: number }>;
	/** Start of the last GC's mark phase, which touches every referenced chunk. */
	lastMark?: number;
	comment?: string;
	'notification-mode': 'legacy-sendmail' | 'notification-system';
	/** `gc-schedule` of the datastore config (PBS creates datastores with `daily` from the GUI). */
	gcSchedule?: string;
	snapshots: PbsSnapshot[];
	groupNotes: Map<string, string>;
	/** GarbageCollectionStatus of the last GC (pbs-api-types `datastore.rs`; `.gc-status` on disk). */
	gcStatus: GcStatus;
}

/** pbs-api-types `GarbageCollectionStatus`: `upid` is null until a GC ran. */
export interface GcStatus {
	upid: string | null;
	'index-file-count': number;
	'index-data-bytes': number;
	'disk-bytes': number;
	'disk-chunks': number;
	'removed-bytes': number;
	'removed-chunks': number;
	'pending-bytes': number;
	'pending-chunks': number;
	'removed-bad': number;
	'still-bad': number;
}

/** The job state file PBS keeps per job (`server/jobstate.rs`): last run's UPID, end time and state. */
export interface JobRun {
	upid: string;
	endtime: number;
	state: string;
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
	/** Last run per job, keyed `<jobtype>/<id>` (`garbage_collection/<store>`, `verificationjob/<id>`, `prunejob/<id>`, `syncjob/<id>`). */
	jobRuns: Map<string, JobRun>;
	/** Node boot time (epoch), for `uptime`. */
	bootTime: number;
}

export interface PbsWorld extends WorldBase {
	pbs: PbsState;
	notify: NotificationHub;
}

export const groupKey = (s: { type: string; id: string }) => `${s.type}/${s.id}`;
export const snapshotPath = (s: PbsSnapshot) => `${s.type}/${s.id}/${new Date(s.time * 1000).toISOString().replace(/\.\d+Z$/, 'Z')}`;

export type PbsCall = Call<PbsWorld>;
