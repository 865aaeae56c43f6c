import { startProxmoxSimulator, type ProxmoxSimulator } from '../index';
import { call, pveToken, waitTask } from './rawClient';

const token = pveToken();

describe('PVE cluster, tasks, storage and backups', () => {
	let sim: ProxmoxSimulator;
	const get = async (path: string) => (await call(sim, 'GET', path, { token })).json;
	beforeAll(async () => {
		sim = await startProxmoxSimulator({ unauthorizedDelayMs: 0, taskSpeed: 200, statsRefreshMs: 600_000, taskStatusGraceMs: 300 });
	});
	afterAll(() => sim.close());

	it('serves /cluster/resources and /cluster/tasks from the pvestatd cache (eventually consistent)', async () => {
		const r = await call(sim, 'POST', '/nodes/pve2/qemu/102/status/start', { token });
		await waitTask(sim, token, r.json.data);
		expect((await get('/nodes/pve2/qemu')).data.find((g: { vmid: number }) => g.vmid === 102).status).toBe('running');
		const stale = (await get('/cluster/resources?type=vm')).data.find((g: { vmid: number }) => g.vmid === 102);
		expect(stale.status).toBe('stopped');
		expect((await get('/cluster/tasks')).data.some((t: { upid: string }) => t.upid === r.json.data)).toBe(false);
		sim.control.refreshStats();
		const fresh = (await get('/cluster/resources?type=vm')).data.find((g: { vmid: number }) => g.vmid === 102);
		expect(fresh).toMatchObject({ id: 'qemu/102', type: 'qemu', node: 'pve2', status: 'running', template: 0 });
		const task = (await get('/cluster/tasks')).data.find((t: { upid: string }) => t.upid === r.json.data);
		expect(task).toMatchObject({ node: 'pve2', type: 'qmstart', id: '102', status: 'OK', saved: '1' });
		expect(task.pid).toBeUndefined();
	});

	it('answers 400 for the status of a task that was just created', async () => {
		const fresh = await startProxmoxSimulator({ unauthorizedDelayMs: 0, taskSpeed: 200, taskStatusGraceMs: 5000 });
		try {
			const r = await call(fresh, 'POST', '/nodes/pve1/lxc/200/snapshot', { token, form: { snapname: 'quick' } });
			const s = await call(fresh, 'GET', `/nodes/pve1/tasks/${encodeURIComponent(r.json.data)}/status`, { token });
			expect(s.status).toBe(400);
			expect(s.reason).toMatch(/^unable to open file '\/var\/log\/pve\/tasks\/[0-9A-F]\/UPID:pve1:/);
		} finally {
			await fresh.close();
		}
		const r = await call(sim, 'POST', '/nodes/pve1/lxc/200/snapshot', { token, form: { snapname: 'quick' } });
		const done = await waitTask(sim, token, r.json.data);
		expect(done).toMatchObject({ status: 'stopped', exitstatus: 'OK', type: 'vzsnapshot', id: '200', user: 'root@pam', tokenid: 'sim', node: 'pve1' });
	});

	it('filters and pages the node task list and its logs', async () => {
		const all = await get('/nodes/pve1/tasks?limit=500');
		expect(all.total).toBe(all.data.length);
		expect(all.data.every((t: { node: string }) => t.node === 'pve1')).toBe(true);
		const vzdump = await get('/nodes/pve1/tasks?typefilter=vzdump&limit=2');
		expect(vzdump.data).toHaveLength(2);
		expect(vzdump.total).toBeGreaterThan(2);
		const errors = await get('/nodes/pve2/tasks?errors=1');
		// The seeded history holds one failed nightly run on pve2 (VM 103, three nights ago).
		expect(errors.data.map((t: { status: string }) => t.status)).toEqual(['start failed: QEMU exited with code 1', 'job errors']);
		const warnings = await get('/nodes/pve1/tasks?statusfilter=warning');
		expect(warnings.data.map((t: { status: string }) => t.status)).toEqual(['WARNINGS: 1']);
		const byVm = await get('/nodes/pve1/tasks?vmid=100');
		expect(byVm.data.every((t: { id: string }) => t.id === '100')).toBe(true);
		const upid = vzdump.data[0].upid;
		const log = await get(`/nodes/pve1/tasks/${encodeURIComponent(upid)}/log?start=1&limit=2`);
		expect(log.data).toEqual([expect.objectContaining({ n: 2 }), expect.objectContaining({ n: 3 })]);
		// A nightly run of three guests: full per-guest sections (see backupHistory.test.ts).
		expect(log.total).toBeGreaterThan(60);
	});

	it('stops a running task', async () => {
		const slow = await startProxmoxSimulator({ unauthorizedDelayMs: 0, taskSpeed: 0.5, taskStatusGraceMs: 0 });
		try {
			const r = await call(slow, 'POST', '/nodes/pve2/qemu/102/status/start', { token });
			const running = await call(slow, 'GET', `/nodes/pve2/tasks/${encodeURIComponent(r.json.data)}/status`, { token });
			expect(running.json.data.status).toBe('running');
			expect((await call(slow, 'DELETE', `/nodes/pve2/tasks/${encodeURIComponent(r.json.data)}`, { token })).status).toBe(200);
			const done = await waitTask(slow, token, r.json.data);
			expect(done.exitstatus).toBe('interrupted by signal');
		} finally {
			await slow.close();
		}
	});

	it('writes task starts and ends to the cluster log', async () => {
		const log = (await get('/cluster/log?max=20')).data;
		expect(log[0]).toEqual(expect.objectContaining({ node: expect.any(String), tag: 'pvedaemon', pri: expect.any(Number), id: expect.stringMatching(/^\d+:pve\d$/) }));
		expect(log.some((e: { msg: string }) => /^end task UPID:.* OK$/.test(e.msg))).toBe(true);
	});

	it('lists storages with usage and content, and fills a storage', async () => {
		const storages = (await get('/nodes/pve1/storage')).data;
		expect(storages.map((s: { storage: string }) => s.storage)).toEqual(['local', 'local-lvm', 'nfs-backup']);
		const isos = (await get('/nodes/pve1/storage/local/content?content=iso')).data;
		expect(isos[0]).toEqual({ volid: 'local:iso/debian-12.8.0-amd64-netinst.iso', content: 'iso', format: 'iso', size: 661651456, ctime: expect.any(Number) });
		const backups = (await get('/nodes/pve1/storage/nfs-backup/content?content=backup&vmid=101')).data;
		expect(backups[0]).toMatchObject({ content: 'backup', vmid: 101, subtype: 'qemu', format: 'vma.zst', notes: 'db01' });
		sim.control.fillStorage('pve1', 'local', 97);
		const local = (await get('/nodes/pve1/storage/local/status')).data;
		expect(local.used / local.total).toBeCloseTo(0.97, 2);
		expect(local.avail).toBe(local.total - local.used);
	});

	it('runs vzdump, creating archives and a realistic log; a failed backup ends in job errors', async () => {
		const r = await call(sim, 'POST', '/nodes/pve1/vzdump', { token, form: { vmid: '100', storage: 'nfs-backup', mode: 'snapshot', compress: 'zstd' } });
		const done = await waitTask(sim, token, r.json.data);
		expect(done).toMatchObject({ type: 'vzdump', id: '100', exitstatus: 'OK' });
		const log = (await get(`/nodes/pve1/tasks/${encodeURIComponent(r.json.data)}/log?limit=100`)).data.map((l: { t: string }) => l.t);
		expect(log[0]).toBe('INFO: starting new backup job: vzdump 100 --storage nfs-backup --mode snapshot --compress zstd --node pve1');
		expect(log).toContain('INFO: Starting Backup of VM 100 (qemu)');
		expect(log.at(-1)).toBe('TASK OK');
		const archives = (await get('/nodes/pve1/storage/nfs-backup/content?vmid=100')).data;
		expect(archives.some((v: { volid: string }) => /^nfs-backup:backup\/vzdump-qemu-100-\d{4}_\d\d_\d\d-\d\d_\d\d_\d\d\.vma\.zst$/.test(v.volid))).toBe(true);

		sim.control.failNextBackup(101, 'disk full');
		const f = await call(sim, 'POST', '/nodes/pve1/vzdump', { token, form: { vmid: '100,101', storage: 'nfs-backup' } });
		const failed = await waitTask(sim, token, f.json.data);
		expect(failed).toMatchObject({ id: '', exitstatus: 'job errors' });
		const flog = (await get(`/nodes/pve1/tasks/${encodeURIComponent(f.json.data)}/log?limit=100`)).data.map((l: { t: string }) => l.t);
		expect(flog).toContain('ERROR: Backup of VM 101 failed - disk full');
		// PVE >= 8.1 logs each notification target after the job summary line (VZDump.pm send_notification).
		expect(flog.slice(-3)).toEqual(['INFO: Backup job finished with errors', 'INFO: notified via target `mail-to-root`', 'TASK ERROR: job errors']);
	});

	it('manages backup jobs and runs one like the scheduler', async () => {
		const create = await call(sim, 'POST', '/cluster/backup', { token, form: { id: 'weekly-web', schedule: 'sun 02:00', storage: 'nfs-backup', vmid: '100,200', mode: 'snapshot' } });
		expect(create.status).toBe(200);
		expect((await get('/cluster/backup')).data.map((j: { id: string }) => j.id)).toEqual(['backup-daily', 'weekly-web']);
		const bad = await call(sim, 'POST', '/cluster/backup', { token, form: { id: 'bad', schedule: 'whenever!', storage: 'local', all: 1 } });
		expect(bad.json.errors.schedule).toMatch(/calendar event/);
		const upids = sim.control.runBackupJob('weekly-web');
		expect(upids).toHaveLength(1);
		expect((await waitTask(sim, token, upids[0])).exitstatus).toBe('OK');
	});

	it('answers host endpoints: disks, SMART, services, storage RRD, guests without backup', async () => {
		const disks = (await get('/nodes/pve1/disks/list')).data;
		expect(disks.map((d: { devpath: string }) => d.devpath)).toEqual(['/dev/nvme0n1', '/dev/nvme1n1']);
		expect((await get('/nodes/pve1/disks/smart?disk=/dev/nvme1n1')).data).toMatchObject({ health: 'PASSED', type: 'text' });
		const restart = await call(sim, 'POST', '/nodes/pve1/services/pveproxy/restart', { token });
		expect(restart.json.data).toMatch(/:srvrestart:pveproxy:root@pam!sim:$/);
		expect((await get('/nodes/pve1/storage/local/rrddata?timeframe=hour')).data).toHaveLength(70);
		expect((await get('/cluster/backup-info/not-backed-up')).data).toEqual([]);
		await call(sim, 'PUT', '/cluster/backup/backup-daily', { token, form: { enabled: 0 } });
		expect((await get('/cluster/backup-info/not-backed-up')).data).toContainEqual({ vmid: 104, type: 'qemu', name: 'win-rdp' });
		await call(sim, 'PUT', '/cluster/backup/backup-daily', { token, form: { enabled: 1 } });
	});

	it('reports HA, nextid, RRD data and node status', async () => {
		const ha = (await get('/cluster/ha/status/current')).data;
		expect(ha.find((e: { type: string }) => e.type === 'service')).toMatchObject({ sid: 'vm:101', state: 'started', node: 'pve1' });
		const rrd = (await get('/nodes/pve1/rrddata?timeframe=hour&cf=AVERAGE')).data;
		expect(rrd).toHaveLength(70);
		expect(rrd[1].time - rrd[0].time).toBe(60);
		expect(rrd[0]).toEqual(expect.objectContaining({ cpu: expect.any(Number), memused: expect.any(Number), netin: expect.any(Number) }));
		const vmRrd = (await get('/nodes/pve1/qemu/100/rrddata?timeframe=day')).data;
		expect(vmRrd[1].time - vmRrd[0].time).toBe(1800);
		const status = (await get('/nodes/pve1/status')).data;
		expect(status.pveversion).toMatch(/^pve-manager\/9\.1\./);
		expect(status.memory.total).toBeGreaterThan(status.memory.used);
	});
});

describe('PVE modes', () => {
	it('runs a standalone node and the PVE 8.4 schema', async () => {
		const sim = await startProxmoxSimulator({ nodes: ['pve'], pveVersion: 8, unauthorizedDelayMs: 0 });
		try {
			const status = (await call(sim, 'GET', '/cluster/status', { token })).json.data;
			expect(status).toEqual([{ type: 'node', id: 'node/pve', name: 'pve', nodeid: 0, ip: '10.0.0.11', online: 1, local: 1, level: '' }]);
			expect((await call(sim, 'GET', '/version', { token })).json.data.release).toBe('8.4');
			const login = (await call(sim, 'POST', '/access/ticket', { form: { username: 'root@pam', password: 'simulator' } })).json.data;
			expect(login.clustername).toBeUndefined();
			expect((await call(sim, 'GET', '/nodes/pve/qemu', { token })).json.data.length).toBeGreaterThan(3);
		} finally {
			await sim.close();
		}
	});

	it('starts empty', async () => {
		const sim = await startProxmoxSimulator({ seed: 'empty', unauthorizedDelayMs: 0 });
		try {
			expect((await call(sim, 'GET', '/cluster/resources?type=vm', { token })).json.data).toEqual([]);
		} finally {
			await sim.close();
		}
	});
});
