import { startProxmoxSimulator, type ProxmoxSimulator } from '../index';
import { decodeUpid } from '../core/upid';
import { nextCalendarEvent } from '../core/calendar';
import { humanByte } from '../pbs/jobs';
import { call, pbsToken } from './rawClient';

/**
 * What a PBS user watches, as a real PBS 4 answers it (sources: proxmox-backup `src/api2/version.rs`,
 * `src/api2/admin/{gc,datastore,verify,prune,sync}.rs`, `src/api2/status.rs`, `src/api2/node/status.rs`,
 * `src/server/{gc,verify,prune}_job.rs`, `src/api2/backup/{mod,environment}.rs`, pbs-api-types `datastore.rs`).
 */
describe('PBS state as a real server reports it', () => {
	let sim: ProxmoxSimulator;
	const token = pbsToken();
	const get = async (path: string) => {
		const r = await call(sim, 'GET', path, { token });
		expect(r.status).toBe(200);
		return r.json.data;
	};
	const now = () => Number(sim.control.getState().clock);
	beforeAll(async () => {
		sim = await startProxmoxSimulator({ product: 'pbs', unauthorizedDelayMs: 0, taskSpeed: 200 });
	});
	afterAll(() => sim.close());

	it('answers /version as major.minor plus release (the patch level) and the full repository id', async () => {
		// version.rs: "version" = CARGO_PKG_VERSION_MAJOR.MINOR, "release" = CARGO_PKG_VERSION_PATCH, "repoid" = git rev-parse HEAD.
		expect(await get('/version')).toEqual({ version: '4.0', release: '18', repoid: expect.stringMatching(/^[0-9a-f]{40}$/) });
	});

	it('sends JSON booleans, including in answers built from schema samples and shared handlers', async () => {
		// serde_json: bool is true/false. /config/access/pam has no state model here (schema sample); the others do.
		expect(await get('/ping')).toEqual({ pong: true });
		expect(typeof (await get('/config/access/pam')).default).toBe('boolean');
		const users = await get('/access/users');
		const root = users.find((u: { userid: string }) => u.userid === 'root@pam');
		expect(root.enable).toBe(true);
		// pbs-api-types ApiToken: tokenid, comment, enable, expire (PBS tokens have no privsep flag).
		expect(root.tokens[0]).toMatchObject({ tokenid: 'root@pam!sim', enable: true });
		expect((await get('/admin/verify'))[0]['ignore-verified']).toBe(true);
		expect((await get('/admin/sync'))[0]['remove-vanished']).toBe(false);
		const snaps = await get('/admin/datastore/backup/snapshots?backup-type=vm&backup-id=101');
		expect(snaps.every((s: { protected: unknown }) => typeof s.protected === 'boolean')).toBe(true);
		// list_permissions: HashMap<path, HashMap<privilege, propagate: bool>>, default paths included.
		const perms = await get('/access/permissions');
		expect(Object.keys(perms)).toEqual(expect.arrayContaining(['/', '/access', '/datastore', '/remote', '/system']));
		expect(perms['/datastore']['Datastore.Audit']).toBe(true);
	});

	it('lists the seeded history in /nodes/localhost/tasks: nightly backups, GC, prune, sync and verify runs', async () => {
		const all = await call(sim, 'GET', '/nodes/localhost/tasks?limit=0', { token });
		expect(all.json.total).toBeGreaterThan(130);
		const types = new Set(all.json.data.map((t: { worker_type: string }) => t.worker_type));
		expect([...types].sort()).toEqual(['backup', 'garbage_collection', 'prunejob', 'syncjob', 'verificationjob']);
		// backup/mod.rs: worker id `<store>:<type>/<id>`, run by the PVE storage's token.
		const backups = await get('/nodes/localhost/tasks?typefilter=backup&limit=0');
		expect(backups).toHaveLength(14 * 7);
		expect(backups[0]).toMatchObject({ worker_type: 'backup', user: 'root@pam!pve-backup', status: 'OK', node: 'pbs' });
		expect(backups.map((t: { worker_id: string }) => t.worker_id)).toContain('backup:vm/100');
		expect(backups[0].upid).toMatch(/:backup:backup\\x3a(vm|ct)-\d+:root@pam!pve-backup:$/);
		// The failed night: one sync run could not reach the remote.
		const errors = await get('/nodes/localhost/tasks?errors=true&limit=0');
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatchObject({ worker_type: 'syncjob', worker_id: 'offsite:backup:backup::pull-offsite' });
		expect(errors[0].status).toMatch(/^error trying to connect: .*Connection timed out \(os error 110\)$/);
	});

	it('keeps a backup task log in the server format, with RFC 3339 line prefixes', async () => {
		const [task] = await get('/nodes/localhost/tasks?typefilter=backup&limit=50').then((l) => l.filter((t: { worker_id: string }) => t.worker_id === 'backup:vm/100'));
		const r = await call(sim, 'GET', `/nodes/localhost/tasks/${encodeURIComponent(task.upid)}/log?limit=0`, { token });
		const lines: string[] = r.json.data.map((l: { t: string }) => l.t.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00: /, ''));
		expect(r.json.data[0].t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00: /);
		expect(lines[0]).toMatch(/^starting new backup on datastore 'backup' from ::ffff:10\.0\.0\.11: "vm\/100\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$/);
		expect(lines).toEqual(expect.arrayContaining(["register chunks in 'drive-scsi0.img.fidx' from previous backup.", "Upload statistics for 'drive-scsi0.img.fidx'", 'successfully closed fixed index 1', 'successfully finished backup', 'backup finished successfully']));
		expect(lines).toContainEqual(expect.stringMatching(/^created new fixed index 1 \("vm\/100\/.*\/drive-scsi0\.img\.fidx"\)$/));
		expect(lines.at(-1)).toBe('TASK OK');
	});

	it('reports GC per datastore in /admin/gc with the last run, its figures and the next run', async () => {
		const [gc] = await get('/admin/gc');
		const t = now();
		expect(gc).toMatchObject({ store: 'backup', schedule: 'daily', 'last-run-state': 'OK', 'removed-bad': 0, 'still-bad': 0 });
		expect(gc['index-file-count']).toBe(14 * 7);
		for (const k of ['disk-bytes', 'disk-chunks', 'index-data-bytes', 'duration']) expect(gc[k]).toBeGreaterThan(0);
		expect(gc['index-data-bytes']).toBeGreaterThan(gc['disk-bytes']);
		expect(gc['next-run']).toBe(nextCalendarEvent('daily', gc['last-run-endtime']));
		expect(gc['next-run']).toBeGreaterThan(t);
		expect(decodeUpid('pbs', gc.upid)).toMatchObject({ type: 'garbage_collection', id: 'backup' });
		const log = (await get(`/nodes/localhost/tasks/${encodeURIComponent(gc.upid)}/log?limit=0`)).map((l: { t: string }) => l.t.slice(27));
		expect(log.slice(0, 3)).toEqual(['starting garbage collection on store backup', "task triggered by schedule 'daily'", 'Start GC phase1 (mark used chunks)']);
		expect(log).toContain(`On-Disk chunks: ${gc['disk-chunks']}`);
		expect(log).toContain(`Original data usage: ${humanByte(gc['index-data-bytes'])}`);
		expect(await get('/admin/gc/backup')).toEqual([gc]);
	});

	it('lists verify, prune and sync jobs with their schedule status', async () => {
		const [verify] = await get('/admin/verify');
		expect(verify).toMatchObject({ id: 'v-weekly', store: 'backup', schedule: 'sat 03:00', 'last-run-state': 'OK' });
		expect(decodeUpid('pbs', verify['last-run-upid'])).toMatchObject({ type: 'verificationjob', id: 'backup\\x3av\\x2dweekly' });
		expect(new Date(verify['next-run'] * 1000).getUTCDay()).toBe(6);
		const [prune] = await get('/admin/prune');
		expect(prune).toMatchObject({ id: 'p-daily', 'last-run-state': 'OK', 'next-run': nextCalendarEvent('daily', prune['last-run-endtime']) });
		expect(decodeUpid('pbs', prune['last-run-upid'])).toMatchObject({ type: 'prunejob', id: 'backup' });
		const [sync] = await get('/admin/sync');
		expect(sync).toMatchObject({ id: 'pull-offsite', 'last-run-state': 'OK' });
		expect(await get('/admin/verify?store=other')).toEqual([]);
	});

	it('records the verify run that checked each snapshot as its verification upid', async () => {
		const snaps = await get('/admin/datastore/backup/snapshots?backup-type=vm&backup-id=100');
		const verified = snaps.filter((s: { verification?: unknown }) => s.verification);
		expect(verified.length).toBeGreaterThan(0);
		expect(verified.length).toBeLessThan(snaps.length);
		const s = verified[0];
		expect(s.verification.state).toBe('ok');
		const task = await get(`/nodes/localhost/tasks/${encodeURIComponent(s.verification.upid)}/status`);
		expect(task).toMatchObject({ worker_type: 'verificationjob', exitstatus: 'OK' });
		const dir = `vm/100/${new Date(s['backup-time'] * 1000).toISOString().replace(/\.\d+Z$/, 'Z')}`;
		const log = (await get(`/nodes/localhost/tasks/${encodeURIComponent(s.verification.upid)}/log?limit=0`)).map((l: { t: string }) => l.t.slice(27));
		expect(log).toContain(`verify backup:${dir}`);
		expect(log).toContain('  check drive-scsi0.img.fidx');
	});

	it('answers /status/datastore-usage with mount status, backend type, GC status and a month of history', async () => {
		const [u] = await get('/status/datastore-usage');
		expect(u).toMatchObject({ store: 'backup', 'mount-status': 'nonremovable', 'backend-type': 'filesystem', 'history-delta': 1800 });
		expect(u['gc-status']['disk-bytes']).toBeGreaterThan(0);
		expect(decodeUpid('pbs', u['gc-status'].upid)?.type).toBe('garbage_collection');
		expect(u.history.length).toBeGreaterThanOrEqual(1440);
		expect(u.history[0]).toBeNull();
		expect(u.history.at(-1)).toBeCloseTo(u.used / u.total, 4);
		expect(u['estimated-full-date']).toBeGreaterThan(now());
	});

	it('answers /nodes/localhost/status with memory, CPU, three load averages, root disk, uptime and kernel', async () => {
		const s = await get('/nodes/localhost/status');
		expect(s.loadavg).toHaveLength(3);
		expect(s.loadavg.every((x: unknown) => typeof x === 'number')).toBe(true);
		expect(s.memory.total).toBe(s.memory.used + s.memory.free);
		expect(s.root.total).toBe(s.root.used + s.root.avail);
		expect(s.uptime).toBeGreaterThan(86400);
		expect(s.cpuinfo).toMatchObject({ sockets: 1, cpus: 12 });
		expect(s.kversion).toBe(`Linux ${s['current-kernel'].release} ${s['current-kernel'].version}`);
		expect(s['boot-info']).toEqual({ mode: 'efi', secureboot: false });
		expect(s.info.fingerprint).toMatch(/^([0-9a-f]{2}:){31}[0-9a-f]{2}$/);
	});

	it('runs a verify job as `verificationjob` and a prune job as `prunejob`, updating the job status', async () => {
		const v = await call(sim, 'POST', '/admin/verify/v-weekly/run', { token });
		expect(decodeUpid('pbs', v.json.data)).toMatchObject({ type: 'verificationjob', id: 'backup\\x3av\\x2dweekly' });
		const p = await call(sim, 'POST', '/admin/prune/p-daily/run', { token });
		expect(decodeUpid('pbs', p.json.data)).toMatchObject({ type: 'prunejob', id: 'backup' });
		const deadline = Date.now() + 15000;
		let jobs: Array<Record<string, unknown>> = [];
		while (Date.now() < deadline) {
			jobs = [...(await get('/admin/verify')), ...(await get('/admin/prune'))];
			if (jobs[0]['last-run-upid'] === v.json.data && jobs[1]['last-run-upid'] === p.json.data) break;
			await new Promise((r) => setTimeout(r, 50));
		}
		expect(jobs.map((j) => j['last-run-upid'])).toEqual([v.json.data, p.json.data]);
		const log = (await get(`/nodes/localhost/tasks/${encodeURIComponent(p.json.data)}/log?limit=0`)).map((l: { t: string }) => l.t.slice(27));
		expect(log.slice(0, 3)).toEqual(["prune job 'p-daily'", "Starting datastore prune on datastore 'backup', root namespace, down to full depth", 'retention options: --keep-daily 14 --keep-weekly 4 --keep-monthly 6']);
		expect(log).toContain('Pruning group :"vm/100"');
	});
});

describe('calendar events (proxmox-time compute_next_event, UTC)', () => {
	const at = (iso: string) => Date.parse(iso) / 1000;
	it('computes the next run of named, weekday and repeated schedules', () => {
		expect(nextCalendarEvent('daily', at('2026-11-30T05:00:00Z'))).toBe(at('2026-12-01T00:00:00Z'));
		expect(nextCalendarEvent('sat 03:00', at('2026-11-30T05:00:00Z'))).toBe(at('2026-12-05T03:00:00Z'));
		expect(nextCalendarEvent('mon..fri 22:30', at('2026-12-04T23:00:00Z'))).toBe(at('2026-12-07T22:30:00Z'));
		expect(nextCalendarEvent('*:0/15', at('2026-11-30T05:07:10Z'))).toBe(at('2026-11-30T05:15:00Z'));
		expect(nextCalendarEvent('weekly', at('2026-11-30T00:00:00Z'))).toBe(at('2026-12-07T00:00:00Z'));
		expect(nextCalendarEvent('bogus schedule!', 0)).toBeUndefined();
	});
});
