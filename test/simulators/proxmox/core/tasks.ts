import type { Product } from '../schema/types';
import type { SimClock } from './clock';
import type { Timers } from './timers';
import { encodeUpid } from './upid';

export interface TaskLogLine {
	n: number;
	t: string;
}

export interface Task {
	upid: string;
	node: string;
	pid: number;
	pstart: number;
	starttime: number;
	type: string;
	id: string;
	/** Auth id as written in the UPID (`user@realm` or `user@realm!token`). */
	authId: string;
	endtime?: number;
	/** Exit status, derived from the last log line once the task ended. */
	exitstatus?: string;
	log: TaskLogLine[];
	createdMs: number;
	running: boolean;
	aborted: boolean;
	/** Free-form extra data (e.g. the PBS datastore a task works on). */
	meta: Record<string, unknown>;
}

export class TaskAborted extends Error {}

/** What a task body gets: logging and a sleep that follows the simulator's task speed and aborts on stop. */
export interface TaskContext {
	task: Task;
	log(line: string): void;
	warn(line: string): void;
	sleep(ms: number): Promise<void>;
}

export type TaskBody = (ctx: TaskContext) => Promise<void> | void;

export interface StartTask {
	node: string;
	type: string;
	id?: string;
	authId: string;
	meta?: Record<string, unknown>;
	run: TaskBody;
}

/** The exit status rule of pve-common UPID.pm: the last log line decides. */
export function exitStatusFromLog(lines: TaskLogLine[]): string {
	// PBS prefixes every task log line with an RFC 3339 time (`2026-11-25T14:30:00+00:00: TASK OK`).
	const last = (lines.length ? lines[lines.length - 1].t : '').replace(/^\d{4}-\d\d-\d\dT[\d:]+(?:Z|[+-]\d\d:\d\d): /, '');
	if (last === 'TASK OK') return 'OK';
	let m = /^TASK ERROR: (.*)$/.exec(last);
	if (m) return m[1];
	m = /^TASK WARNINGS: (\d+)$/.exec(last);
	if (m) return `WARNINGS: ${m[1]}`;
	return 'unexpected status';
}

export function statusType(exitstatus: string | undefined): 'ok' | 'warning' | 'error' | 'unknown' {
	if (exitstatus === undefined) return 'unknown';
	if (exitstatus === 'OK') return 'ok';
	if (/^WARNINGS: \d+$/.test(exitstatus)) return 'warning';
	if (exitstatus === 'unexpected status' || exitstatus === 'unknown') return 'unknown';
	return 'error';
}

export interface TaskFailure {
	type?: string;
	id?: string;
	message: string;
}

/** Local time with offset, as PBS writes it in task logs (UTC here). */
export function rfc3339(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d+Z$/, '+00:00');
}

export class TaskManager {
	readonly tasks: Task[] = [];
	/** failNextTask: the next task matching type/id ends with this error instead of doing its work. */
	readonly failures: TaskFailure[] = [];
	private nextPid = 0x1a2b3;
	private nextTaskId = 0;
	private readonly listeners: Array<(t: Task) => void> = [];
	private readonly stoppers = new Map<string, () => void>();

	constructor(
		private readonly product: Product,
		private readonly clock: SimClock,
		private readonly timers: Timers,
		private readonly speed: () => number,
	) {}

	onFinish(listener: (t: Task) => void): void {
		this.listeners.push(listener);
	}

	get(upid: string): Task | undefined {
		return this.tasks.find((t) => t.upid === upid);
	}

	/** Records a finished task straight away (seed history). */
	addFinished(p: { node: string; type: string; id: string; authId: string; starttime: number; duration: number; lines: string[]; meta?: Record<string, unknown> }): Task {
		const task = this.create(p.node, p.type, p.id, p.authId, p.starttime, p.meta ?? {});
		task.log = p.lines.map((t, i) => ({ n: i + 1, t }));
		task.createdMs = 0;
		task.running = false;
		task.endtime = p.starttime + p.duration;
		task.exitstatus = exitStatusFromLog(task.log);
		return task;
	}

	private create(node: string, type: string, id: string, authId: string, starttime: number, meta: Record<string, unknown>): Task {
		const pid = this.nextPid++;
		const pstart = 0x1000000 + (pid % 0x10000) * 7;
		const taskId = this.nextTaskId++;
		// A PVE UPID field cannot hold `:` or `/` (volume ids do); PBS escapes its worker ids itself.
		if (this.product === 'pve') id = id.replace(/[:/\s]/g, '_');
		const upid = encodeUpid(this.product, { node, pid, pstart, taskId, starttime, type, id, user: authId });
		const task: Task = { upid, node, pid, pstart, starttime, type, id, authId, log: [], createdMs: Date.now(), running: true, aborted: false, meta };
		this.tasks.push(task);
		return task;
	}

	start(p: StartTask): Task {
		const task = this.create(p.node, p.type, p.id ?? '', p.authId, this.clock.now(), p.meta ?? {});
		const failureAt = this.failures.findIndex((f) => (!f.type || f.type === task.type) && (f.id === undefined || f.id === task.id));
		if (failureAt >= 0) {
			const [failure] = this.failures.splice(failureAt, 1);
			p = {
				...p,
				run: async (ctx) => {
					await ctx.sleep(300);
					throw new Error(failure.message);
				},
			};
		}
		let warnings = 0;
		let wake: (() => void) | undefined;
		const log = (t: string) => task.log.push({ n: task.log.length + 1, t: this.product === 'pbs' ? `${rfc3339(this.clock.nowMs())}: ${t}` : t });
		const ctx: TaskContext = {
			task,
			log,
			warn: (line) => {
				warnings++;
				log(`WARN: ${line}`);
			},
			sleep: (ms) =>
				new Promise<void>((resolve, reject) => {
					if (task.aborted) return reject(new TaskAborted());
					const handle = this.timers.after(ms / Math.max(this.speed(), 0.001), () => {
						wake = undefined;
						if (task.aborted) reject(new TaskAborted());
						else resolve();
					});
					wake = () => {
						this.timers.cancel(handle);
						reject(new TaskAborted());
					};
				}),
		};
		this.stoppers.set(task.upid, () => {
			task.aborted = true;
			wake?.();
		});
		// Start on the next tick: the caller returns the UPID first, like a forked worker.
		this.timers.after(0, () => {
			Promise.resolve()
				.then(() => p.run(ctx))
				.then(
					() => (warnings ? log(`TASK WARNINGS: ${warnings}`) : log('TASK OK')),
					(err: unknown) => {
						if (err instanceof TaskAborted || task.aborted) {
							log('received interrupt');
							log('TASK ERROR: interrupted by signal');
						} else log(`TASK ERROR: ${(err as Error).message ?? String(err)}`);
					},
				)
				.finally(() => this.finish(task));
		});
		return task;
	}

	private finish(task: Task): void {
		task.running = false;
		task.endtime = this.clock.now();
		task.exitstatus = exitStatusFromLog(task.log);
		this.stoppers.delete(task.upid);
		for (const l of this.listeners) l(task);
	}

	stop(upid: string): boolean {
		const stop = this.stoppers.get(upid);
		if (!stop) return false;
		stop();
		return true;
	}
}
