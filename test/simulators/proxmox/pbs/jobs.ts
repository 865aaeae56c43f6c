import { ApiError } from '../core/errors';
import type { TaskContext } from '../core/tasks';
import { groupKey, snapshotPath, type Datastore, type PbsCall, type PbsSnapshot, type PbsWorld } from './model';
import { pruneSelection, type KeepOptions } from './prune';

/** Sends the job notification PBS sends when the datastore uses the notification system. */
function notifyJob(w: PbsWorld, ds: Datastore, type: 'gc' | 'verify' | 'prune' | 'sync', ok: boolean, title: string, message: string, jobId?: string): void {
	if (ds['notification-mode'] !== 'notification-system') return;
	const fields: Record<string, string> = { type, datastore: ds.name, hostname: w.localNode };
	if (jobId) fields['job-id'] = jobId;
	void w.notify.emit({ title, message, severity: ok ? 'info' : 'error', timestamp: w.clock.now(), fields });
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

export function runGc(call: PbsCall, ds: Datastore): string {
	const w = call.world;
	return startJob(call, 'garbage_collection', ds.name, ds, async (ctx) => {
		ctx.log(`starting garbage collection on store ${ds.name}`);
		ctx.log('Start GC phase1 (mark used chunks)');
		await ctx.sleep(1000);
		const failure = takeFailure(w, ds.name);
		if (failure) {
			notifyJob(w, ds, 'gc', false, `Garbage Collect Datastore '${ds.name}' failed`, `Garbage collection failed: ${failure}`);
			throw new Error(failure);
		}
		ctx.log('Start GC phase2 (sweep unused chunks)');
		await ctx.sleep(1000);
		const removed = ds.garbage;
		ds.used = Math.max(0, ds.used - removed);
		ds.garbage = 0;
		ctx.log(`Removed garbage: ${(removed / 1024 ** 3).toFixed(3)} GiB`);
		ctx.log(`Original Data usage: ${(ds.used * 5.5 / 1024 ** 4).toFixed(3)} TiB`);
		ctx.log(`On-Disk usage: ${(ds.used / 1024 ** 3).toFixed(3)} GiB (18.20%)`);
		ctx.log('Deduplication factor: 5.49');
		ds.lastGc = { upid: ctx.task.upid, 'removed-bytes': removed, 'disk-bytes': ds.used, 'index-file-count': ds.snapshots.length * 2, 'disk-chunks': Math.round(ds.used / 4194304), 'removed-chunks': Math.round(removed / 4194304), 'pending-bytes': 0, 'pending-chunks': 0, 'removed-bad': 0, 'still-bad': 0, 'index-data-bytes': Math.round(ds.used * 5.5) };
		notifyJob(w, ds, 'gc', true, `Garbage Collect Datastore '${ds.name}' successful`, `Datastore: ${ds.name}\nRemoved garbage: ${removed} bytes`);
	});
}

export function runVerify(call: PbsCall, ds: Datastore, jobId?: string): string {
	const w = call.world;
	const wanted = ds.snapshots.filter((s) => (!call.params['backup-type'] || s.type === call.params['backup-type']) && (!call.params['backup-id'] || s.id === String(call.params['backup-id'])) && (!call.params['backup-time'] || s.time === Number(call.params['backup-time'])));
	const ignoreVerified = call.params['ignore-verified'] === 1;
	return startJob(call, jobId ? 'verificationjob' : 'verify', jobId ? `${ds.name}:${jobId}` : ds.name, ds, async (ctx) => {
		ctx.log(`verify datastore ${ds.name}`);
		const failure = takeFailure(w, ds.name);
		let failed = 0;
		for (const [i, s] of wanted.entries()) {
			if (ignoreVerified && s.verification?.state === 'ok') continue;
			ctx.log(`verify ${ds.name}:${snapshotPath(s)}`);
			await ctx.sleep(100);
			const bad = failure !== undefined && i === 0;
			if (bad) {
				failed++;
				ctx.log(`  can't verify chunk, load failed - store '${ds.name}', unable to load chunk '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' - ${failure}`);
			}
			s.verification = { state: bad ? 'failed' : 'ok', upid: ctx.task.upid };
		}
		if (failed) {
			ctx.log(`Failed to verify the following snapshots/groups:`);
			notifyJob(w, ds, 'verify', false, `Verify Datastore '${ds.name}' failed`, `Job ID: ${jobId ?? ''}\nVerification failed on these snapshots/groups: ${failed}`, jobId);
			throw new Error('verification failed - please check the log for details');
		}
		notifyJob(w, ds, 'verify', true, `Verify Datastore '${ds.name}' successful`, `Job ID: ${jobId ?? ''}\nVerification successful`, jobId);
	});
}

export function keepOptions(p: Record<string, unknown>): KeepOptions {
	const out: KeepOptions = {};
	for (const k of ['keep-last', 'keep-hourly', 'keep-daily', 'keep-weekly', 'keep-monthly', 'keep-yearly'] as const) if (p[k] !== undefined) out[k] = Number(p[k]);
	return out;
}

export function forget(ds: Datastore, s: PbsSnapshot): void {
	ds.snapshots = ds.snapshots.filter((x) => x !== s);
	ds.garbage += Math.round(s.size * 0.05);
}

export function runPruneDatastore(call: PbsCall, ds: Datastore, jobId?: string, keepOverride?: KeepOptions): string {
	const w = call.world;
	const keep = keepOverride ?? keepOptions(call.params);
	const dryRun = call.params['dry-run'] === 1;
	return startJob(call, 'prune', jobId ? `${ds.name}:${jobId}` : ds.name, ds, async (ctx) => {
		ctx.log(`Starting datastore prune on datastore '${ds.name}'`);
		if (dryRun) ctx.log('(dry test run)');
		const failure = takeFailure(w, ds.name);
		if (failure) {
			notifyJob(w, ds, 'prune', false, `Pruning datastore '${ds.name}' failed`, failure, jobId);
			throw new Error(failure);
		}
		const groups = new Map<string, PbsSnapshot[]>();
		for (const s of ds.snapshots) groups.set(groupKey(s), [...(groups.get(groupKey(s)) ?? []), s]);
		for (const [key, list] of groups) {
			ctx.log(`Pruning group "${key}"`);
			for (const [s, m] of pruneSelection(list, keep)) {
				ctx.log(`${m === 'remove' ? 'remove' : m === 'protected' ? 'keep (protected)' : 'keep'} ${snapshotPath(s)}`);
				if (m === 'remove' && !dryRun) forget(ds, s);
			}
			await ctx.sleep(50);
		}
		notifyJob(w, ds, 'prune', true, `Pruning datastore '${ds.name}' successful`, `Datastore: ${ds.name}`, jobId);
	});
}

export function runSync(call: PbsCall, jobId: string): string {
	const w = call.world;
	const job = w.pbs.syncJobs.get(jobId);
	if (!job) throw new ApiError(400, `job '${jobId}' does not exist.`);
	const ds = w.pbs.datastores.get(String(job.store));
	if (!ds) throw new ApiError(400, `no such datastore '${job.store}'`);
	return startJob(call, 'syncjob', `${job.remote}:${job['remote-store']}:${ds.name}::${jobId}`, ds, async (ctx) => {
		ctx.log(`Starting datastore sync job '${job.remote}:${job['remote-store']}:${ds.name}::${jobId}'`);
		ctx.log(`sync datastore '${ds.name}' from '${job.remote}/${job['remote-store']}'`);
		await ctx.sleep(1500);
		const failure = takeFailure(w, ds.name);
		if (failure) {
			notifyJob(w, ds, 'sync', false, `Sync remote '${job.remote}' datastore '${job['remote-store']}' failed`, failure, jobId);
			throw new Error(failure);
		}
		ctx.log('Finished syncing namespace , current progress: 7 groups, 0 snapshots');
		ctx.log('sync job finished successfully');
		notifyJob(w, ds, 'sync', true, `Sync remote '${job.remote}' datastore '${job['remote-store']}' successful`, `Synchronization successful`, jobId);
	});
}
