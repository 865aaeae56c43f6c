import { ApiError } from '../core/errors';
import type { TaskContext } from '../core/tasks';
import { groupKey, snapshotPath, type Datastore, type GcStatus, type PbsCall, type PbsJob, type PbsSnapshot, type PbsWorld } from './model';
import { pruneSelection, type KeepOptions } from './prune';

/**
 * PBS jobs as proxmox-backup runs them: each produces the task log lines of the real worker (sources cited per
 * job) plus the state change, applied when the task finishes. Live API calls and the seeded history (nightly
 * backups, GC, verify, prune, sync) share these scripts, so both read the same.
 */
export interface JobScript {
	/** [seconds after task start, line] in order. */
	lines: Array<[number, string]>;
	/** Task error (last line `TASK ERROR: …`), or undefined for `TASK OK`. */
	error?: string;
	/** Applies the job's effect (forget snapshots, verify states, GC figures). */
	commit(upid: string): void;
	/** Notification after the task (only for datastores in `notification-system` mode). */
	notify?: { type: 'gc' | 'verify' | 'prune' | 'sync'; ok: boolean; title: string; message: string; jobId?: string };
}

/** Average chunk size of fixed-index (VM) backups: 4 MiB chunks, compressed. */
const AVG_CHUNK = 2.3 * 1024 ** 2;
/** GC keeps unreferenced chunks touched within the last 24 h 5 min (pbs-datastore `garbage_collection`, atime cutoff). */
export const GC_SAFETY_SECONDS = 24 * 3600 + 300;

/** proxmox-human-byte `HumanByte` display: binary units, value rounded to 3 decimals, shortest form. */
export function humanByte(bytes: number): string {
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
	let i = 0;
	while (i < units.length - 1 && bytes >= 1024 ** (i + 1)) i++;
	if (i === 0) return `${bytes} B`;
	return `${Math.round((bytes / 1024 ** i) * 1000) / 1000} ${units[i]}`;
}

export function emptyGcStatus(): GcStatus {
	return { upid: null, 'index-file-count': 0, 'index-data-bytes': 0, 'disk-bytes': 0, 'disk-chunks': 0, 'removed-bytes': 0, 'removed-chunks': 0, 'pending-bytes': 0, 'pending-chunks': 0, 'removed-bad': 0, 'still-bad': 0 };
}

/** Index files of a snapshot (`.fidx`/`.didx`); blobs are not indexes. */
const indexFiles = (s: PbsSnapshot) => s.files.filter((f) => /\.(fidx|didx)$/.test(f.filename));
const byGroup = (snaps: PbsSnapshot[]) => {
	const groups = new Map<string, PbsSnapshot[]>();
	for (const s of [...snaps].sort((a, b) => a.time - b.time)) groups.set(groupKey(s), [...(groups.get(groupKey(s)) ?? []), s]);
	return new Map([...groups].sort(([a], [b]) => a.localeCompare(b)));
};

/** `task triggered by schedule '…'` is logged by every scheduled job (server/*_job.rs). */
const scheduleLine = (schedule?: string): Array<[number, string]> => (schedule ? [[0, `task triggered by schedule '${schedule}'`]] : []);

