import { startProxmoxSimulator, type ProxmoxSimulator } from '../index';
import { decodeUpid } from '../core/upid';
import { pruneSelection } from '../pbs/prune';
import type { PbsSnapshot } from '../pbs/model';
import { call, pbsToken, waitTask } from './rawClient';

const token = pbsToken();

describe('PBS datastores, snapshots and jobs', () => {
	let sim: ProxmoxSimulator;
	const get = async (path: string) => (await call(sim, 'GET', path, { token })).json;
	beforeAll(async () => {
		sim = await startProxmoxSimulator({ product: 'pbs', unauthorizedDelayMs: 0, taskSpeed: 200 });
	});
	afterAll(() => sim.close());

	it('lists datastores with usage', async () => {
		expect((await get('/admin/datastore')).data).toEqual([{ store: 'backup', comment: 'Main datastore' }]);
		const usage = (await get('/status/datastore-usage')).data[0];
		expect(usage).toMatchObject({ store: 'backup', total: expect.any(Number), used: expect.any(Number), avail: expect.any(Number) });
		expect(usage.avail).toBe(usage.total - usage.used);
	});

	it('lists groups and snapshots, protects, annotates and forgets snapshots', async () => {
		const groups = (await get('/admin/datastore/backup/groups')).data;
		expect(groups).toHaveLength(7);
		expect(groups[0]).toMatchObject({ 'backup-type': 'vm', 'backup-id': '100', 'backup-count': 14, owner: 'root@pam!pve-backup' });
		const snaps = (await get('/admin/datastore/backup/snapshots?backup-type=vm&backup-id=101')).data;
		expect(snaps).toHaveLength(14);
		const protectedOne = snaps.find((s: { protected: boolean }) => s.protected);
		expect(protectedOne.comment).toBe('before PostgreSQL upgrade');
		const id = { 'backup-type': 'vm', 'backup-id': '101', 'backup-time': String(protectedOne['backup-time']) };
		const refused = await call(sim, 'DELETE', `/admin/datastore/backup/snapshots?${new URLSearchParams(id)}`, { token });
		expect(refused.status).toBe(400);
		expect(refused.text).toMatch(/^cannot remove protected snapshot "backup:vm\/101\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$/);
		await call(sim, 'PUT', '/admin/datastore/backup/protected', { token, form: { ...id, protected: 'false' } });
		await call(sim, 'PUT', '/admin/datastore/backup/notes', { token, form: { ...id, notes: 'ok to drop' } });
		expect((await get(`/admin/datastore/backup/notes?${new URLSearchParams(id)}`)).data).toBe('ok to drop');
		expect((await call(sim, 'DELETE', `/admin/datastore/backup/snapshots?${new URLSearchParams(id)}`, { token })).status).toBe(200);
		expect((await get('/admin/datastore/backup/snapshots?backup-type=vm&backup-id=101')).data).toHaveLength(13);
	});

	it('runs GC as a task with a PBS UPID; forgotten chunks stay pending for 24 h 5 min, then are reclaimed', async () => {
		const before = (await get('/admin/datastore/backup/status')).data.used;
		// pbs-datastore datastore.rs garbage_collection: chunks touched (atime) after the cutoff are only "pending".
		const first = await call(sim, 'POST', '/admin/datastore/backup/gc', { token });
		await waitTask(sim, token, first.json.data);
		const gc1 = (await get('/admin/gc/backup')).data[0];
		expect(gc1).toMatchObject({ store: 'backup', upid: first.json.data, 'removed-bytes': 0, 'last-run-state': 'OK' });
		expect(gc1['pending-bytes']).toBeGreaterThan(0);
		sim.control.advanceClock(24 * 3600 + 600);
		const r = await call(sim, 'POST', '/admin/datastore/backup/gc', { token });
		expect(r.json.data).toMatch(/^UPID:pbs:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8,16}:[0-9A-F]{8}:garbage_collection:backup:root@pam!sim:$/);
		expect(decodeUpid('pbs', r.json.data)).toMatchObject({ node: 'pbs', type: 'garbage_collection', id: 'backup', user: 'root@pam!sim' });
		const done = await waitTask(sim, token, r.json.data);
		expect(done).toMatchObject({ status: 'stopped', exitstatus: 'OK', worker_type: 'garbage_collection', worker_id: 'backup', user: 'root@pam!sim', tokenid: 'sim' });
		expect((await get('/admin/datastore/backup/status')).data.used).toBeLessThan(before);
		const log = (await get(`/nodes/localhost/tasks/${encodeURIComponent(r.json.data)}/log?limit=0`)).data.map((l: { t: string }) => l.t);
		expect(log).toContainEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00: Start GC phase2 \(sweep unused chunks\)$/));
		expect(log).toContainEqual(expect.stringMatching(/: Removed garbage: [\d.]+ (KiB|MiB|GiB)$/));
		expect(log.at(-1)).toMatch(/: TASK OK$/);
		const gc2 = (await get('/admin/datastore/backup/gc')).data;
		expect(gc2).toMatchObject({ store: 'backup', upid: r.json.data, 'pending-bytes': 0 });
		expect(gc2['removed-bytes']).toBe(gc1['pending-bytes']);
	});

	it('verifies, and a failure ends the task with an error', async () => {
		const ok = await call(sim, 'POST', '/admin/datastore/backup/verify', { token, form: { 'backup-type': 'ct', 'backup-id': '200' } });
		expect((await waitTask(sim, token, ok.json.data)).exitstatus).toBe('OK');
		sim.control.failNextBackup('backup', 'chunk file is missing');
		const bad = await call(sim, 'POST', '/admin/datastore/backup/verify', { token, form: { 'backup-type': 'ct', 'backup-id': '201' } });
		const done = await waitTask(sim, token, bad.json.data);
		expect(done.exitstatus).toBe('verification failed - please check the log for details');
		const snaps = (await get('/admin/datastore/backup/snapshots?backup-type=ct&backup-id=201')).data;
		expect(snaps.some((s: { verification?: { state: string } }) => s.verification?.state === 'failed')).toBe(true);
	});

	it('prunes with keep options (dry run first) and lists tasks by datastore and type', async () => {
		const dry = (await call(sim, 'POST', '/admin/datastore/backup/prune', { token, form: { 'backup-type': 'vm', 'backup-id': '100', 'keep-last': 3, 'dry-run': 'true' } })).json.data;
		expect(dry.filter((e: { keep: boolean }) => e.keep)).toHaveLength(3);
		expect((await get('/admin/datastore/backup/snapshots?backup-type=vm&backup-id=100')).data).toHaveLength(14);
		const r = await call(sim, 'POST', '/admin/datastore/backup/prune-datastore', { token, form: { 'keep-daily': 7 } });
		expect((await waitTask(sim, token, r.json.data)).exitstatus).toBe('OK');
		expect((await get('/admin/datastore/backup/snapshots?backup-type=vm&backup-id=100')).data).toHaveLength(7);
		const tasks = await get('/nodes/localhost/tasks?store=backup&typefilter=prune');
		expect(tasks.data).toHaveLength(1);
		// src/api2/admin/datastore.rs prune_datastore: worker id `<store>:<namespace>` (root namespace: empty).
		expect(tasks.data[0]).toMatchObject({ worker_type: 'prune', worker_id: 'backup:', status: 'OK' });
	});

	it('runs sync jobs against remotes', async () => {
		expect((await get('/config/remote')).data[0]).toMatchObject({ name: 'offsite', host: 'pbs-offsite.example.net' });
		const r = await call(sim, 'POST', '/admin/sync/pull-offsite/run', { token });
		const done = await waitTask(sim, token, r.json.data);
		expect(done).toMatchObject({ worker_type: 'syncjob', exitstatus: 'OK' });
		expect(done.worker_id).toBe('offsite:backup:backup::pull-offsite');
	});
});

describe('PBS prune selection', () => {
	const snap = (iso: string, p = false): PbsSnapshot => ({ type: 'vm', id: '1', time: Date.parse(iso) / 1000, size: 1, owner: 'x', protected: p, notes: '', files: [] });
	it('keeps the newest snapshot per period, never removes protected ones, and keeps all without options', () => {
		const list = [snap('2026-11-20T03:00:00Z'), snap('2026-11-20T15:00:00Z'), snap('2026-11-21T03:00:00Z'), snap('2026-11-22T03:00:00Z', true), snap('2026-11-23T03:00:00Z')];
		const marks = pruneSelection(list, { 'keep-daily': 2 });
		expect(list.map((s) => marks.get(s))).toEqual(['remove', 'remove', 'keep', 'protected', 'keep']);
		const last = pruneSelection(list, { 'keep-last': 1, 'keep-daily': 1 });
		expect(list.map((s) => last.get(s))).toEqual(['remove', 'remove', 'keep', 'protected', 'keep']);
		const all = pruneSelection(list, {});
		expect(list.map((s) => all.get(s))).toEqual(['keep', 'keep', 'keep', 'protected', 'keep']);
	});
});
