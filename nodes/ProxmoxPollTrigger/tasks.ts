/**
 * Poll source "tasks": finished tasks from `GET /cluster/tasks` (PVE: one request for the whole
 * cluster, pvestatd's broadcast of every node's recent tasks, reference/proxmox.md §3.1) or
 * `GET /nodes/localhost/tasks` since the cursor (PBS: one server, reference/proxmox.md §2 "PBS task
 * list fields"). One implementation for both: PBS entries are read into the PVE shape.
 *
 * The cursor (static data) is the highest end time seen plus the UPIDs seen within a window below
 * it. A task is new when it is finished, not among the UPIDs seen and ended no earlier than the
 * window below the highest end time. The window (one hour) absorbs the cache's lag: a node's tasks
 * can reach the list after other nodes' later ones. A restart resumes from the stored cursor: nothing
 * is repeated, nothing skipped.
 */
import type { IDataObject } from 'n8n-workflow';

import type { EventSeverity, ProxmoxEventInfo } from '../shared/events';
import { exitStatusIsSuccess, exitStatusType, getTaskLogTail, parseUpid, type ProxmoxClient, type ProxmoxProduct } from '../shared/proxmox';
import { guestAction } from '../SyslogTrigger/classify/tasks';
import { eventLinks, guiLink, proxmoxEvent } from '../ProxmoxTrigger/common';

/** One entry of /cluster/tasks: running tasks have no endtime/status (PVE::RESTEnvironment::active_workers). */
export interface ClusterTask {
	upid: string;
	node: string;
	type: string;
	id?: string;
	user: string;
	starttime: number;
	endtime?: number;
	status?: string;
}

export interface TaskCursor {
	/** Highest end time seen (Proxmox's clock, epoch seconds). */
	high: number;
	/** UPID -> end time, for tasks that ended within the window below `high`. */
	seen: Record<string, number>;
	/** Start time of the oldest task still running at the last poll (PBS lists by start time). */
	running?: number;
}

/** One entry of PBS's `GET /nodes/{node}/tasks` (proxmox-backup `TaskListItem`). */
export interface PbsTaskEntry {
	upid: string;
	node: string;
	worker_type: string;
	worker_id?: string | null;
	user: string;
	starttime: number;
	endtime?: number;
	status?: string;
}

export function fromPbsTask(entry: PbsTaskEntry): ClusterTask {
	const task: ClusterTask = { upid: entry.upid, node: entry.node, type: entry.worker_type, user: entry.user, starttime: entry.starttime };
	if (entry.worker_id) task.id = entry.worker_id;
	if (typeof entry.endtime === 'number') task.endtime = entry.endtime;
	if (typeof entry.status === 'string') task.status = entry.status;
	return task;
}

/** How far back the first PBS list reaches, so a long GC or verify running at activation is known when it ends. */
export const PBS_FIRST_LIST_SECONDS = 7 * 86400;

/**
 * `since` for PBS's task list: it leaves out tasks that started before it (proxmox-backup
 * `src/api2/node/tasks.rs` `list_tasks` compares the UPID's start time), so it reaches back below
 * the cursor's window and below the oldest task that was still running.
 */
export function pbsListSince(cursor: TaskCursor | undefined, nowSeconds: number, includeSeconds: number): number {
	if (!cursor) return nowSeconds - Math.max(PBS_FIRST_LIST_SECONDS, includeSeconds);
	return Math.min(cursor.high - TASK_WINDOW_SECONDS, cursor.running ?? Number.POSITIVE_INFINITY);
}

export const TASK_WINDOW_SECONDS = 3600;

export type TaskStatusFilter = 'all' | 'failed' | 'ok';

export interface TaskFilters {
	types: string[];
	status: TaskStatusFilter;
	nodes: string[];
	vmids: string[];
	users: string[];
}

export function isFinished(task: ClusterTask): task is ClusterTask & { endtime: number; status: string } {
	return typeof task.endtime === 'number' && typeof task.status === 'string';
}