/** Garbage collection: server/gc_job.rs + pbs-datastore datastore.rs `garbage_collection`. */
export function gcScript(ds: Datastore, now: number, schedule?: string, failure?: string): JobScript {
	const lines: Array<[number, string]> = [[0, `starting garbage collection on store ${ds.name}`], ...scheduleLine(schedule), [0, 'Start GC phase1 (mark used chunks)']];
	if (failure) return { lines, error: failure, commit: () => undefined, notify: { type: 'gc', ok: false, title: `Garbage Collect Datastore '${ds.name}' failed`, message: `Datastore: ${ds.name}\nGarbage collection failed: ${failure}` } };
	const indexes = ds.snapshots.flatMap(indexFiles).length;
	let last = 0;
	for (let i = 1; i <= indexes; i++) {
		const pct = Math.floor((i * 100) / indexes);
		if (pct > last) {
			lines.push([Math.round(i * 0.4), `marked ${pct}% (${i} of ${indexes} index files)`]);
			last = pct;
		}
	}
	const t1 = Math.round(indexes * 0.4) + 1;
	lines.push([t1, 'Start GC phase2 (sweep unused chunks)']);
	const cutoff = now - GC_SAFETY_SECONDS;
	const removable = ds.garbage.filter((g) => g.touched < cutoff);
	const pending = ds.garbage.filter((g) => g.touched >= cutoff);
	const removedBytes = removable.reduce((s, g) => s + g.bytes, 0);
	const pendingBytes = pending.reduce((s, g) => s + g.bytes, 0);
	const diskBytes = Math.max(0, ds.used - removedBytes);
	const diskChunks = Math.round(diskBytes / AVG_CHUNK);
	const totalChunks = diskChunks + Math.round((removedBytes + pendingBytes) / AVG_CHUNK);
	for (let pct = 1; pct <= 100; pct++) lines.push([t1 + Math.round(pct * 0.6), `processed ${pct}% (${Math.round((totalChunks * pct) / 100)} chunks)`]);
	const t2 = t1 + 61;
	const indexData = ds.snapshots.reduce((s, x) => s + indexFiles(x).reduce((a, f) => a + f.size, 0), 0);
	const status: GcStatus = {
		upid: null,
		'index-file-count': indexes,
		'index-data-bytes': indexData,
		'disk-bytes': diskBytes,
		'disk-chunks': diskChunks,
		'removed-bytes': removedBytes,
		'removed-chunks': Math.round(removedBytes / AVG_CHUNK),
		'pending-bytes': pendingBytes,
		'pending-chunks': Math.round(pendingBytes / AVG_CHUNK),
		'removed-bad': 0,
		'still-bad': 0,
	};
	lines.push([t2, `Removed garbage: ${humanByte(removedBytes)}`], [t2, `Removed chunks: ${status['removed-chunks']}`]);
	if (pendingBytes > 0) lines.push([t2, `Pending removals: ${humanByte(pendingBytes)} (in ${status['pending-chunks']} chunks)`]);
	lines.push([t2, `Original data usage: ${humanByte(indexData)}`]);
	if (indexData > 0) lines.push([t2, `On-Disk usage: ${humanByte(diskBytes)} (${((diskBytes * 100) / indexData).toFixed(2)}%)`]);
	lines.push([t2, `On-Disk chunks: ${diskChunks}`], [t2, `Deduplication factor: ${(diskBytes > 0 ? indexData / diskBytes : 1).toFixed(2)}`]);
	if (diskChunks > 0) lines.push([t2, `Average chunk size: ${humanByte(Math.round(diskBytes / diskChunks))}`]);
	return {
		lines,
		commit(upid) {
			ds.used = diskBytes;
			ds.garbage = pending;
			// Phase 1 touches (atime) every chunk still referenced.
			ds.lastMark = now;
			ds.gcStatus = { ...status, upid };
		},
		notify: { type: 'gc', ok: true, title: `Garbage Collect Datastore '${ds.name}' successful`, message: `Datastore: ${ds.name}\nRemoved garbage: ${humanByte(removedBytes)}\nPending removals: ${humanByte(pendingBytes)}` },
	};
}

