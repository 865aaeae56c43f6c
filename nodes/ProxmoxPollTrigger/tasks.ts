/**
 * Poll source "tasks": finished tasks from `GET /cluster/tasks` (one request for the whole cluster,
 * pvestatd's broadcast of every node's recent tasks, reference/proxmox.md §3.1).
 *
 * The cursor (static data) is the highest end time seen plus the UPIDs seen within a window below
 * it. A task is new when it is finished, not among the UPIDs seen and ended no earlier than the
 * window below the highest end time. The window (one hour) absorbs the cache's lag: a node's tasks
 * can reach the list after other nodes' later ones. A restart resumes from the stored cursor: nothing
 * is repeated, nothing skipped.
 */
import type { IDataObject } from 'n8n-workflow';

import type { EventSeverity, ProxmoxEventInfo } from '../shared/events';
import { exitStatusIsSuccess, exitStatusType, getTaskLogTail, parseUpid, type ProxmoxClient } from '../shared/proxmox';
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
	return { fresh, cursor: { high, seen } };
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

/** The event type of a finished task, in the vocabulary the Syslog Trigger uses. */
export function taskEventType(taskType: string, success: boolean): string {
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
export function taskEvent(task: ClusterTask & { endtime: number; status: string }, origin: string, logTail?: { lines?: string[]; error?: string }): IDataObject {
	const success = exitStatusIsSuccess(task.status);
	const guest = guestAction(task.type);
	const id = task.id ?? parseUpid(task.upid)?.id ?? '';
	const info: ProxmoxEventInfo = {
		type: taskEventType(task.type, success),
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
	if (/^\d+$/.test(id)) info.vmid = Number(id);
	if (guest) {
		info.guestType = guest.guestType;
		info.action = guest.action;
	}
	const warnings = /^WARNINGS: (\d+)$/.exec(task.status);
	if (warnings) info.warnings = Number(warnings[1]);
	if (logTail?.lines) info.logTail = logTail.lines;
	if (logTail?.error) info.logTailError = logTail.error;
	const what = `${task.type}${id ? ` ${id}` : ''}`;
	const links = eventLinks(origin, { node: task.node, vmid: info.vmid, guestType: guest?.guestType });
	links.task = guiLink(origin, `node/${task.node}`);
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
