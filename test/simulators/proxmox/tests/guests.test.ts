import { startProxmoxSimulator, type ProxmoxSimulator } from '../index';
import { call, pveToken, waitTask } from './rawClient';

describe('PVE guests', () => {
	let sim: ProxmoxSimulator;
	const token = pveToken();
	const get = async (path: string) => (await call(sim, 'GET', path, { token })).json.data;
	const post = (path: string, form: Record<string, string | number> = {}) => call(sim, 'POST', path, { token, form });
	const run = async (method: string, path: string, form: Record<string, string | number> = {}) => {
		const r = await call(sim, method, path, { token, form });
		expect(r.status).toBe(200);
		return waitTask(sim, token, r.json.data);
	};
	beforeAll(async () => {
		sim = await startProxmoxSimulator({ unauthorizedDelayMs: 0, taskSpeed: 200 });
	});
	afterAll(() => sim.close());

	it('creates a VM with allocated disks, then clones, templates and destroys', async () => {
		const nextid = await get('/cluster/nextid');
		expect(nextid).toBe('106');
		const done = await run('POST', '/nodes/pve1/qemu', { vmid: 110, name: 'new-vm', memory: 2048, cores: 2, net0: 'virtio,bridge=vmbr0', scsi0: 'local-lvm:16', ostype: 'l26' });
		expect(done.exitstatus).toBe('OK');
		const config = await get('/nodes/pve1/qemu/110/config');
		expect(config.scsi0).toBe('local-lvm:vm-110-disk-0,size=16G');
		expect(config.digest).toMatch(/^[0-9a-f]{40}$/);
		const dup = await post('/nodes/pve2/qemu', { vmid: 110 });
		expect(dup.status).toBe(500);
		expect(dup.reason).toBe("unable to create VM 110 - VM 110 already exists on node 'pve1'");

		expect((await run('POST', '/nodes/pve1/qemu/110/clone', { newid: 111, name: 'clone-vm', full: 1 })).exitstatus).toBe('OK');
		expect((await get('/nodes/pve1/qemu/111/config')).name).toBe('clone-vm');

		expect((await run('POST', '/nodes/pve1/qemu/110/template')).exitstatus).toBe('OK');
		expect((await get('/nodes/pve1/qemu/110/config')).template).toBe(1);
		const start = await run('POST', '/nodes/pve1/qemu/110/status/start');
		expect(start.exitstatus).toBe("you can't start a vm if it's a template");
		expect((await get('/nodes/pve1/qemu/110/status/current')).status).toBe('stopped');

		expect((await run('DELETE', '/nodes/pve1/qemu/111')).exitstatus).toBe('OK');
		const gone = await call(sim, 'GET', '/nodes/pve1/qemu/111/config', { token });
		expect([gone.status, gone.reason]).toEqual([500, "Configuration file 'nodes/pve1/qemu-server/111.conf' does not exist"]);
	});

	it('runs the power actions as tasks with real UPIDs and exit statuses', async () => {
		const r = await post('/nodes/pve1/qemu/100/status/shutdown');
		expect(r.json.data).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:qmshutdown:100:root@pam!sim:$/);
		expect((await waitTask(sim, token, r.json.data)).exitstatus).toBe('OK');
		expect((await get('/nodes/pve1/qemu/100/status/current')).qmpstatus).toBe('stopped');
		const again = await post('/nodes/pve1/qemu/100/status/shutdown');
		expect([again.status, again.reason]).toEqual([500, 'VM 100 not running']);
		expect((await run('POST', '/nodes/pve1/qemu/100/status/start')).exitstatus).toBe('OK');
		const twice = await run('POST', '/nodes/pve1/qemu/100/status/start');
		expect(twice.exitstatus).toBe('VM 100 already running');
		await run('POST', '/nodes/pve1/qemu/100/status/suspend');
		expect((await get('/nodes/pve1/qemu/100/status/current')).qmpstatus).toBe('paused');
		await run('POST', '/nodes/pve1/qemu/100/status/resume');
		expect((await get('/nodes/pve1/qemu/100/status/current')).qmpstatus).toBe('running');
		expect((await run('POST', '/nodes/pve1/lxc/200/status/reboot')).exitstatus).toBe('OK');
	});

	it('keeps non-hotpluggable changes pending on a running VM and checks the digest', async () => {
		const before = await get('/nodes/pve1/qemu/101/config');
		const put = await call(sim, 'PUT', '/nodes/pve1/qemu/101/config', { token, form: { cores: 8, description: 'primary db', digest: before.digest } });
		expect(put.status).toBe(200);
		const current = await get('/nodes/pve1/qemu/101/config?current=1');
		expect(current.cores).toBe(4);
		expect(current.description).toBe('primary db');
		const pending = await get('/nodes/pve1/qemu/101/pending');
		expect(pending.find((p: { key: string }) => p.key === 'cores')).toEqual({ key: 'cores', value: 4, pending: 8 });
		const stale = await call(sim, 'PUT', '/nodes/pve1/qemu/101/config', { token, form: { name: 'x', digest: before.digest } });
		expect([stale.status, stale.reason]).toEqual([500, 'detected modified configuration - file changed by other user? Try again.']);
		sim.control.lockGuest(101, 'backup');
		const locked = await call(sim, 'PUT', '/nodes/pve1/qemu/101/config', { token, form: { name: 'x' } });
		expect(locked.reason).toBe('VM 101 is locked (backup)');
		sim.control.lockGuest(101, null);
	});

	it('snapshots, rolls back and deletes snapshots', async () => {
		expect((await run('POST', '/nodes/pve1/qemu/101/snapshot', { snapname: 'pre-change', description: 'before change' })).exitstatus).toBe('OK');
		await call(sim, 'PUT', '/nodes/pve1/qemu/101/config', { token, form: { name: 'renamed' } });
		const list = await get('/nodes/pve1/qemu/101/snapshot');
		expect(list.map((s: { name: string }) => s.name)).toEqual(['before-upgrade', 'pre-change', 'current']);
		expect(list[2]).toEqual({ name: 'current', description: 'You are here!', running: 1, parent: 'pre-change', digest: expect.stringMatching(/^[0-9a-f]{40}$/) });
		expect(list[1].parent).toBe('before-upgrade');
		const dup = await post('/nodes/pve1/qemu/101/snapshot', { snapname: 'pre-change' });
		expect(dup.reason).toBe("snapshot name 'pre-change' already used");
		expect((await run('POST', '/nodes/pve1/qemu/101/snapshot/pre-change/rollback')).exitstatus).toBe('OK');
		expect((await get('/nodes/pve1/qemu/101/config')).name).toBe('db01');
		expect((await run('DELETE', '/nodes/pve1/qemu/101/snapshot/pre-change')).exitstatus).toBe('OK');
		expect((await get('/nodes/pve1/qemu/101/snapshot')).map((s: { name: string }) => s.name)).toEqual(['before-upgrade', 'current']);
	});

	it('migrates, resizes and refuses an online-less migration of a running guest', async () => {
		const refused = await post('/nodes/pve2/qemu/103/migrate', { target: 'pve3' });
		expect(refused.reason).toBe("can't migrate running VM without --online");
		const m = await run('POST', '/nodes/pve2/qemu/103/migrate', { target: 'pve3', online: 1 });
		expect(m.exitstatus).toBe('OK');
		expect((await get('/nodes/pve3/qemu')).map((g: { vmid: number }) => g.vmid)).toContain(103);
		expect((await run('PUT', '/nodes/pve3/qemu/103/resize', { disk: 'scsi0', size: '+8G' })).exitstatus).toBe('OK');
		expect((await get('/nodes/pve3/qemu/103/config')).scsi0).toContain('size=40G');
	});

	it('creates and starts an LXC container from a template', async () => {
		const done = await run('POST', '/nodes/pve2/lxc', { vmid: 210, ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', hostname: 'ct-new', rootfs: 'local-lvm:8', memory: 512, net0: 'name=eth0,bridge=vmbr0,ip=dhcp', start: 1 });
		expect(done.exitstatus).toBe('OK');
		const status = await get('/nodes/pve2/lxc/210/status/current');
		expect(status).toMatchObject({ status: 'running', type: 'lxc', name: 'ct-new' });
		const missing = await run('POST', '/nodes/pve2/lxc', { vmid: 211, ostemplate: 'local:vztmpl/none.tar.zst' });
		expect(missing.exitstatus).toBe("volume 'local:vztmpl/none.tar.zst' does not exist");
	});

	it('restores a backup as a new guest and over an existing stopped one (force)', async () => {
		const backups = (await get('/nodes/pve2/storage/nfs-backup/content?content=backup&vmid=202'));
		const volid = backups[0].volid;
		const refused = await post('/nodes/pve2/lxc', { vmid: 202, ostemplate: volid, restore: 1 });
		expect([refused.status, refused.reason]).toEqual([500, "CT 202 already exists on node 'pve2'"]);
		const over = await run('POST', '/nodes/pve2/lxc', { vmid: 202, ostemplate: volid, restore: 1, force: 1 });
		expect(over).toMatchObject({ type: 'vzrestore', id: '202', exitstatus: 'OK' });
		expect((await get('/nodes/pve2/lxc/202/config')).hostname).toBe('test-ct');
		const vmBackup = (await get('/nodes/pve1/storage/nfs-backup/content?content=backup&vmid=100'))[0].volid;
		const fresh = await run('POST', '/nodes/pve3/qemu', { vmid: 150, archive: vmBackup, storage: 'local-lvm', start: 1 });
		expect(fresh).toMatchObject({ type: 'qmrestore', exitstatus: 'OK' });
		expect(await get('/nodes/pve3/qemu/150/status/current')).toMatchObject({ status: 'running', name: 'web01' });
		const running = await post('/nodes/pve3/qemu', { vmid: 150, archive: vmBackup, force: 1 });
		expect(running.reason).toBe('unable to restore VM 150 - VM 150 is running');
	});

	it('talks to the guest agent only when it runs', async () => {
		expect((await post('/nodes/pve1/qemu/100/agent/ping')).json.data).toEqual({ result: {} });
		const exec = await call(sim, 'POST', '/nodes/pve1/qemu/100/agent/exec', { token, form: { command: ['cat', '/etc/hostname'] } });
		const pid = exec.json.data.pid;
		let st = await get(`/nodes/pve1/qemu/100/agent/exec-status?pid=${pid}`);
		while (!st.exited) st = await get(`/nodes/pve1/qemu/100/agent/exec-status?pid=${pid}`);
		expect(st).toEqual({ exited: 1, exitcode: 0, 'out-data': 'web01\n' });
		expect((await get('/nodes/pve1/qemu/100/agent/file-read?file=/etc/os-release')).content).toContain('Debian');
		const stopped = await post('/nodes/pve2/qemu/102/agent/ping');
		expect([stopped.status, stopped.reason]).toEqual([500, 'VM 102 is not running']);
		const noAgent = await post('/nodes/pve3/qemu/104/agent/ping');
		expect(noAgent.reason).toBe('VM 104 is not running');
	});

	it('reports a guest stopped unexpectedly', async () => {
		sim.control.stopGuestUnexpectedly(105);
		expect((await get('/nodes/pve3/qemu/105/status/current')).status).toBe('stopped');
		const syslog = await get('/nodes/pve3/syslog?limit=500');
		expect(syslog.some((l: { t: string }) => l.t.includes('kvm: terminating on signal 9'))).toBe(true);
	});
});

describe('HA reactions', () => {
	let sim: ProxmoxSimulator;
	const token = pveToken();
	beforeAll(async () => {
		sim = await startProxmoxSimulator({ unauthorizedDelayMs: 0, taskSpeed: 1000, taskStatusGraceMs: 0 });
	});
	afterAll(() => sim.close());

	/** Polls until `check` holds; a generous deadline, since the machine may be busy. */
	const until = async (check: () => Promise<boolean> | boolean, timeoutMs = 20_000) => {
		const deadline = Date.now() + timeoutMs;
		while (!(await check())) {
			if (Date.now() > deadline) throw new Error('condition not met in time');
			await new Promise((r) => setTimeout(r, 10));
		}
	};

	it('restarts an HA guest that stopped unexpectedly', async () => {
		// The LRM restarts it 10 ms later at this task speed: hold that reaction while looking at the crash.
		const release = sim.control.holdTimers();
		try {
			sim.control.stopGuestUnexpectedly(101);
			expect((await call(sim, 'GET', '/nodes/pve1/qemu/101/status/current', { token })).json.data.status).toBe('stopped');
		} finally {
			release();
		}
		await until(async () => (await call(sim, 'GET', '/nodes/pve1/qemu/101/status/current', { token })).json.data.status === 'running');
		expect((await call(sim, 'GET', '/nodes/pve1/qemu/101/status/current', { token })).json.data.status).toBe('running');
	});

	it('fences a lost node and recovers its HA guests elsewhere, sending a fencing notification', async () => {
		// Fencing follows 120 ms later at this task speed: hold it while reading the HA status.
		const release = sim.control.holdTimers();
		try {
			sim.control.takeNodeOffline('pve1');
			const ha = (await call(sim, 'GET', '/cluster/ha/status/current', { token })).json.data;
			expect(ha.find((e: { sid?: string }) => e.sid === 'vm:101').state).toBe('fence');
		} finally {
			release();
		}
		const nodeOf101 = () => (sim.control.getState().guests as Array<{ vmid: number; node: string }>).find((g) => g.vmid === 101)?.node;
		await until(() => nodeOf101() !== 'pve1');
		const moved = (sim.control.getState().guests as Array<{ vmid: number; node: string; status: string }>).find((g) => g.vmid === 101);
		expect(moved).toMatchObject({ node: 'pve2', status: 'running' });
		// The notification goes out while the guests recover: wait for its delivery to be recorded.
		const titles = () => (sim.control.getState().notificationsSent as Array<{ title: string }>).map((n) => n.title);
		await until(() => titles().includes("Successfully fenced node 'pve1'"));
		expect(titles()).toContain("Successfully fenced node 'pve1'");
		sim.control.bringNodeOnline('pve1');
	});
});