/**
 * The finished tasks not reported yet, oldest first, and the cursor after them. Without a cursor
 * (first activation) the list only seeds the cursor, except tasks that ended within the last
 * `includeSeconds` before `nowSeconds`.
 */
export function selectNewTasks(
	list: ClusterTask[],
	cursor: TaskCursor | undefined,
	options: { nowSeconds: number; includeSeconds: number },
): { fresh: Array<ClusterTask & { endtime: number; status: string }>; cursor: TaskCursor } {
	const finished = list.filter(isFinished);
	const high = Math.max(cursor?.high ?? 0, ...finished.map((task) => task.endtime));
	const seen: Record<string, number> = { ...(cursor?.seen ?? {}) };
	let fresh: Array<ClusterTask & { endtime: number; status: string }>;
	if (!cursor) {
		const from = options.nowSeconds - options.includeSeconds;
		fresh = options.includeSeconds > 0 ? finished.filter((task) => task.endtime >= from) : [];
	} else {
		const floor = cursor.high - TASK_WINDOW_SECONDS;
		fresh = finished.filter((task) => !(task.upid in seen) && task.endtime >= floor);
	}
	for (const task of finished) seen[task.upid] = task.endtime;
	for (const [upid, end] of Object.entries(seen)) if (end < high - TASK_WINDOW_SECONDS) delete seen[upid];
	fresh.sort((a, b) => a.endtime - b.endtime || a.starttime - b.starttime || a.upid.localeCompare(b.upid));
	const next: TaskCursor = { high, seen };
	const running = list.filter((task) => !isFinished(task)).map((task) => task.starttime);
	if (running.length) next.running = Math.min(...running);
	return { fresh, cursor: next };
}

function userMatches(user: string, wanted: string): boolean {
	// A token's tasks carry `user@realm!token`; naming the user matches its tokens too.
	return user === wanted || user.startsWith(`${wanted}!`);
}

export function taskMatches(task: ClusterTask & { status: string }, filters: TaskFilters): boolean {
	if (filters.types.length && !filters.types.includes(task.type)) return false;
	const success = exitStatusIsSuccess(task.status);
	if (filters.status === 'failed' && success) return false;
	if (filters.status === 'ok' && !success) return false;
	if (filters.nodes.length && !filters.nodes.includes(task.node)) return false;
	if (filters.vmids.length && !filters.vmids.includes(String(task.id ?? ''))) return false;
	if (filters.users.length && !filters.users.some((user) => userMatches(task.user, user))) return false;
	return true;
}

/**
 * PBS worker types (proxmox-backup `src/api2`, `src/server/*_job.rs`) to the notification types PBS
 * itself uses for the same jobs (reference/proxmox.md §3.4), so the poll and push sources agree.
 */
const PBS_JOB_TYPES: Record<string, string> = {
	garbage_collection: 'gc',
	verify: 'verify',
	verify_group: 'verify',
	verify_snapshot: 'verify',
	verificationjob: 'verify',
	prune: 'prune',
	prunejob: 'prune',
	syncjob: 'sync',
	sync: 'sync',
	'tape-backup-job': 'tape-backup',
	'tape-backup': 'tape-backup',
};

/** The datastore a PBS task works on, read from its worker ID (`<store>`, `<store>:<job or snapshot>`, sync: `<remote>:<remote store>:<store>:…`). */
export function pbsTaskStore(taskType: string, id: string | undefined): string | undefined {
	if (!id) return undefined;
	const parts = id.split(':');
	if (taskType === 'syncjob' || taskType === 'sync') return parts[2] || undefined;
	if (taskType in PBS_JOB_TYPES || taskType === 'backup' || taskType === 'reader') return parts[0] || undefined;
	return undefined;
}

