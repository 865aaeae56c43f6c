/**
 * Proxmox Backup Server: backup groups, snapshots, garbage collection, verify, prune, sync and
 * tasks against the PBS simulator, including task failures with their log tail, the AI guard on
 * destructive operations and dry run.
 */
import type { IDataObject, INodeListSearchResult } from 'n8n-workflow';

import { callNodeMethod } from '../../helpers/engine';
import type { ProxmoxSimulator } from '../../simulators/proxmox';
import { locator, NODE, pbsToken, runner, startPbs, stopSim } from './setup';

let sim: ProxmoxSimulator;
beforeAll(async () => {
	sim = await startPbs();
});
afterAll(async () => await stopSim(sim));
const run = runner(() => pbsToken(sim));
const store = locator('backup');
const snapshotCount = () => (sim.control.getState() as { datastores: Array<{ name: string; snapshots: number }> }).datastores.find((d) => d.name === 'backup')!.snapshots;

describe('Backup Group', () => {
	it('gets many with the latest snapshot, count, size, owner and notes', async () => {
		await run('group', 'setNotes', { store, group: locator('vm/101'), notes: 'database\nsecond line' });
		const groups = await run('group', 'getMany', { store, returnAll: true });
		expect(groups.map((g) => g.group)).toEqual(expect.arrayContaining(['vm/100', 'vm/101', 'ct/200']));
		const db = groups.find((g) => g.group === 'vm/101')!;
		expect(db).toMatchObject({ backupType: 'vm', backupId: '101', backupCount: 14, owner: 'root@pam!pve-backup', notes: 'database' });
		expect(Number(db.totalSize)).toBeGreaterThan(0);
		expect(db.latestSnapshot).toMatchObject({ ageHours: expect.any(Number), verifyState: expect.any(String), size: expect.any(Number) });
	});

	it('lists groups for the resource locator', async () => {
		const result = (await callNodeMethod(NODE, 'listSearch', 'searchGroups', { resource: 'group', operation: 'delete', store }, { credentials: pbsToken(sim), filter: 'ct/' })) as INodeListSearchResult;
		expect(result.results.map((r) => r.value)).toEqual(['ct/200', 'ct/201', 'ct/203']);
	});

	it('refuses to delete for an AI agent, deletes for a person and reports protected snapshots', async () => {
		await expect(run('group', 'delete', { store, group: locator('ct/203') }, { asTool: true })).rejects.toThrow(/Refused: "Delete a backup group".*destructive/);
		const before = snapshotCount();
		const [deleted] = await run('group', 'delete', { store, group: locator('ct/203') });
		expect(deleted).toMatchObject({ group: 'ct/203', deleted: true });
		expect(snapshotCount()).toBe(before - 14);
		// vm/101's oldest snapshot is protected (seed): PBS keeps it and fails the call.
		await expect(run('group', 'delete', { store, group: locator('vm/101'), allowDestructiveFromAi: true }, { asTool: true })).rejects.toThrow(/protected snapshots/);
	});
});

