import { X509Certificate } from 'crypto';
import { ApiError } from '../core/errors';
import type { HandlerRegistry } from '../core/world';
import { listTasks, stopTask, taskLog, taskStatus } from '../core/taskApi';
import { groupKey, snapshotPath, type Datastore, type PbsCall, type PbsJob, type PbsSnapshot, type PbsWorld } from './model';
import { pruneSelection } from './prune';
import { forget, keepOptions, runGc, runPruneDatastore, runPruneJob, runSync, runVerify, runVerifyJob, startJob } from './jobs';
import { newDatastore } from './seed';
import { nextCalendarEvent } from '../core/calendar';

function store(call: PbsCall): Datastore {
	const name = String(call.params.store ?? call.params.name);
	const ds = call.world.pbs.datastores.get(name);
	if (!ds) throw new ApiError(400, `no such datastore '${name}'`);
	return ds;
}

function canSee(call: PbsCall, ds: string, privs: string[]): boolean {
	const have = call.world.access.privileges(call.identity.authId, `/datastore/${ds}`);
	return privs.some((p) => have.has(p));
}

function snapshotEntry(s: PbsSnapshot): Record<string, unknown> {
	const e: Record<string, unknown> = { 'backup-type': s.type, 'backup-id': s.id, 'backup-time': s.time, files: s.files.map((f) => ({ ...f })), size: s.size, owner: s.owner, protected: s.protected };
	if (s.notes) e.comment = s.notes.split('\n')[0];
	if (s.verification) e.verification = { ...s.verification };
	return e;
}

function findSnapshot(call: PbsCall, ds: Datastore): PbsSnapshot {
	const s = ds.snapshots.find((x) => x.type === call.params['backup-type'] && x.id === String(call.params['backup-id']) && x.time === Number(call.params['backup-time']));
	if (!s) throw new ApiError(400, `backup dir '${call.params['backup-type']}/${call.params['backup-id']}/${new Date(Number(call.params['backup-time']) * 1000).toISOString().replace(/\.\d+Z$/, 'Z')}' does not exist`);
	return s;
}

const usage = (ds: Datastore) => ({ total: ds.total, used: ds.used, avail: ds.total - ds.used });

const datastoreConfig = (d: Datastore) => ({ name: d.name, path: d.path, ...(d.comment ? { comment: d.comment } : {}), ...(d.gcSchedule ? { 'gc-schedule': d.gcSchedule } : {}), 'notification-mode': d['notification-mode'] });

/** JobScheduleStatus (server/jobstate.rs `compute_schedule_status`): next run counted from the last run's end. */
function jobSchedule(w: PbsWorld, key: string, schedule: string | undefined): Record<string, unknown> {
	const run = w.pbs.jobRuns.get(key);
	const out: Record<string, unknown> = {};
	if (run) Object.assign(out, { 'last-run-upid': run.upid, 'last-run-state': run.state, 'last-run-endtime': run.endtime });
	const next = schedule ? nextCalendarEvent(schedule, run?.endtime ?? w.clock.now()) : undefined;
	if (next !== undefined) out['next-run'] = next;
	return out;
}

/** GarbageCollectionJobStatus (src/api2/admin/datastore.rs `garbage_collection_status`): the last status flattened, schedule, last run, duration. */
function gcJobStatus(w: PbsWorld, ds: Datastore): Record<string, unknown> {
	const out: Record<string, unknown> = { store: ds.name, ...ds.gcStatus };
	if (ds.gcSchedule) out.schedule = ds.gcSchedule;
	const run = w.pbs.jobRuns.get(`garbage_collection/${ds.name}`);
	if (run) {
		Object.assign(out, { 'last-run-endtime': run.endtime, 'last-run-state': run.state });
		const started = w.tasks.get(run.upid)?.starttime;
		if (started !== undefined) out.duration = run.endtime - started;
	}
	const next = ds.gcSchedule ? nextCalendarEvent(ds.gcSchedule, run?.endtime ?? w.clock.now()) : undefined;
	if (next !== undefined) out['next-run'] = next;
	return out;
}

/**
 * DataStoreStatusListItem (src/api2/status.rs, PBS 4 pbs-api-types): usage, the month RRD as `history` (30 min
 * steps, null before the datastore existed), a least-squares `estimated-full-date`, the last GC status, and
 * `mount-status`/`backend-type`.
 */
