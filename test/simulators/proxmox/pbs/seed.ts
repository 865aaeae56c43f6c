import { createHash } from 'crypto';
import { calendarEventsBetween } from '../core/calendar';
import { rfc3339 } from '../core/tasks';
import type { Datastore, PbsJob, PbsSnapshot, PbsState, PbsWorld } from './model';
import { emptyGcStatus, gcScript, keepOptions, pruneScript, syncScript, verifyScript, type JobScript } from './jobs';

const GiB = 1024 ** 3;

export function emptyPbs(bootTime: number): PbsState {
	// src/api2/version.rs: `version` is major.minor, `release` the patch level, `repoid` the full git commit.
	return { datastores: new Map(), remotes: new Map(), syncJobs: new Map(), verifyJobs: new Map(), pruneJobs: new Map(), failures: new Map(), version: { version: '4.0', release: '18', repoid: '6d9c4e3b1a2f8e7d5c4b3a29180f7e6d5c4b3a29' }, jobRuns: new Map(), bootTime };
}

export function newDatastore(name: string, path: string, total: number, extra: Partial<Datastore> = {}): Datastore {
	return { name, path, total, used: 0, garbage: [], 'notification-mode': 'legacy-sendmail', snapshots: [], groupNotes: new Map(), gcStatus: emptyGcStatus(), ...extra };
}

const hex = (seed: string, len: number) => createHash('sha256').update(seed).digest('hex').repeat(2).slice(0, len);

/**
 * Server side log of one `proxmox-backup-client`/QEMU backup (src/api2/backup/mod.rs and environment.rs):
 * start line with the client address, blob and index uploads with their statistics, and the end lines.
 */
function backupLog(ds: Datastore, s: PbsSnapshot, previous: PbsSnapshot | undefined, clientIp: string): Array<[number, string]> {
	const dir = `${s.type}/${s.id}/${new Date(s.time * 1000).toISOString().replace(/\.\d+Z$/, 'Z')}`;
	const index = s.files.find((f) => /\.(fidx|didx)$/.test(f.filename)) as PbsSnapshot['files'][number];
	const fixed = index.filename.endsWith('.fidx');
	const kind = fixed ? 'fixed' : 'dynamic';
	const conf = s.files.find((f) => f.filename.endsWith('.conf.blob')) as PbsSnapshot['files'][number];
	const manifest = s.files.find((f) => f.filename === 'index.json.blob') as PbsSnapshot['files'][number];
	const chunks = Math.max(1, Math.round(index.size / (4 * 1024 ** 2)));
	const changed = previous ? 0.02 + (Number(s.id) % 7) / 100 : 1;
	const uploaded = Math.round(chunks * changed);
	const duration = Math.max(8, Math.round((index.size * changed) / (180 * 1024 ** 2)) + 6);
	const lines: Array<[number, string]> = [[0, `starting new backup on datastore '${ds.name}' from ::ffff:${clientIp}: "${dir}"`]];
	if (previous) {
		lines.push([0, `download 'index.json.blob' from previous backup.`], [1, `register chunks in '${index.filename}' from previous backup.`], [1, `download '${index.filename}' from previous backup.`]);
	}
	lines.push([1, `add blob "${ds.path}/${dir}/${conf.filename}" (${conf.size} bytes, comp: ${conf.size})`]);
	lines.push([1, `created new ${kind} index 1 ("${dir}/${index.filename}")`]);
	const t = duration - 1;
	lines.push(
		[t, `Upload statistics for '${index.filename}'`],
		[t, `UUID: ${hex(`${dir}uuid`, 32)}`],
		[t, `Checksum: ${hex(`${dir}csum`, 64)}`],
		[t, `Size: ${index.size}`],
		[t, `Chunk count: ${chunks}`],
		[t, `Upload size: ${Math.round(index.size * changed)} (${Math.floor(changed * 100)}%)`],
	);
	if (chunks - uploaded > 0) lines.push([t, `Duplicates: ${chunks - uploaded}+0 (${Math.floor(((chunks - uploaded) * 100) / chunks)}%)`]);
	lines.push([t, `Compression: ${fixed ? 38 : 45}%`], [t, `successfully closed ${kind} index 1`]);
	lines.push([duration, `add blob "${ds.path}/${dir}/${manifest.filename}" (${manifest.size} bytes, comp: ${manifest.size})`], [duration, 'successfully finished backup'], [duration, 'backup finished successfully']);
	return lines;
}