describe('Snapshot', () => {
	it('gets many of one group, newest first, with verify state, size, protected and encryption', async () => {
		const snapshots = await run('snapshot', 'getMany', { store, group: locator('vm/100'), returnAll: true });
		expect(snapshots).toHaveLength(14);
		expect(Number(snapshots[0].backupTime)).toBeGreaterThan(Number(snapshots[1].backupTime));
		expect(snapshots[0]).toMatchObject({ backupType: 'vm', backupId: '100', protected: false, encrypted: false, cryptMode: 'none' });
		expect(snapshots[0].snapshot).toMatch(/^vm\/100\/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
		expect(snapshots.map((s) => s.verifyState)).toEqual(expect.arrayContaining(['ok', 'none']));
	});

	it('gets the latest per group with its age and the newest verified age', async () => {
		const latest = await run('snapshot', 'getLatest', { store });
		const vm100 = latest.find((s) => s.group === 'vm/100')!;
		expect(vm100).toMatchObject({ snapshotCount: 14, verifyState: 'none' });
		expect(Number(vm100.ageHours)).toBeGreaterThan(0);
		expect(Number(vm100.lastVerifiedAgeHours)).toBeGreaterThan(Number(vm100.ageHours));
	});

	it('protects, sets notes, unprotects and deletes a snapshot', async () => {
		const [newest] = await run('snapshot', 'getMany', { store, group: locator('vm/105'), limit: 1 });
		const snapshot = locator(newest.snapshot as string);
		expect((await run('snapshot', 'protect', { store, snapshot }))[0]).toMatchObject({ protected: true });
		await run('snapshot', 'setNotes', { store, snapshot, notes: 'keep for audit' });
		const [seen] = await run('snapshot', 'getMany', { store, group: locator('vm/105'), limit: 1 });
		expect(seen).toMatchObject({ protected: true, notes: 'keep for audit' });
		await expect(run('snapshot', 'delete', { store, snapshot })).rejects.toThrow(/cannot remove protected snapshot/);
		await run('snapshot', 'unprotect', { store, snapshot });
		await expect(run('snapshot', 'delete', { store, snapshot }, { asTool: true })).rejects.toThrow(/Refused/);
		expect((await run('snapshot', 'delete', { store, snapshot }))[0]).toMatchObject({ deleted: true, snapshot: newest.snapshot });
		expect((await run('snapshot', 'getMany', { store, group: locator('vm/105'), returnAll: true })).length).toBe(13);
	});

	it('dry run shows the DELETE it would send and deletes nothing', async () => {
		const [newest] = await run('snapshot', 'getMany', { store, group: locator('vm/103'), limit: 1 });
		const before = snapshotCount();
		const [out] = await run('snapshot', 'delete', { store, snapshot: locator(newest.snapshot as string), dryRun: true }, { asTool: true });
		expect(out).toMatchObject({ dryRun: true, safety: 'destructive', request: { method: 'DELETE', authentication: 'API token root@pam!sim' } });
		expect(String((out.request as IDataObject).url)).toMatch(/\/api2\/json\/admin\/datastore\/backup\/snapshots\?backup-type=vm&backup-id=103&backup-time=\d+/);
		expect(JSON.stringify(out)).not.toContain(sim.token.secret);
		expect(snapshotCount()).toBe(before);
	});

	it('lists snapshots for the resource locator, newest first, searchable by group', async () => {
		const result = (await callNodeMethod(NODE, 'listSearch', 'searchSnapshots', { resource: 'snapshot', operation: 'delete', store }, { credentials: pbsToken(sim), filter: 'vm/100/' })) as INodeListSearchResult;
		expect(result.results.length).toBe(14);
		// vm/101 kept only its protected snapshot when its group was deleted above.
		const db = (await callNodeMethod(NODE, 'listSearch', 'searchSnapshots', { resource: 'snapshot', operation: 'delete', store }, { credentials: pbsToken(sim), filter: 'vm/101/' })) as INodeListSearchResult;
		expect(db.results).toEqual([{ name: expect.stringMatching(/\(protected\) – before PostgreSQL upgrade$/), value: expect.stringMatching(/^vm\/101\//) }]);
	});
});

describe('Garbage Collection', () => {
	it('starts GC and waits for it, then reports its status', async () => {
		const [gc] = await run('gc', 'start', { store });
		expect(gc).toMatchObject({ store: 'backup', success: true, exitStatus: 'OK', taskType: 'garbage_collection' });
		const [status] = await run('gc', 'getStatus', { store });
		expect(status.upid).toBe(gc.upid);
		expect(status).toHaveProperty('removed-bytes');
	});

	it('returns the UPID at once without waiting', async () => {
		const [gc] = await run('gc', 'start', { store, waitForCompletion: false });
		expect(gc.upid).toMatch(/^UPID:pbs:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:garbage_collection:backup:root@pam!sim:$/);
		expect(gc).not.toHaveProperty('success');
		const [done] = await run('task', 'wait', { upid: gc.upid });
		expect(done).toMatchObject({ success: true });
	});

	it('a failed GC is an error carrying the task log tail', async () => {
		sim.control.failNextBackup('backup', 'unable to read chunk store: Input/output error');
		const error = (await run('gc', 'start', { store }).catch((e: unknown) => e)) as { message: string; description: string };
		expect(error.message).toMatch(/Task garbage_collection backup failed: .*Input\/output error/);
		expect(error.description).toContain('Last log lines:');
		expect(error.description).toContain('Start GC phase1');
	});

	it('continueOnFail outputs the failed task with its outcome', async () => {
		sim.control.failNextBackup('backup', 'disk full');
		const [out] = await run('gc', 'start', { store }, { continueOnFail: true });
		expect(out.error).toMatch(/failed: .*disk full/);
		expect(out.task).toMatchObject({ success: false, exitStatus: expect.stringContaining('disk full') });
	});
});

describe('Verify', () => {
	it('verifies one snapshot, one group and the datastore, waiting for each', async () => {
		const [newest] = await run('snapshot', 'getMany', { store, group: locator('vm/100'), limit: 1 });
		expect(newest.verifyState).toBe('none');
		const [one] = await run('verify', 'start', { store, scope: 'snapshot', snapshot: locator(newest.snapshot as string) });
		expect(one).toMatchObject({ scope: 'snapshot', success: true, taskType: 'verify_snapshot' });
		expect((await run('snapshot', 'getMany', { store, group: locator('vm/100'), limit: 1 }))[0].verifyState).toBe('ok');
		expect((await run('verify', 'start', { store, scope: 'group', group: locator('ct/200'), options: { ignoreVerified: true, outdatedAfter: 7 } }))[0]).toMatchObject({ success: true });
		expect((await run('verify', 'start', { store }))[0]).toMatchObject({ scope: 'datastore', success: true });
	});

	it('a failed verification is an error with the log tail naming the failed snapshot', async () => {
		sim.control.failNextBackup('backup', 'checksum mismatch');
		const error = (await run('verify', 'start', { store, scope: 'group', group: locator('vm/103') }).catch((e: unknown) => e)) as { message: string; description: string };
		expect(error.message).toContain('verification failed');
		expect(error.description).toMatch(/Failed to verify the following snapshots\/groups:\s+\S*\s*vm\/103\//);
	});

	it('lists verify jobs with their last run and runs one now', async () => {
		const [ran] = await run('verify', 'runJob', { jobId: locator('v-weekly') });
		expect(ran).toMatchObject({ job: 'v-weekly', success: true, taskType: 'verificationjob' });
		const jobs = await run('verify', 'getJobs', {});
		expect(jobs.find((j) => j.id === 'v-weekly')).toMatchObject({ store: 'backup', 'ignore-verified': true, 'last-run-upid': ran.upid, 'last-run-state': 'OK' });
		expect(await run('verify', 'getJobs', { filterStore: true, store: locator('nope-store') })).toEqual([]);
	});

	it('reports an unknown job from PBS', async () => {
		await expect(run('verify', 'runJob', { jobId: locator('nojob') })).rejects.toThrow(/job 'nojob' does not exist/);
	});
});

describe('Prune', () => {
	it('simulates with keep options: keep and remove lists per group, nothing changes', async () => {
		const before = snapshotCount();
		const groups = await run('prune', 'simulate', { store, keep: { 'keep-last': 2, 'keep-weekly': 1 } });
		const vm100 = groups.find((g) => g.group === 'vm/100')!;
		expect(vm100).toMatchObject({ simulated: true, keepCount: 3 });
		expect((vm100.keep as string[]).length + (vm100.remove as string[]).length).toBe(14);
		const db = groups.find((g) => g.group === 'vm/101')!;
		expect(db.protectedKept).toHaveLength(1);
		expect(snapshotCount()).toBe(before);
		const [one] = await run('prune', 'simulate', { store, scope: 'group', group: locator('ct/201'), keep: { 'keep-daily': 5 } });
		expect(one).toMatchObject({ group: 'ct/201', keepCount: 5, removeCount: 9 });
	});

	it('applies a prune to one group (destructive: refused to an AI agent unless allowed)', async () => {
		await expect(run('prune', 'apply', { store, group: locator('ct/201'), keep: { 'keep-daily': 5 } }, { asTool: true })).rejects.toThrow(/Refused: "Prune backups"/);
		const [out] = await run('prune', 'apply', { store, group: locator('ct/201'), keep: { 'keep-daily': 5 } });
		expect(out).toMatchObject({ simulated: false, keepCount: 5, removeCount: 9 });
		expect(await run('snapshot', 'getMany', { store, group: locator('ct/201'), returnAll: true })).toHaveLength(5);
	});

	it('refuses to apply without any retention option', async () => {
		await expect(run('prune', 'apply', { store, group: locator('ct/200'), keep: {} })).rejects.toMatchObject({ message: expect.stringContaining('Set at least one retention option'), description: expect.stringContaining('Field: Retention') });
	});

	it('prunes the whole datastore as a task and waits for it', async () => {
		const [out] = await run('prune', 'apply', { store, scope: 'datastore', keep: { 'keep-last': 10 } });
		expect(out).toMatchObject({ success: true, taskType: 'prune' });
		const [vm103] = (await run('group', 'getMany', { store, returnAll: true })).filter((g) => g.group === 'vm/103');
		expect(Number(vm103.backupCount)).toBeLessThanOrEqual(10);
	});

	it('lists prune jobs and runs one (destructive for an AI agent)', async () => {
		const jobs = await run('prune', 'getJobs', {});
		expect(jobs.find((j) => j.id === 'p-daily')).toMatchObject({ store: 'backup', 'keep-daily': expect.any(Number) });
		await expect(run('prune', 'runJob', { jobId: locator('p-daily') }, { asTool: true })).rejects.toThrow(/Refused/);
		expect((await run('prune', 'runJob', { jobId: locator('p-daily') }))[0]).toMatchObject({ job: 'p-daily', success: true });
	});
});

describe('Sync', () => {
	it('lists sync jobs and remotes (no password) and runs a job', async () => {
		expect((await run('sync', 'getJobs', {}))[0]).toMatchObject({ id: 'pull-offsite', remote: 'offsite', 'remove-vanished': false });
		const [remote] = await run('sync', 'getRemotes', {});
		expect(remote).toMatchObject({ name: 'offsite', host: 'pbs-offsite.example.net' });
		expect(remote).not.toHaveProperty('password');
		expect((await run('sync', 'runJob', { jobId: locator('pull-offsite') }))[0]).toMatchObject({ success: true, taskType: 'syncjob' });
	});

	it('a failed sync is an error with its log tail', async () => {
		sim.control.failNextBackup('backup', 'remote offsite: connection refused');
		await expect(run('sync', 'runJob', { jobId: locator('pull-offsite') })).rejects.toMatchObject({ description: expect.stringContaining('sync datastore') });
	});
});

describe('Task', () => {
	it('gets many with filters, gets one and its log', async () => {
		const gcs = await run('task', 'getMany', { filters: { typefilter: 'garbage_collection' }, returnAll: true });
		expect(gcs.length).toBeGreaterThanOrEqual(2);
		expect(gcs.every((t) => t.worker_type === 'garbage_collection')).toBe(true);
		const failed = await run('task', 'getMany', { filters: { errors: true }, returnAll: true });
		expect(failed.length).toBeGreaterThan(0);
		expect(failed.every((t) => t.success === false)).toBe(true);
		const [status] = await run('task', 'get', { upid: gcs[0].upid });
		expect(status).toMatchObject({ status: 'stopped' });
		const [log] = await run('task', 'getLog', { upid: gcs[0].upid, lineCount: 3 });
		expect(log.lines).toBe(3);
	});

	it('rejects a bad datastore filter and a bad UPID', async () => {
		await expect(run('task', 'getMany', { filters: { store: 'a b' } })).rejects.toMatchObject({ description: 'Field: Filters > Datastore' });
		await expect(run('task', 'get', { upid: 'UPID:nope' })).rejects.toThrow(/not a Proxmox task ID/);
	});
});

describe('Task stop (real-time task speed)', () => {
	let slow: ProxmoxSimulator;
	beforeAll(async () => {
		slow = await startPbs({ taskSpeed: 0.5 });
	});
	afterAll(async () => await slow.close());

	it('stops a running GC (destructive for an AI agent)', async () => {
		const runSlow = runner(() => pbsToken(slow));
		const [gc] = await runSlow('gc', 'start', { store, waitForCompletion: false });
		await expect(runSlow('task', 'stop', { upid: gc.upid }, { asTool: true })).rejects.toThrow(/Refused/);
		expect((await runSlow('task', 'getMany', { filters: { running: true } })).map((t) => t.upid)).toContain(gc.upid);
		expect((await runSlow('task', 'stop', { upid: gc.upid }))[0]).toMatchObject({ stopRequested: true });
		const error = (await runSlow('task', 'wait', { upid: gc.upid, timeout: 60 }).catch((e: unknown) => e)) as { message: string };
		expect(error.message).toMatch(/failed/);
	});
});
