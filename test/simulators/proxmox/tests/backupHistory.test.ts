import { startProxmoxSimulator, type ProxmoxSimulator } from '../index';
import { decodeUpid } from '../core/upid';
import { call, pveToken, waitTask } from './rawClient';
import { receiver } from './receiver';

/**
 * Nightly vzdump runs as real clusters leave them. Sources: pve-manager `PVE/API2/VZDump.pm` (one worker per node,
 * task id only for a single guest), `PVE/VZDump.pm` (job lines, retention, notification with the guest table,
 * `job errors`), qemu-server `PVE/VZDump/QemuServer.pm` and pve-container `src/PVE/VZDump/LXC.pm` (per-guest
 * lines); compared line by line with recorded logs (Checkmk `tests/unit/cmk/plugins/proxmox_ve/special_agent/files/
 * proxmox_ve-backup-*.log`).
 */
describe('PVE backup history and vzdump logs', () => {
	let sim: ProxmoxSimulator;
	const token = pveToken();
	const get = async (path: string) => {
		const r = await call(sim, 'GET', path, { token });
		expect(r.status).toBe(200);
		return r.json;
	};
	const log = async (node: string, upid: string): Promise<string[]> => (await get(`/nodes/${node}/tasks/${encodeURIComponent(upid)}/log?limit=0`)).data.map((l: { t: string }) => l.t);
	beforeAll(async () => {
		sim = await startProxmoxSimulator({ unauthorizedDelayMs: 0, taskSpeed: 200 });
	});
	afterAll(() => sim.close());

	it('keeps one vzdump task per node and night, with an empty task id', async () => {
		for (const node of ['pve1', 'pve2', 'pve3']) {
			const tasks = (await get(`/nodes/${node}/tasks?typefilter=vzdump&limit=50`)).data;
			expect(tasks).toHaveLength(7);
			for (const t of tasks) {
				expect(t).toMatchObject({ type: 'vzdump', id: '', user: 'root@pam', node });
				expect(t.upid).toMatch(new RegExp(`^UPID:${node}:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:vzdump::root@pam:$`));
			}
			const nights = tasks.map((t: { starttime: number }) => new Date(t.starttime * 1000).toISOString().slice(11, 16));
			expect(new Set(nights)).toEqual(new Set(['21:00']));
		}
		// Per-guest task ids do not exist for scheduled runs: the vmid filter finds no backup of VM 100.
		expect((await get('/nodes/pve1/tasks?vmid=100&typefilter=vzdump')).data).toEqual([]);
	});

	it('writes full per-guest sections in the node task log', async () => {
		const [last] = (await get('/nodes/pve1/tasks?typefilter=vzdump&limit=1')).data;
		const lines = await log('pve1', last.upid);
		expect(lines[0]).toBe("INFO: starting new backup job: vzdump --all 1 --compress zstd --mode snapshot --notes-template '{{guestname}}' --notification-mode notification-system --prune-backups 'keep-daily=7,keep-weekly=4' --quiet 1 --storage nfs-backup");
		expect(lines[1]).toBe('INFO: skip external VMs: 102, 103, 104, 105, 201, 202, 203');
		const sections = lines.filter((l) => l.startsWith('INFO: Starting Backup of VM')).map((l) => l.slice(28));
		expect(sections).toEqual(['100 (qemu)', '101 (qemu)', '200 (lxc)']);
		const vm100 = lines.slice(lines.indexOf('INFO: Starting Backup of VM 100 (qemu)'), lines.findIndex((l) => l.startsWith('INFO: Backup finished at')) + 1);
		expect(vm100.length).toBeGreaterThanOrEqual(20);
		expect(vm100.slice(1, 8)).toEqual([
			expect.stringMatching(/^INFO: Backup started at \d{4}-\d\d-\d\d 21:00:0\d$/),
			'INFO: status = running',
			'INFO: VM Name: web01',
			"INFO: include disk 'scsi0' 'local-lvm:vm-100-disk-0' 32G",
			'INFO: backup mode: snapshot',
			'INFO: ionice priority: 7',
			expect.stringMatching(/^INFO: creating vzdump archive '\/mnt\/pve\/nfs-backup\/dump\/vzdump-qemu-100-\d{4}_\d\d_\d\d-21_00_0\d\.vma\.zst'$/),
		]);
		expect(vm100).toEqual(expect.arrayContaining(["INFO: issuing guest-agent 'fs-freeze' command", "INFO: issuing guest-agent 'fs-thaw' command", 'INFO: resuming VM again', 'INFO: adding notes to backup', 'INFO: prune older backups with retention: keep-daily=7, keep-weekly=4', 'INFO: pruned 0 backup(s)']));
		expect(vm100).toContainEqual(expect.stringMatching(/^INFO: +\d+% \([\d.]+ [KMG]iB of 32\.0 GiB\) in +(\d+m +)?\d+s, read: [\d.]+ [KMG]iB\/s, write: [\d.]+ [KMG]iB\/s$/));
		expect(vm100).toContainEqual(expect.stringMatching(/^INFO: transferred 32\.00 GiB in \d+ seconds \([\d.]+ MiB\/s\)$/));
		expect(vm100).toContainEqual(expect.stringMatching(/^INFO: archive file size: [\d.]+GB$/));
		expect(vm100).toContainEqual(expect.stringMatching(/^INFO: Finished Backup of VM 100 \(00:\d\d:\d\d\)$/));
		const ct = lines.slice(lines.indexOf('INFO: Starting Backup of VM 200 (lxc)'));
		expect(ct).toEqual(expect.arrayContaining(['INFO: CT Name: dns01', "INFO: including mount point rootfs ('/') in backup", "INFO: create storage snapshot 'vzdump'", "INFO: cleanup temporary 'vzdump' snapshot"]));
		expect(ct).toContainEqual(expect.stringMatching(/^INFO: Total bytes written: \d+ \([\d.]+GiB, \d+MiB\/s\)$/));
		expect(lines.slice(-3)).toEqual(['INFO: Backup job finished successfully', 'INFO: notified via target `mail-to-root`', 'TASK OK']);
	});

	it('includes a failed night: VM 103 timed out, the node task ended with job errors', async () => {
		const [failed] = (await get('/nodes/pve2/tasks?typefilter=vzdump&errors=1')).data;
		expect(failed).toMatchObject({ id: '', status: 'job errors' });
		const lines = await log('pve2', failed.upid);
		const i = lines.indexOf("ERROR: VM 103 qmp command 'backup' failed - got timeout");
		expect(lines.slice(i, i + 3)).toEqual(["ERROR: VM 103 qmp command 'backup' failed - got timeout", 'INFO: aborting backup job', "ERROR: Backup of VM 103 failed - VM 103 qmp command 'backup' failed - got timeout"]);
		expect(lines[i + 3]).toMatch(/^INFO: Failed at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
		// The other guests of that node were backed up that night.
		expect(lines.filter((l) => /^INFO: Finished Backup of VM (102|201|202) /.test(l))).toHaveLength(3);
		expect(lines.slice(-3)).toEqual(['INFO: Backup job finished with errors', 'INFO: notified via target `mail-to-root`', 'TASK ERROR: job errors']);
		// The cluster log has the start and the failed end of that task.
		const clusterLog = (await get('/cluster/log?max=500')).data.map((e: { msg: string }) => e.msg);
		expect(clusterLog).toContain(`end task ${failed.upid} job errors`);
	});

	it('answers "last backup of VM X" from storage content and from the node task log', async () => {
		const content = (await get('/nodes/pve2/storage/nfs-backup/content?content=backup&vmid=103')).data;
		expect(content).toHaveLength(6);
		const newest = content.reduce((a: { ctime: number }, b: { ctime: number }) => (b.ctime > a.ctime ? b : a));
		expect(newest).toMatchObject({ vmid: 103, subtype: 'qemu', format: 'vma.zst', notes: 'app01' });
		expect((await get('/nodes/pve1/storage/nfs-backup/content?content=backup&vmid=100')).data).toHaveLength(7);
		// The same archive, found by parsing the newest node task log of the guest's node.
		const [last] = (await get('/nodes/pve2/tasks?typefilter=vzdump&limit=1')).data;
		const lines = await log('pve2', last.upid);
		const start = lines.indexOf('INFO: Starting Backup of VM 103 (qemu)');
		const section = lines.slice(start, lines.findIndex((l, n) => n > start && l.startsWith('INFO: Backup finished at')) + 1);
		const archive = /creating vzdump archive '.*\/dump\/(.*)'$/.exec(section.find((l) => l.includes('creating vzdump archive')) as string)?.[1];
		expect(newest.volid).toBe(`nfs-backup:backup/${archive}`);
		expect(section.at(-2)).toMatch(/^INFO: Finished Backup of VM 103 \(\d\d:\d\d:\d\d\)$/);
	});

	it('sends a notification whose guest table matches the task log of the run', async () => {
		const hook = await receiver();
		try {
			const body = Buffer.from('{{ json message }}').toString('base64');
			await call(sim, 'POST', '/cluster/notifications/endpoints/webhook', { token, form: { name: 'table', method: 'post', url: `${hook.url}/vzdump`, body } });
			await call(sim, 'POST', '/cluster/notifications/matchers', { token, form: { name: 'all-backups', target: 'table', 'match-field': 'exact:type=vzdump' } });
			sim.control.failNextBackup(101, 'vma_queue_write: write error - Broken pipe');
			const next = hook.next();
			const [upid] = sim.control.runBackupJob('backup-daily').filter((u) => u.includes(':pve1:'));
			expect(decodeUpid('pve', upid)).toMatchObject({ type: 'vzdump', id: '' });
			const done = await waitTask(sim, token, upid);
			expect(done.exitstatus).toBe('job errors');
			const message: string = JSON.parse((await next).body);
			expect(message.startsWith('vma_queue_write: write error - Broken pipe\n\nDetails\n=======\nVMID')).toBe(true);
			const table = message.split('Details\n=======\n')[1].split('\n\n')[0].split('\n');
			expect(table[0]).toMatch(/^VMID +Name +Status +Time +Size +Filename$/);
			expect(table.slice(1).map((r) => r.split(/ +/).slice(0, 3))).toEqual([['100', 'web01', 'ok'], ['101', 'db01', 'err'], ['200', 'dns01', 'ok']]);
			expect(table[1]).toMatch(/\/mnt\/pve\/nfs-backup\/dump\/vzdump-qemu-100-\S+\.vma\.zst$/);
			expect(message).toMatch(/\nTotal running time: (\d+m )?\d+s\nTotal size: [\d.]+ GiB\n\nLogs\n====\nINFO: starting new backup job/);
			const lines = await log('pve1', upid);
			for (const [vmid, status] of [['100', 'ok'], ['101', 'err'], ['200', 'ok']]) {
				expect(lines.some((l) => l.startsWith(status === 'ok' ? `INFO: Finished Backup of VM ${vmid} ` : `ERROR: Backup of VM ${vmid} failed`))).toBe(true);
			}
			expect(message).toContain('ERROR: Backup of VM 101 failed - vma_queue_write: write error - Broken pipe');
		} finally {
			await new Promise((r) => hook.server.close(r));
		}
	});
});
