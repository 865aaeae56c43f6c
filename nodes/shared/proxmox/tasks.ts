/**
 * Waiting for Proxmox tasks. A write that starts a worker answers with a UPID at once; the task
 * runs on the node named in the UPID, whose status endpoint may answer 400 for a moment right
 * after creation (the task index is written asynchronously).
 */
import { TransportError } from '../transport';
import type { ProxmoxClient } from './client';
import { apiPath } from './encode';
import { ProxmoxApiError, ProxmoxTaskError, type TaskOutcome } from './errors';
import { exitStatusIsSuccess, parseUpid } from './upid';

export interface TaskStatus {
	upid: string;
	node: string;
	status: 'running' | 'stopped';
	exitstatus?: string;
	type?: string;
	id?: string;
	user?: string;
	starttime?: number;
	endtime?: number;
	[key: string]: unknown;
}

export interface WaitForTaskOptions {
	timeoutMs: number;
	/** First poll delay; grows by half each poll up to maxPollIntervalMs. */
	pollIntervalMs?: number;
	maxPollIntervalMs?: number;
	/** How long a 400/404 on the status is taken as "not registered yet" (default 15 s). */
	notFoundGraceMs?: number;
	logTailLines?: number;
	/** Treat a failed task as an outcome rather than an error. */
	returnFailures?: boolean;
	signal?: AbortSignal;
}

export function taskPaths(upid: string): { node: string; status: string; log: string; task: string } {
	const parsed = parseUpid(upid);
	if (!parsed) throw new Error(`"${upid}" is not a Proxmox task ID (UPID:node:...)`);
	const base = apiPath`/nodes/${parsed.node}/tasks/${upid}`;
	return { node: parsed.node, task: base, status: `${base}/status`, log: `${base}/log` };
}

export interface TaskLogLine {
	n: number;
	t: string;
}

/** Log lines `start`.. (`limit` lines), and the total line count. */
export async function getTaskLog(client: ProxmoxClient, upid: string, start = 0, limit = 50): Promise<{ lines: TaskLogLine[]; total: number }> {
	const response = await client.request<TaskLogLine[]>('GET', taskPaths(upid).log, { start, limit });
	const lines = Array.isArray(response.data) ? response.data : [];
	return { lines, total: response.total ?? start + lines.length };
}

/** The last `count` log lines. */
export async function getTaskLogTail(client: ProxmoxClient, upid: string, count: number): Promise<string[]> {
	const head = await getTaskLog(client, upid, 0, count);
	if (head.total <= count) return head.lines.map((line) => line.t);
	const tail = await getTaskLog(client, upid, head.total - count, count);
	return tail.lines.map((line) => line.t);
}

async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		if (signal?.aborted) {
			reject(new Error('Waiting for the task was cancelled'));
			return;
		}
		const onAbort = () => {
			clearTimeout(timer);
			reject(new Error('Waiting for the task was cancelled'));
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

export function outcomeFromStatus(status: TaskStatus, upid: string, nowSeconds: number): TaskOutcome {
	const parsed = parseUpid(upid);
	const start = typeof status.starttime === 'number' ? status.starttime : parsed?.startTime ?? nowSeconds;
	const end = typeof status.endtime === 'number' ? status.endtime : nowSeconds;
	const exitStatus = status.status === 'stopped' ? String(status.exitstatus ?? 'unknown') : '';
	return {
		upid,
		node: status.node ?? parsed?.node ?? '',
		type: String(status.type ?? parsed?.type ?? ''),
		id: String(status.id ?? parsed?.id ?? ''),
		status: status.status === 'stopped' ? 'stopped' : 'running',
		exitStatus,
		success: status.status === 'stopped' && exitStatusIsSuccess(exitStatus),
		durationSeconds: Math.max(0, end - start),
	};
}

/**
 * Polls the task until it stops or `timeoutMs` passes. Resolves with the outcome; a failed task
 * (exit status other than OK / WARNINGS: n) or a timeout rejects with ProxmoxTaskError carrying
 * the log tail, unless `returnFailures` is set.
 */
export async function waitForTask(client: ProxmoxClient, upid: string, options: WaitForTaskOptions): Promise<TaskOutcome> {
	const paths = taskPaths(upid);
	const started = Date.now();
	const deadline = started + options.timeoutMs;
	const grace = options.notFoundGraceMs ?? 15000;
	const tailLines = options.logTailLines ?? 20;
	let interval = options.pollIntervalMs ?? 250;
	const maxInterval = options.maxPollIntervalMs ?? 2000;
	let last: TaskStatus | undefined;
	for (;;) {
		try {
			last = await client.get<TaskStatus>(paths.status, undefined, { timeoutMs: Math.max(1000, Math.min(30000, deadline - Date.now())) });
		} catch (error) {
			const notYet = error instanceof ProxmoxApiError && (error.status === 400 || error.status === 404) && Date.now() - started < grace;
			// A poll that timed out or lost its connection says nothing about the task: keep
			// polling until the deadline (reads are safe to repeat).
			const transient = error instanceof TransportError && error.kind !== 'tls' && error.kind !== 'aborted';
			if (!notYet && !transient) throw error;
		}
		if (last?.status === 'stopped') break;
		if (Date.now() + interval > deadline) {
			const outcome = outcomeFromStatus(last ?? { upid, node: paths.node, status: 'running' }, upid, Math.floor(Date.now() / 1000));
			// What the task was doing when we stopped waiting (a slow download, a hung lock...).
			outcome.logTail = await getTaskLogTail(client, upid, tailLines).catch(() => undefined);
			const error = new ProxmoxTaskError(
				`Task ${upid} was still running after ${Math.round(options.timeoutMs / 1000)} s. It continues on ${paths.node}; use the Task resource to follow it.`,
				outcome,
				'timeout',
			);
			if (options.returnFailures) return outcome;
			throw error;
		}
		await sleep(interval, options.signal);
		interval = Math.min(maxInterval, Math.round(interval * 1.5));
	}
	const outcome = outcomeFromStatus(last, upid, Math.floor(Date.now() / 1000));
	if (!outcome.success) {
		outcome.logTail = await getTaskLogTail(client, upid, tailLines).catch(() => undefined);
		if (!options.returnFailures) throw new ProxmoxTaskError(`Task ${outcome.type} ${outcome.id} failed: ${outcome.exitStatus}`, outcome, 'failed');
	}
	return outcome;
}