/** Records a finished task whose log lines carry PBS's RFC 3339 prefix. */
function record(w: PbsWorld, p: { type: string; id: string; authId: string; start: number; store: string; lines: Array<[number, string]>; error?: string }): string {
	const end = p.start + (p.lines.length ? p.lines[p.lines.length - 1][0] : 0) + 1;
	const stamps = new Map<number, string>();
	const at = (t: number) => stamps.get(t) ?? (stamps.set(t, rfc3339(t * 1000)), stamps.get(t) as string);
	const lines = [...p.lines.map(([dt, l]) => `${at(p.start + dt)}: ${l}`), `${at(end)}: ${p.error ? `TASK ERROR: ${p.error}` : 'TASK OK'}`];
	return w.tasks.addFinished({ node: w.localNode, type: p.type, id: p.id, authId: p.authId, starttime: p.start, duration: end - p.start, lines, meta: { store: p.store } }).upid;
}

/** Runs a job script into the history: task recorded, effect applied, job state file written. */
function replay(w: PbsWorld, ds: Datastore, type: string, id: string, start: number, script: JobScript, jobRun?: string): void {
	const upid = record(w, { type, id, authId: 'root@pam', start, store: ds.name, lines: script.lines, error: script.error });
	script.commit(upid);
	const task = w.tasks.get(upid);
	if (jobRun && task) w.pbs.jobRuns.set(jobRun, { upid, endtime: task.endtime ?? start, state: script.error ?? 'OK' });
}

/**
 * Two weeks of a PBS that backs up the PVE estate: nightly backups (03:00 + a few minutes per guest, pushed by
 * PVE with the `root@pam!pve-backup` token), daily GC, prune and sync jobs at midnight (one sync night failed:
 * the remote was unreachable), the weekly verify job on Saturdays. Snapshots carry the UPID of the verify run
 * that checked them.
 */