/** verify_filter (src/backup/verify.rs): skip snapshots verified OK within `outdated-after` days when ignore-verified. */
function recentlyVerified(s: PbsSnapshot, now: number, ignoreVerified: boolean, outdatedAfter?: number): boolean {
	if (!ignoreVerified || !s.verification) return false;
	if (s.verification.state !== 'ok') return false;
	if (outdatedAfter === undefined) return true;
	const verifiedAt = s.verifiedAt ?? s.time;
	return now - verifiedAt < outdatedAfter * 86400;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/** Verification (src/backup/verify.rs `verify_all_backups` / `verify_backup_group` / `verify_backup_dir`). */
export function verifyScript(ds: Datastore, snapshots: PbsSnapshot[], now: number, opts: { jobId?: string; schedule?: string; ignoreVerified: boolean; outdatedAfter?: number; whole: boolean }, failure?: string): JobScript {
	const lines: Array<[number, string]> = [];
	if (opts.jobId) lines.push([0, `Starting datastore verify job '${ds.name}:${opts.jobId}'`], ...scheduleLine(opts.schedule));
	const groups = byGroup(snapshots);
	if (opts.whole) lines.push([0, `verify datastore ${ds.name}`], [0, `found ${groups.size} groups`]);
	const results: Array<[PbsSnapshot, 'ok' | 'failed']> = [];
	const failed: string[] = [];
	let t = 0;
	let g = 0;
	for (const [key, list] of groups) {
		const newestFirst = [...list].sort((a, b) => b.time - a.time);
		lines.push([t, `verify group ${ds.name}:${key} (${list.length} snapshots)`]);
		for (const [i, s] of newestFirst.entries()) {
			const dir = snapshotPath(s);
			if (recentlyVerified(s, now, opts.ignoreVerified, opts.outdatedAfter)) lines.push([t, `SKIPPED: verify ${ds.name}:${dir} (recently verified)`]);
			else {
				lines.push([t, `verify ${ds.name}:${dir}`]);
				let bad = false;
				for (const f of s.files.filter((x) => x.filename !== 'index.json.blob')) {
					lines.push([t, `  check ${f.filename}`]);
					t += /\.(fidx|didx)$/.test(f.filename) ? Math.max(1, Math.round(s.size / (400 * 1024 ** 2))) : 0;
					if (failure !== undefined && failed.length === 0 && /\.(fidx|didx)$/.test(f.filename)) {
						bad = true;
						lines.push([t, `can't verify chunk, load failed - store '${ds.name}', unable to load chunk '${'0123456789abcdef'.repeat(4)}' - ${failure}`]);
						lines.push([t, `verify ${ds.name}:${dir}/${f.filename} failed: chunks could not be verified`]);
					}
				}
				if (bad) failed.push(dir);
				results.push([s, bad ? 'failed' : 'ok']);
			}
			const progress = (g + (i + 1) / list.length) / groups.size;
			const label = groups.size === 1 ? `${i + 1}/${list.length} snapshots` : i + 1 === list.length ? `${g + 1}/${groups.size} groups` : `${g}/${groups.size} groups, ${i + 1}/${list.length} snapshots in group #${g + 1}`;
			lines.push([t, `percentage done: ${pct(progress)} (${label})`]);
		}
		g++;
	}
	let error: string | undefined;
	if (failed.length) {
		lines.push([t, 'Failed to verify the following snapshots/groups:'], ...failed.map((d): [number, string] => [t, `\t${d}`]));
		error = 'verification failed - please check the log for details';
	}
	return {
		lines,
		error,
		commit(upid) {
			for (const [s, state] of results) {
				s.verification = { state, upid };
				s.verifiedAt = now;
			}
		},
		notify: failed.length
			? { type: 'verify', ok: false, title: `Verify Datastore '${ds.name}' failed`, message: `Job ID: ${opts.jobId ?? ''}\nDatastore: ${ds.name}\nVerification failed on these snapshots/groups:\n${failed.map((d) => `  ${d}`).join('\n')}`, jobId: opts.jobId }
			: { type: 'verify', ok: true, title: `Verify Datastore '${ds.name}' successful`, message: `Job ID: ${opts.jobId ?? ''}\nDatastore: ${ds.name}\nVerification successful`, jobId: opts.jobId },
	};
}

/** Options rendered like `cli_prune_options_string` (server/prune_job.rs). */
function keepString(keep: KeepOptions): string {
	return (['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const)
		.map((k) => [k, keep[`keep-${k}`]] as const)
		.filter(([, v]) => v !== undefined && v > 0)
		.map(([k, v]) => `--keep-${k} ${v}`)
		.join(' ');
}

/** Datastore prune (server/prune_job.rs `prune_datastore`, `do_prune_job`). */
export function pruneScript(ds: Datastore, keep: KeepOptions, opts: { jobId?: string; schedule?: string; dryRun: boolean }, failure?: string): JobScript {
	const lines: Array<[number, string]> = [];
	if (opts.jobId) lines.push([0, `prune job '${opts.jobId}'`], ...scheduleLine(opts.schedule));
	lines.push([0, `Starting datastore prune on datastore '${ds.name}', root namespace, down to full depth`]);
	if (opts.dryRun) lines.push([0, '(dry test run)']);
	const rendered = keepString(keep);
	if (!rendered) lines.push([0, 'No prune selection - keeping all files.']);
	else lines.push([0, `retention options: ${rendered}`]);
	const notify = (ok: boolean, message: string): JobScript['notify'] => ({ type: 'prune', ok, title: `Pruning datastore '${ds.name}' ${ok ? 'successful' : 'failed'}`, message, jobId: opts.jobId });
	if (failure) return { lines, error: failure, commit: () => undefined, notify: notify(false, `Datastore: ${ds.name}\nPruning failed: ${failure}`) };
	const removed: PbsSnapshot[] = [];
	for (const [key, list] of byGroup(ds.snapshots)) {
		lines.push([0, `Pruning group :"${key}"`]);
		const marks = rendered ? pruneSelection(list, keep) : new Map(list.map((s) => [s, s.protected ? ('protected' as const) : ('keep' as const)]));
		// Older snapshots first (prune_info.reverse()).
		for (const s of [...list].sort((a, b) => a.time - b.time)) {
			const m = marks.get(s) ?? 'keep';
			lines.push([0, `${opts.dryRun ? 'would ' : ''}${m} ${snapshotPath(s)}`]);
			if (m === 'remove') removed.push(s);
		}
	}
	return {
		lines,
		commit(upid) {
			void upid;
			if (!opts.dryRun) for (const s of removed) forget(ds, s);
		},
		notify: notify(true, `Datastore: ${ds.name}\nPruning successful`),
	};
}

/** Sync job (src/api2/pull.rs `do_sync_job`, src/server/pull.rs). */
export function syncScript(ds: Datastore, job: PbsJob, opts: { schedule?: string }, failure?: string): JobScript {
	const jobName = String(job.id);
	const workerId = `${job.remote ?? '-'}:${job['remote-store']}:${ds.name}::${jobName}`;
	const lines: Array<[number, string]> = [[0, `Starting datastore sync job '${workerId}'`], ...scheduleLine(opts.schedule), [0, `sync datastore '${ds.name}' from '${job.remote ? `${job.remote}/` : ''}${job['remote-store']}'`]];
	const notify = (ok: boolean, message: string): JobScript['notify'] => ({ type: 'sync', ok, title: `Sync remote '${job.remote}' datastore '${job['remote-store']}' ${ok ? 'successful' : 'failed'}`, message, jobId: jobName });
	if (failure) return { lines, error: failure, commit: () => undefined, notify: notify(false, `Job ID: ${jobName}\nSynchronization failed: ${failure}`) };
	const groups = byGroup(ds.snapshots);
	lines.push([1, '----'], [1, `Syncing datastore '${job['remote-store']}', root namespace into datastore '${ds.name}', root namespace`], [1, `found ${groups.size} groups to sync (out of ${groups.size} total)`]);
	let i = 0;
	for (const [, list] of groups) {
		i++;
		const newest = list[list.length - 1];
		lines.push([1 + i, `skipped: 1 snapshot(s) (${snapshotPath(newest).split('/')[2]}) - older than the newest local snapshot`]);
		lines.push([1 + i, `percentage done: ${pct(i / groups.size)} (${i}/${groups.size} groups)`]);
	}
	lines.push([2 + i, `Finished syncing namespace , current progress: ${groups.size} groups, 0 snapshots`], [2 + i, 'Summary: sync job found no new data to pull'], [2 + i, `sync job '${workerId}' end`]);
	return { lines, commit: () => undefined, notify: notify(true, `Job ID: ${jobName}\nSynchronization successful`) };
}

/** Sends the job notification PBS sends when the datastore uses the notification system. */
function notifyJob(w: PbsWorld, ds: Datastore, n: NonNullable<JobScript['notify']>): void {
	if (ds['notification-mode'] !== 'notification-system') return;
	const fields: Record<string, string> = { type: n.type, datastore: ds.name, hostname: w.localNode };
	if (n.jobId) fields['job-id'] = n.jobId;
	void w.notify.emit({ title: n.title, message: n.message, severity: n.ok ? 'info' : 'error', timestamp: w.clock.now(), fields });
}

function takeFailure(w: PbsWorld, ds: string): string | undefined {
	const msg = w.pbs.failures.get(ds) ?? w.pbs.failures.get('all');
	w.pbs.failures.delete(ds);
	w.pbs.failures.delete('all');
	return msg;
}

export function startJob(call: PbsCall, type: string, id: string, ds: Datastore, run: (ctx: TaskContext) => Promise<void>): string {
	return call.world.tasks.start({ node: call.world.localNode, type, id, authId: call.identity.authId, meta: { store: ds.name }, run }).upid;
}

/** Runs a script as a live task: lines appear over time, the effect applies when it finishes. */
function runScript(call: PbsCall, type: string, id: string, ds: Datastore, build: () => JobScript, jobRun?: string): string {
	const w = call.world;
	return startJob(call, type, id, ds, async (ctx) => {
		const script = build();
		let at = 0;
		for (const [offset, line] of script.lines) {
			if (offset > at) {
				await ctx.sleep(Math.min(400, (offset - at) * 20));
				at = offset;
			}
			ctx.log(line);
		}
		await ctx.sleep(100);
		// Failed verifications are recorded too (the manifest's verify_state); failed gc/prune/sync change nothing.
		script.commit(ctx.task.upid);
		if (jobRun) w.pbs.jobRuns.set(jobRun, { upid: ctx.task.upid, endtime: w.clock.now(), state: script.error ?? 'OK' });
		if (script.notify) notifyJob(w, ds, script.notify);
		if (script.error) throw new Error(script.error);
	});
}

export function runGc(call: PbsCall, ds: Datastore): string {
	return runScript(call, 'garbage_collection', ds.name, ds, () => gcScript(ds, call.world.clock.now(), undefined, takeFailure(call.world, ds.name)), `garbage_collection/${ds.name}`);
}

/** POST /admin/datastore/{store}/verify: worker `verify` (store), `verify_group` or `verify_snapshot` (src/api2/admin/datastore.rs). */
export function runVerify(call: PbsCall, ds: Datastore): string {
	const p = call.params;
	const type = p['backup-type'] as string | undefined;
	const id = p['backup-id'] !== undefined ? String(p['backup-id']) : undefined;
	const time = p['backup-time'] !== undefined ? Number(p['backup-time']) : undefined;
	const wanted = ds.snapshots.filter((s) => (!type || s.type === type) && (!id || s.id === id) && (time === undefined || s.time === time));
	let worker = 'verify';
	let workerId = ds.name;
	if (type && id && time !== undefined) {
		if (!wanted.length) throw new ApiError(400, `backup dir '${type}/${id}/${new Date(time * 1000).toISOString().replace(/\.\d+Z$/, 'Z')}' does not exist`);
		worker = 'verify_snapshot';
		workerId = `${ds.name}:${type}/${id}/${time.toString(16).toUpperCase().padStart(8, '0')}`;
	} else if (type && id) {
		worker = 'verify_group';
		workerId = `${ds.name}:${type}/${id}`;
	} else if (type || id || time !== undefined) throw new ApiError(400, 'parameters do not specify a backup group or snapshot');
	const opts = { ignoreVerified: p['ignore-verified'] === 1, outdatedAfter: p['outdated-after'] !== undefined ? Number(p['outdated-after']) : undefined, whole: worker === 'verify' };
	return runScript(call, worker, workerId, ds, () => verifyScript(ds, wanted, call.world.clock.now(), opts, takeFailure(call.world, ds.name)));
}

/** POST /admin/verify/{id}/run: worker `verificationjob`, id `<store>:<job>` (server/verify_job.rs). */
export function runVerifyJob(call: PbsCall, job: PbsJob, ds: Datastore): string {
	const jobId = String(job.id);
	const opts = { jobId, ignoreVerified: job['ignore-verified'] !== false && job['ignore-verified'] !== 0, outdatedAfter: job['outdated-after'] !== undefined ? Number(job['outdated-after']) : undefined, whole: true };
	return runScript(call, 'verificationjob', `${ds.name}:${jobId}`, ds, () => verifyScript(ds, ds.snapshots, call.world.clock.now(), opts, takeFailure(call.world, ds.name)), `verificationjob/${jobId}`);
}

export function keepOptions(p: Record<string, unknown>): KeepOptions {
	const out: KeepOptions = {};
	for (const k of ['keep-last', 'keep-hourly', 'keep-daily', 'keep-weekly', 'keep-monthly', 'keep-yearly'] as const) if (p[k] !== undefined) out[k] = Number(p[k]);
	return out;
}

/** Forgetting a snapshot leaves its unique chunks as garbage; they were last touched by the last GC mark or the backup. */
export function forget(ds: Datastore, s: PbsSnapshot): void {
	ds.snapshots = ds.snapshots.filter((x) => x !== s);
	ds.garbage.push({ bytes: Math.round(s.size * 0.05), touched: Math.max(s.time, ds.lastMark ?? 0) });
}

/** POST /admin/datastore/{store}/prune-datastore: worker `prune`, id `<store>:<ns>` (src/api2/admin/datastore.rs). */
export function runPruneDatastore(call: PbsCall, ds: Datastore): string {
	const dryRun = call.params['dry-run'] === 1;
	return runScript(call, 'prune', `${ds.name}:`, ds, () => pruneScript(ds, keepOptions(call.params), { dryRun }, takeFailure(call.world, ds.name)));
}

/** POST /admin/prune/{id}/run: worker `prunejob`, id `<store>` for the root namespace (server/prune_job.rs). */
export function runPruneJob(call: PbsCall, job: PbsJob, ds: Datastore): string {
	return runScript(call, 'prunejob', ds.name, ds, () => pruneScript(ds, keepOptions(job), { jobId: String(job.id), dryRun: false }, takeFailure(call.world, ds.name)), `prunejob/${job.id}`);
}

export function runSync(call: PbsCall, jobId: string): string {
	const w = call.world;
	const job = w.pbs.syncJobs.get(jobId);
	if (!job) throw new ApiError(400, `job '${jobId}' does not exist.`);
	const ds = w.pbs.datastores.get(String(job.store));
	if (!ds) throw new ApiError(400, `no such datastore '${job.store}'`);
	return runScript(call, 'syncjob', `${job.remote ?? '-'}:${job['remote-store']}:${ds.name}::${jobId}`, ds, () => syncScript(ds, job, {}, takeFailure(w, ds.name)), `syncjob/${jobId}`);
}