/** The event type of a finished task, in the vocabulary the Syslog Trigger and the push source use. */
export function taskEventType(taskType: string, success: boolean, product: ProxmoxProduct = 'pve'): string {
	if (product === 'pbs') {
		const job = PBS_JOB_TYPES[taskType];
		if (job) return `${job}.${success ? 'finish' : 'failed'}`;
		// One guest's (or host's) backup received by PBS: the per-guest backup event.
		if (taskType === 'backup') return success ? 'backup.guest.finish' : 'backup.guest.failed';
		return success ? 'task.end' : 'task.failed';
	}
	if (taskType === 'vzdump') return success ? 'backup.job.finish' : 'backup.job.failed';
	if (!success) return 'task.failed';
	const guest = guestAction(taskType);
	return guest ? `guest.${guest.action}` : 'task.end';
}

function severityOf(status: string): EventSeverity {
	const kind = exitStatusType(status);
	if (kind === 'ok') return 'info';
	if (kind === 'warning') return 'warning';
	return 'error';
}

/** One finished task as the common event. */
export function taskEvent(task: ClusterTask & { endtime: number; status: string }, origin: string, logTail?: { lines?: string[]; error?: string }, product: ProxmoxProduct = 'pve'): IDataObject {
	const success = exitStatusIsSuccess(task.status);
	const guest = product === 'pve' ? guestAction(task.type) : undefined;
	const id = task.id ?? parseUpid(task.upid)?.id ?? '';
	const info: ProxmoxEventInfo = {
		type: taskEventType(task.type, success, product),
		node: task.node,
		upid: task.upid,
		user: task.user,
		taskType: task.type,
		taskId: id || null,
		status: task.status,
		success,
		startTime: new Date(task.starttime * 1000).toISOString(),
		endTime: new Date(task.endtime * 1000).toISOString(),
		durationSeconds: task.endtime - task.starttime,
	};
	if (product === 'pve' && /^\d+$/.test(id)) info.vmid = Number(id);
	if (product === 'pbs') {
		const store = pbsTaskStore(task.type, id);
		if (store) info.storage = store;
		// A backup of `<store>:vm/<id>` or `ct/<id>`: the guest it protects.
		const backup = task.type === 'backup' ? /^[^:]+:(?:.*\/)?(vm|ct)\/(\d+)$/.exec(id) : null;
		if (backup) Object.assign(info, { vmid: Number(backup[2]), guestType: backup[1] === 'vm' ? 'qemu' : 'lxc' });
	}
	if (guest) {
		info.guestType = guest.guestType;
		info.action = guest.action;
	}
	const warnings = /^WARNINGS: (\d+)$/.exec(task.status);
	if (warnings) info.warnings = Number(warnings[1]);
	if (logTail?.lines) info.logTail = logTail.lines;
	if (logTail?.error) info.logTailError = logTail.error;
	const what = `${task.type}${id ? ` ${id}` : ''}`;
	// The links follow PVE's web interface; PBS's has no such deep links.
	const links = product === 'pve' ? eventLinks(origin, { node: task.node, vmid: info.vmid, guestType: guest?.guestType }) : {};
	if (product === 'pve') links.task = guiLink(origin, `node/${task.node}`);
	return proxmoxEvent({
		id: task.upid,
		time: task.endtime,
		severity: severityOf(task.status),
		host: task.node,
		title: `Task ${what} on ${task.node}: ${success ? (warnings ? task.status : 'OK') : 'failed'}`,
		message: success ? task.status : logTail?.lines?.length ? `${task.status}\n${logTail.lines.join('\n')}` : task.status,
		info,
		links,
	});
}

/** The last lines of a failed task's log, or why they could not be read (node offline...). */
export async function readLogTail(client: ProxmoxClient, upid: string, lines: number): Promise<{ lines?: string[]; error?: string }> {
	if (lines <= 0) return {};
	try {
		return { lines: await getTaskLogTail(client, upid, lines) };
	} catch (error) {
		return { error: client.redact(error instanceof Error ? error.message : String(error)) };
	}
}