export function seedPbs(w: PbsWorld): void {
	const state = w.pbs;
	const now = w.clock.now();
	const day = 86400;
	const midnight = now - (now % day);
	const firstNight = midnight - 14 * day;
	const store = newDatastore('backup', '/mnt/datastore/backup', 8192 * GiB, { comment: 'Main datastore', 'notification-mode': 'notification-system', gcSchedule: 'daily' });
	state.datastores.set(store.name, store);
	// The token the PVE storage `pbs` entry uses; PBS tokens carry their own ACL (DatastoreBackup on the store).
	w.access.createToken('root@pam', 'pve-backup', { privsep: true, comment: 'PVE cluster simcluster' });
	w.access.setAcl(`/datastore/${store.name}`, 'DatastoreBackup', 'root@pam!pve-backup');
	state.remotes.set('offsite', { name: 'offsite', host: 'pbs-offsite.example.net', port: 8007, 'auth-id': 'sync@pbs', fingerprint: 'AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99', comment: 'Offsite copy' });
	const sync: PbsJob = { id: 'pull-offsite', store: 'backup', remote: 'offsite', 'remote-store': 'backup', schedule: 'daily', 'remove-vanished': false };
	const verify: PbsJob = { id: 'v-weekly', store: 'backup', schedule: 'sat 03:00', 'ignore-verified': true, 'outdated-after': 30 };
	// keep-daily 14 keeps the two weeks of dailies this store holds.
	const prune: PbsJob = { id: 'p-daily', store: 'backup', schedule: 'daily', 'keep-daily': 14, 'keep-weekly': 4, 'keep-monthly': 6 };
	state.syncJobs.set(sync.id, sync);
	state.verifyJobs.set(verify.id, verify);
	state.pruneJobs.set(prune.id, prune);

	const guests: Array<['vm' | 'ct', string, number]> = [['vm', '100', 32], ['vm', '101', 64], ['vm', '103', 32], ['vm', '105', 40], ['ct', '200', 8], ['ct', '201', 8], ['ct', '203', 16]];
	const pveNode: Record<string, string> = { '100': '10.0.0.11', '101': '10.0.0.11', '103': '10.0.0.12', '105': '10.0.0.13', '200': '10.0.0.11', '201': '10.0.0.12', '203': '10.0.0.13' };
	type Event = { at: number; run: () => void };
	const events: Event[] = [];
	for (let d = 14; d >= 1; d--) {
		for (const [type, id, gib] of guests) {
			const time = midnight - d * day + 3 * 3600 + Number(id) * 13;
			const size = Math.round(gib * GiB * (0.2 + (d % 3) * 0.01));
			const files = type === 'vm'
				? [{ filename: 'qemu-server.conf.blob', size: 512, 'crypt-mode': 'none' as const }, { filename: 'drive-scsi0.img.fidx', size, 'crypt-mode': 'none' as const }, { filename: 'index.json.blob', size: 390, 'crypt-mode': 'none' as const }]
				: [{ filename: 'pct.conf.blob', size: 280, 'crypt-mode': 'none' as const }, { filename: 'root.pxar.didx', size, 'crypt-mode': 'none' as const }, { filename: 'index.json.blob', size: 380, 'crypt-mode': 'none' as const }];
			const snap: PbsSnapshot = { type, id, time, size, owner: 'root@pam!pve-backup', protected: d === 14 && id === '101', notes: d === 14 && id === '101' ? 'before PostgreSQL upgrade' : '', files };
			events.push({
				at: time,
				run: () => {
					const previous = store.snapshots.filter((s) => s.type === type && s.id === id).sort((a, b) => b.time - a.time)[0];
					const lines = backupLog(store, snap, previous, pveNode[id]);
					store.snapshots.push(snap);
					store.used += Math.round(size * (previous ? 0.05 : 0.2));
					record(w, { type: 'backup', id: `${store.name}:${type}/${id}`, authId: 'root@pam!pve-backup', start: time, store: store.name, lines });
				},
			});
		}
	}
	for (const at of calendarEventsBetween('daily', firstNight + day, now)) {
		events.push({ at, run: () => replay(w, store, 'prunejob', store.name, at, pruneScript(store, keepOptions(prune), { jobId: prune.id, schedule: 'daily', dryRun: false }), `prunejob/${prune.id}`) });
		events.push({ at: at + 1, run: () => replay(w, store, 'garbage_collection', store.name, at + 1, gcScript(store, at + 1, 'daily'), `garbage_collection/${store.name}`) });
		const unreachable = at === midnight - 5 * day ? 'error trying to connect: error connecting to https://pbs-offsite.example.net:8007/ - tcp connect error: Connection timed out (os error 110)' : undefined;
		events.push({ at: at + 2, run: () => replay(w, store, 'syncjob', `offsite:backup:${store.name}::${sync.id}`, at + 2, syncScript(store, sync, { schedule: 'daily' }, unreachable), `syncjob/${sync.id}`) });
	}
	for (const at of calendarEventsBetween(String(verify.schedule), firstNight, now)) {
		events.push({
			at,
			run: () => replay(w, store, 'verificationjob', `${store.name}:${verify.id}`, at, verifyScript(store, store.snapshots, at, { jobId: String(verify.id), schedule: String(verify.schedule), ignoreVerified: true, outdatedAfter: Number(verify['outdated-after']), whole: true }), `verificationjob/${verify.id}`),
		});
	}
	for (const e of events.sort((a, b) => a.at - b.at)) e.run();
}