function datastoreUsage(w: PbsWorld, d: Datastore): Record<string, unknown> {
	const delta = 1800;
	const now = w.clock.now();
	const start = Math.floor((now - 30 * 86400) / delta) * delta;
	const created = d.snapshots.reduce((m, s) => Math.min(m, s.time), now) - 3600;
	const current = d.used / d.total;
	const history: Array<number | null> = [];
	const xs: number[] = [];
	const ys: number[] = [];
	for (let t = start; t <= now; t += delta) {
		if (t < created) {
			history.push(null);
			continue;
		}
		const u = current * Math.min(1, (t - created) / Math.max(1, now - created)) * 0.9 + current * 0.1;
		history.push(u);
		xs.push(t);
		ys.push(u);
	}
	const out: Record<string, unknown> = { store: d.name, ...usage(d), history, 'history-start': start, 'history-delta': delta, 'gc-status': { ...d.gcStatus }, 'mount-status': 'nonremovable', 'backend-type': 'filesystem' };
	if (xs.length >= 7) {
		const n = xs.length;
		const mx = xs.reduce((a, b) => a + b, 0) / n;
		const my = ys.reduce((a, b) => a + b, 0) / n;
		const b = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
		const a = my - b * mx;
		out['estimated-full-date'] = b !== 0 ? Math.floor((1 - a) / b) : 0;
	}
	return out;
}

/** NodeStatus (src/api2/node/status.rs): /proc figures that drift with the simulated clock. */
function nodeStatus(w: PbsWorld): Record<string, unknown> {
	const now = w.clock.now();
	const wave = (period: number, phase = 0) => (Math.sin((now / period) * 2 * Math.PI + phase) + 1) / 2;
	const total = 32 * 1024 ** 3;
	const used = Math.round(total * (0.31 + 0.08 * wave(3600)));
	const swapTotal = 8 * 1024 ** 3;
	const swapUsed = 12 * 1024 ** 2;
	const rootTotal = 100 * 1024 ** 3;
	const rootUsed = Math.round(rootTotal * 0.073);
	const load = (p: number, phase = 0) => Math.round((0.08 + 0.9 * wave(p, phase)) * 100) / 100;
	const release = '6.14.8-2-pve';
	const version = '#1 SMP PREEMPT_DYNAMIC PMX 6.14.8-2 (2025-07-22T10:04Z)';
	return {
		memory: { total, used, free: total - used },
		swap: { total: swapTotal, used: swapUsed, free: swapTotal - swapUsed },
		root: { total: rootTotal, used: rootUsed, avail: rootTotal - rootUsed },
		uptime: now - w.pbs.bootTime,
		loadavg: [load(300), load(900, 1), load(2700, 2)],
		kversion: `Linux ${release} ${version}`,
		'current-kernel': { sysname: 'Linux', release, version, machine: 'x86_64' },
		cpuinfo: { model: 'Intel(R) Xeon(R) E-2236 CPU @ 3.40GHz', sockets: 1, cpus: 12 },
		cpu: Math.round((0.02 + 0.1 * wave(600)) * 10000) / 10000,
		wait: Math.round(0.004 * wave(700, 2) * 10000) / 10000,
		info: { fingerprint: w.fingerprint.toLowerCase() },
		'boot-info': { mode: 'efi', secureboot: false },
	};
}

function jobCrud(reg: HandlerRegistry<PbsWorld>, path: string, pick: (w: PbsWorld) => Map<string, { id: string; [k: string]: string | number | boolean }>) {
	reg.on('GET', path, (call) => [...pick(call.world).values()].map((j) => ({ ...j })));
	reg.on('POST', path, (call) => {
		const id = String(call.params.id ?? call.params.name);
		if (pick(call.world).has(id)) throw new ApiError(400, `job '${id}' already exists.`);
		const job: { id: string; [k: string]: string | number | boolean } = { id };
		for (const [k, v] of Object.entries(call.params)) if (k !== 'id') job[k] = Array.isArray(v) ? v.join(',') : v;
		pick(call.world).set(id, job);
		return null;
	});
	const one = (call: PbsCall) => {
		const j = pick(call.world).get(String(call.params.id ?? call.params.name));
		if (!j) throw new ApiError(404, `job '${call.params.id ?? call.params.name}' does not exist.`);
		return j;
	};
	const param = path.endsWith('remote') ? 'name' : 'id';
	reg.on('GET', `${path}/{${param}}`, (call) => ({ ...one(call) }));
	reg.on('PUT', `${path}/{${param}}`, (call) => {
		const j = one(call);
		for (const key of (Array.isArray(call.params.delete) ? call.params.delete : String(call.params.delete ?? '').split(',')).map(String).filter(Boolean)) delete j[key];
		for (const [k, v] of Object.entries(call.params)) if (!['id', 'name', 'delete', 'digest'].includes(k)) j[k] = Array.isArray(v) ? v.join(',') : v;
		return null;
	});
	reg.on('DELETE', `${path}/{${param}}`, (call) => {
		pick(call.world).delete(one(call).id);
		return null;
	});
}

export function registerPbs(reg: HandlerRegistry<PbsWorld>): void {
	reg.on('GET', '/version', (call) => ({ ...call.world.pbs.version }));
	// src/api2/ping.rs: a constant `{"pong": true}`.
	reg.on('GET', '/ping', () => ({ pong: true }));
	reg.on('GET', '/admin/datastore', (call) => [...call.world.pbs.datastores.values()].filter((d) => canSee(call, d.name, ['Datastore.Audit', 'Datastore.Backup', 'Datastore.Read'])).map((d) => ({ store: d.name, ...(d.comment ? { comment: d.comment } : {}) })));
	reg.on('GET', '/status/datastore-usage', (call) =>
		[...call.world.pbs.datastores.values()].filter((d) => canSee(call, d.name, ['Datastore.Audit', 'Datastore.Backup'])).map((d) => datastoreUsage(call.world, d)),
	);
	reg.on('GET', '/admin/datastore/{store}/status', (call) => {
		const ds = store(call);
		const counts: Record<string, { groups: number; snapshots: number }> = {};
		for (const s of ds.snapshots) {
			counts[s.type] ??= { groups: 0, snapshots: 0 };
			counts[s.type].snapshots++;
		}
		for (const t of Object.keys(counts)) counts[t].groups = new Set(ds.snapshots.filter((s) => s.type === t).map((s) => s.id)).size;
		return { ...usage(ds), ...(call.params.verbose === 1 ? { counts, 'gc-status': { ...ds.gcStatus } } : {}) };
	});
	reg.on('GET', '/admin/datastore/{store}/groups', (call) => {
		const ds = store(call);
		const groups = new Map<string, PbsSnapshot[]>();
		for (const s of ds.snapshots) groups.set(groupKey(s), [...(groups.get(groupKey(s)) ?? []), s]);
		return [...groups.values()].map((list) => {
			const last = list.reduce((a, b) => (b.time > a.time ? b : a));
			const e: Record<string, unknown> = { 'backup-type': last.type, 'backup-id': last.id, 'last-backup': last.time, 'backup-count': list.length, files: last.files.map((f) => f.filename), owner: last.owner };
			const note = ds.groupNotes.get(groupKey(last));
			if (note) e.comment = note.split('\n')[0];
			return e;
		});
	});
	reg.on('GET', '/admin/datastore/{store}/snapshots', (call) => {
		const ds = store(call);
		return ds.snapshots.filter((s) => (!call.params['backup-type'] || s.type === call.params['backup-type']) && (!call.params['backup-id'] || s.id === String(call.params['backup-id']))).map(snapshotEntry);
	});
	reg.on('DELETE', '/admin/datastore/{store}/snapshots', (call) => {
		const ds = store(call);
		const s = findSnapshot(call, ds);
		if (s.protected) throw new ApiError(400, `cannot remove protected snapshot "${ds.name}:${snapshotPath(s)}"`);
		forget(ds, s);
		return null;
	});
	reg.on('DELETE', '/admin/datastore/{store}/groups', (call) => {
		const ds = store(call);
		const list = ds.snapshots.filter((s) => s.type === call.params['backup-type'] && s.id === String(call.params['backup-id']));
		if (!list.length) throw new ApiError(400, `backup group '${call.params['backup-type']}/${call.params['backup-id']}' does not exist`);
		const protectedCount = list.filter((s) => s.protected).length;
		for (const s of list) if (!s.protected) forget(ds, s);
		if (protectedCount) throw new ApiError(400, `failed to remove group ${call.params['backup-type']}/${call.params['backup-id']}: group contains protected snapshots`);
		return { 'protected-snapshots': 0, 'removed-groups': 1, 'removed-snapshots': list.length };
	});
	reg.on('GET', '/admin/datastore/{store}/notes', (call) => findSnapshot(call, store(call)).notes);
	reg.on('PUT', '/admin/datastore/{store}/notes', (call) => {
		findSnapshot(call, store(call)).notes = String(call.params.notes);
		return null;
	});
	reg.on('GET', '/admin/datastore/{store}/group-notes', (call) => store(call).groupNotes.get(`${call.params['backup-type']}/${call.params['backup-id']}`) ?? '');
	reg.on('PUT', '/admin/datastore/{store}/group-notes', (call) => {
		store(call).groupNotes.set(`${call.params['backup-type']}/${call.params['backup-id']}`, String(call.params.notes));
		return null;
	});
	reg.on('GET', '/admin/datastore/{store}/protected', (call) => findSnapshot(call, store(call)).protected);
	reg.on('PUT', '/admin/datastore/{store}/protected', (call) => {
		findSnapshot(call, store(call)).protected = call.params.protected === 1;
		return null;
	});
	reg.on('GET', '/admin/datastore/{store}/gc', (call) => gcJobStatus(call.world, store(call)));
	// src/api2/admin/gc.rs: one GarbageCollectionJobStatus per datastore the caller may audit; `/admin/gc/{store}` is a one-element list.
	const gcList = (call: PbsCall) =>
		[...call.world.pbs.datastores.values()]
			.filter((d) => (call.params.store === undefined || d.name === call.params.store) && canSee(call, d.name, ['Datastore.Audit', 'Datastore.Modify']))
			.map((d) => gcJobStatus(call.world, d));
	reg.on('GET', '/admin/gc', gcList);
	reg.on('GET', '/admin/gc/{store}', (call) => {
		store(call);
		return gcList(call);
	});
	reg.on('POST', '/admin/datastore/{store}/gc', (call) => runGc(call, store(call)));
	reg.on('POST', '/admin/datastore/{store}/verify', (call) => runVerify(call, store(call)));
	reg.on('POST', '/admin/datastore/{store}/prune-datastore', (call) => runPruneDatastore(call, store(call)));
	reg.on('POST', '/admin/datastore/{store}/prune', (call) => {
		const ds = store(call);
		const list = ds.snapshots.filter((s) => s.type === call.params['backup-type'] && s.id === String(call.params['backup-id']));
		const marks = pruneSelection(list, keepOptions(call.params));
		const out = [...marks].map(([s, m]) => ({ 'backup-type': s.type, 'backup-id': s.id, 'backup-time': s.time, keep: m !== 'remove', protected: s.protected }));
		if (call.params['dry-run'] !== 1) for (const [s, m] of marks) if (m === 'remove') forget(ds, s);
		return out;
	});
	reg.on('GET', '/config/datastore', (call) => [...call.world.pbs.datastores.values()].map(datastoreConfig));
	reg.on('GET', '/config/datastore/{name}', (call) => ({ ...datastoreConfig(store(call)), digest: 'e'.repeat(64) }));
	reg.on('PUT', '/config/datastore/{name}', (call) => {
		const d = store(call);
		if (call.params['notification-mode']) d['notification-mode'] = call.params['notification-mode'] as Datastore['notification-mode'];
		if (call.params.comment !== undefined) d.comment = String(call.params.comment);
		if (call.params['gc-schedule'] !== undefined) d.gcSchedule = String(call.params['gc-schedule']);
		if (String(call.params.delete ?? '').split(',').includes('gc-schedule')) d.gcSchedule = undefined;
		return null;
	});
	reg.on('POST', '/config/datastore', (call) => {
		const name = String(call.params.name);
		if (call.world.pbs.datastores.has(name)) throw new ApiError(400, `datastore '${name}' already exists.`);
		const ds = newDatastore(name, String(call.params.path), 2048 * 1024 ** 3, { comment: call.params.comment as string | undefined, 'notification-mode': (call.params['notification-mode'] as Datastore['notification-mode']) ?? 'legacy-sendmail', gcSchedule: call.params['gc-schedule'] as string | undefined });
		return startJob(call, 'create-datastore', name, ds, async (ctx) => {
			ctx.log(`Chunkstore create: 1%`);
			await ctx.sleep(500);
			call.world.pbs.datastores.set(name, ds);
		});
	});
	jobCrud(reg, '/config/sync', (w) => w.pbs.syncJobs);
	jobCrud(reg, '/config/verify', (w) => w.pbs.verifyJobs);
	jobCrud(reg, '/config/prune', (w) => w.pbs.pruneJobs);
	reg.on('GET', '/config/remote', (call) => [...call.world.pbs.remotes.values()].map((r) => ({ ...r })));
	reg.on('POST', '/config/remote', (call) => {
		const name = String(call.params.name);
		if (call.world.pbs.remotes.has(name)) throw new ApiError(400, `remote '${name}' already exists.`);
		const r: Record<string, string | number> = {};
		for (const [k, v] of Object.entries(call.params)) if (k !== 'password') r[k] = Array.isArray(v) ? v.join(',') : v;
		call.world.pbs.remotes.set(name, r);
		return null;
	});
	// src/api2/admin/{sync,verify,prune}.rs: the job config plus its JobScheduleStatus (server/jobstate.rs).
	const jobList = (jobtype: string, pick: (w: PbsWorld) => Map<string, PbsJob>) => (call: PbsCall) =>
		[...pick(call.world).values()]
			.filter((j) => (call.params.store === undefined || j.store === call.params.store) && canSee(call, String(j.store), ['Datastore.Audit', 'Datastore.Verify', 'Datastore.Modify', 'Datastore.Prune', 'Datastore.Backup']))
			.map((j) => ({ ...j, ...jobSchedule(call.world, `${jobtype}/${j.id}`, j.schedule === undefined ? undefined : String(j.schedule)) }));
	reg.on('GET', '/admin/sync', jobList('syncjob', (w) => w.pbs.syncJobs));
	reg.on('GET', '/admin/verify', jobList('verificationjob', (w) => w.pbs.verifyJobs));
	reg.on('GET', '/admin/prune', jobList('prunejob', (w) => w.pbs.pruneJobs));
	reg.on('POST', '/admin/sync/{id}/run', (call) => runSync(call, String(call.params.id)));
	const jobStore = (call: PbsCall, job: PbsJob | undefined): [PbsJob, Datastore] => {
		if (!job) throw new ApiError(400, `job '${call.params.id}' does not exist.`);
		const ds = call.world.pbs.datastores.get(String(job.store));
		if (!ds) throw new ApiError(400, `no such datastore '${job.store}'`);
		return [job, ds];
	};
	reg.on('POST', '/admin/verify/{id}/run', (call) => runVerifyJob(call, ...jobStore(call, call.world.pbs.verifyJobs.get(String(call.params.id)))));
	reg.on('POST', '/admin/prune/{id}/run', (call) => runPruneJob(call, ...jobStore(call, call.world.pbs.pruneJobs.get(String(call.params.id)))));
	reg.on('GET', '/nodes/{node}/status', (call) => nodeStatus(call.world));
	reg.on('GET', '/nodes/{node}/tasks', listTasks);
	reg.on('GET', '/nodes/{node}/tasks/{upid}', (call) => {
		taskStatus(call);
		return [{ subdir: 'log' }, { subdir: 'status' }];
	});
	reg.on('GET', '/nodes/{node}/tasks/{upid}/status', taskStatus);
	reg.on('GET', '/nodes/{node}/tasks/{upid}/log', taskLog);
	reg.on('DELETE', '/nodes/{node}/tasks/{upid}', stopTask);
	reg.on('GET', '/nodes/{node}/certificates/info', (call) => {
		const c = new X509Certificate(call.world.certPem);
		return [{ filename: 'proxy.pem', fingerprint: c.fingerprint256.toUpperCase(), subject: c.subject.split('\n').join(', '), issuer: c.issuer.split('\n').join(', '), notbefore: Math.floor(new Date(c.validFrom).getTime() / 1000), notafter: Math.floor(new Date(c.validTo).getTime() / 1000), 'public-key-type': 'rsaEncryption', 'public-key-bits': 2048, san: (c.subjectAltName ?? '').split(', ').map((s) => s.replace(/^(DNS|IP Address):/, '')), pem: call.world.certPem }];
	});
}
