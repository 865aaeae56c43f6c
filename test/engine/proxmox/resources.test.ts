/** Engine tests of the Container, Node, Cluster, Task, Storage and Backup resources against the simulator. */
import type { IDataObject, INodeListSearchResult, INodeType } from 'n8n-workflow';

import { callNodeMethod, registerNodeType, runNode, runWorkflow, START_NODE_TYPE } from '../../helpers/engine';
import type { ProxmoxSimulator } from '../../simulators/proxmox';
import { locator, NODE, startSim, stopSim, tokenCredentials } from './setup';

let sim: ProxmoxSimulator;
let credentials: ReturnType<typeof tokenCredentials>;
beforeAll(async () => {
	sim = await startSim();
	credentials = tokenCredentials(sim);
});
afterAll(async () => await stopSim(sim));

const run = (resource: string, operation: string, parameters: Record<string, unknown> = {}, options: Record<string, unknown> = {}) =>
	runNode(NODE, { resource, operation, ...parameters } as never, { credentials, ...options });
const json = (items: Array<{ json: IDataObject }>) => items.map((i) => i.json);

describe('Container', () => {
	it('lists containers and gets one with config', async () => {
		const list = json(await run('container', 'getMany', { returnAll: true }));
		expect(list.map((c) => c.vmid)).toEqual(expect.arrayContaining([200, 201, 202, 203]));
		expect(list.every((c) => c.type === 'lxc')).toBe(true);
		const [ct] = json(await run('container', 'get', { guest: locator('dns01', 'name') }));
		expect(ct).toMatchObject({ vmid: 200, node: 'pve1', status: 'running' });
		expect((ct.config as IDataObject).hostname).toBe('dns01');
	});

	it('creates from a template, snapshots, starts, reboots, stops and deletes', async () => {
		const [created] = json(
			await run('container', 'create', {
				node: locator('pve2', 'name'),
				newVmid: 0,
				ostemplate: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst',
				hostname: 'n8n-ct',
				rootfs: 'local-lvm:4',
				rootPassword: 'ct-secret-password',
			}),
		);
		expect(created.success).toBe(true);
		const vmid = Number(created.vmid);
		expect(JSON.stringify(created)).not.toContain('ct-secret-password');
		const [snap] = json(await run('container', 'createSnapshot', { guest: locator(vmid), snapname: 'clean' }));
		expect(snap.success).toBe(true);
		expect(json(await run('container', 'getSnapshots', { guest: locator(vmid) })).map((s) => s.name)).toContain('clean');
		for (const op of ['start', 'reboot', 'suspend', 'resume', 'stop']) {
			const [result] = json(await run('container', op, { guest: locator(vmid), allowDestructiveFromAi: true }));
			expect(result).toMatchObject({ success: true, vmid });
		}
		const [started] = json(await run('container', 'start', { guest: locator(vmid) }));
		expect(started.success).toBe(true);
		const [down] = json(await run('container', 'shutdown', { guest: locator(vmid), shutdownTimeout: 30 }));
		expect(down.success).toBe(true);
		const [rolled] = json(await run('container', 'rollbackSnapshot', { guest: locator(vmid), snapshot: locator('clean', 'name') }));
		expect(rolled.success).toBe(true);
		const [removed] = json(await run('container', 'deleteSnapshot', { guest: locator(vmid), snapshot: locator('clean', 'name') }));
		expect(removed).toMatchObject({ vmid, success: true, exitStatus: 'OK', taskType: 'vzdelsnapshot' });
		expect(json(await run('container', 'getSnapshots', { guest: locator(vmid) })).map((s) => s.name)).toEqual(['current']);
		const [deleted] = json(await run('container', 'delete', { guest: locator(vmid), purge: true }));
		expect(deleted.success).toBe(true);
	});

	it('migrates a running container in restart mode and reads its metrics', async () => {
		const [moved] = json(await run('container', 'migrate', { guest: locator(203), target: 'pve1', restart: true }));
		expect(moved.success).toBe(true);
		const [after] = json(await run('container', 'get', { guest: locator(203) }));
		expect(after.node).toBe('pve1');
		const metrics = json(await run('container', 'getMetrics', { guest: locator(203), timeframe: 'day', cf: 'MAX' }));
		expect(metrics.length).toBeGreaterThan(0);
	});

	it('clones a container and resizes its root disk', async () => {
		const [clone] = json(await run('container', 'clone', { guest: locator(202), newVmid: 0, cloneName: 'ct-clone', full: true }));
		expect(clone.success).toBe(true);
		const vmid = Number(clone.vmid);
		const rootfs = async () => String(((json(await run('container', 'get', { guest: locator(vmid) }))[0].config as IDataObject).rootfs));
		expect(await rootfs()).toMatch(/,size=8G$/);
		const [resized] = json(await run('container', 'resize', { guest: locator(vmid), disk: 'rootfs', size: '+1G' }));
		expect(resized).toMatchObject({ vmid, success: true });
		expect(await rootfs()).toMatch(/,size=9G$/);
		const [config] = json(await run('container', 'updateConfig', { guest: locator(vmid), extraParameters: { parameter: [{ name: 'cores', value: '2' }] }, deleteOptions: '' }));
		expect(String((config.config as IDataObject).cores)).toBe('2');
		const [template] = json(await run('container', 'convertToTemplate', { guest: locator(vmid) }));
		expect(template.vmid).toBe(vmid);
		await run('container', 'delete', { guest: locator(vmid) });
	});

	it('lists guests, nodes, storages, snapshots and backups for the editor\'s dropdowns', async () => {
		const list = async (name: string, parameters: Record<string, unknown> = {}, filter?: string) =>
			((await callNodeMethod(NODE, 'listSearch', name, parameters as never, { credentials, filter })) as INodeListSearchResult).results;
		const vms = await list('searchVms', {}, 'web');
		expect(vms[0]).toMatchObject({ value: '100' });
		expect(vms[0].name).toMatch(/^web01 \(100, VM, running on pve1\)$/);
		expect((await list('searchContainers')).map((c) => c.value)).toEqual(expect.arrayContaining(['200', '201']));
		expect((await list('searchNodes')).map((n) => n.value)).toEqual(['pve1', 'pve2', 'pve3']);
		expect((await list('searchStorages', { resource: 'storage', operation: 'getStatus', node: locator('pve1') })).map((s) => s.value)).toEqual(expect.arrayContaining(['local', 'local-lvm', 'nfs-backup']));
		expect((await list('searchSnapshots', { resource: 'vm', operation: 'rollbackSnapshot', guest: locator(101) })).map((s) => s.value)).toContain('before-upgrade');
		const backups = await list('searchBackups', { resource: 'backup', operation: 'restore', node: locator('pve1'), storage: locator('nfs-backup') });
		expect(backups.length).toBeGreaterThan(0);
		expect(String(backups[0].value)).toMatch(/^nfs-backup:backup\/vzdump-/);
		const jobs = await list('searchBackupJobs', { resource: 'cluster', operation: 'runBackupJob' }, 'daily');
		expect(jobs.map((j) => j.value)).toEqual(['backup-daily']);
		expect(jobs[0].name).toMatch(/^backup-daily: .+ to \S+/);
	});
});

describe('Node', () => {
	it('lists nodes and reads status, metrics, services, network', async () => {
		const nodes = json(await run('node', 'getMany'));
		expect(nodes.map((n) => n.node)).toEqual(['pve1', 'pve2', 'pve3']);
		const [status] = json(await run('node', 'getStatus', { node: locator('pve1') }));
		expect(status.node).toBe('pve1');
		expect(status.memory).toBeDefined();
		const rrd = json(await run('node', 'getMetrics', { node: locator('pve1'), timeframe: 'hour', cf: 'AVERAGE' }));
		expect(rrd.length).toBeGreaterThan(10);
		const services = json(await run('node', 'getServices', { node: locator('pve1') }));
		expect(services.length).toBeGreaterThan(0);
		const network = json(await run('node', 'getNetwork', { node: locator('pve1') }));
		expect(network.length).toBeGreaterThan(0);
	});

	it('reads the syslog and the journal', async () => {
		const [syslog] = json(await run('node', 'getSyslog', { node: locator('pve1'), logSource: 'syslog', maxLines: 20 }));
		expect(syslog.source).toBe('syslog');
		expect(typeof syslog.log).toBe('string');
		const [journal] = json(await run('node', 'getSyslog', { node: locator('pve1'), logSource: 'journal', maxLines: 20 }));
		expect(journal.source).toBe('journal');
	});

	it('lists disks with SMART data and available updates', async () => {
		const disks = json(await run('node', 'getDisks', { node: locator('pve1'), includeSmart: true }));
		expect(disks.length).toBeGreaterThan(0);
		for (const disk of disks) {
			expect(disk.smartError).toBeUndefined();
			expect(disk.smart).toMatchObject({ health: 'PASSED', type: 'text' });
		}
		const updates = json(await run('node', 'getUpdates', { node: locator('pve1') }));
		expect(updates.map((u) => [u.Package, u.OldVersion, u.Version])).toEqual([
			['pve-manager', '9.1.1', '9.1.2'],
			['proxmox-kernel-6.17', '6.17.2-1', '6.17.2-2'],
			['openssl', '3.5.1-1', '3.5.1-1+deb13u1'],
		]);
	});

	it('restarts a service and waits for the task', async () => {
		const [result] = json(await run('node', 'restartService', { node: locator('pve1'), service: 'pvestatd' }));
		expect(result).toMatchObject({ node: 'pve1', service: 'pvestatd', success: true });
		expect(String(result.upid)).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:srvrestart:pvestatd:root@pam!sim:$/);
	});

	it('forecasts when storages get full', async () => {
		sim.control.fillStorage('pve1', 'local', 90);
		const forecast = json(await run('node', 'getStorageForecast', { node: locator('pve1'), history: 'week' }));
		// Every active storage of pve1, soonest full first: the filled one is full now.
		expect(forecast.map((entry) => entry.storage)).toEqual(['local', 'nfs-backup', 'local-lvm']);
		expect(forecast[0]).toMatchObject({ node: 'pve1', storage: 'local', type: 'dir', daysUntilFull: 0, points: 70 });
		for (const entry of forecast.slice(1)) {
			expect(entry.points).toBe(70);
			expect(entry.growthBytesPerDay).toBeGreaterThan(0);
			expect(entry.daysUntilFull).toBeGreaterThan(0);
			expect(Date.parse(String(entry.fullAt))).toBeGreaterThan(Date.now());
		}
		expect(Number(forecast[1].daysUntilFull)).toBeLessThan(Number(forecast[2].daysUntilFull));
	});
});

describe('Cluster', () => {
	it('reads status, resources, log, recent tasks, next VMID and HA status', async () => {
		const status = json(await run('cluster', 'getStatus'));
		const cluster = status.find((s) => s.type === 'cluster');
		expect(cluster).toMatchObject({ name: 'simcluster', quorate: true });
		expect(status.filter((s) => s.type === 'node').every((n) => typeof n.online === 'boolean')).toBe(true);
		const storages = json(await run('cluster', 'getResources', { resourceType: 'storage' }));
		expect(storages.every((s) => s.type === 'storage')).toBe(true);
		expect(json(await run('cluster', 'getLog', { max: 10 })).length).toBeGreaterThan(0);
		// A task just run shows in the cluster's recent tasks once pvestatd's cache is refreshed.
		const [snapshot] = json(await run('vm', 'createSnapshot', { guest: locator(103), snapname: 'recent_tasks' }));
		sim.control.refreshStats();
		const tasks = json(await run('cluster', 'getTasks'));
		expect(tasks.find((t) => t.upid === snapshot.upid)).toMatchObject({ type: 'qmsnapshot', id: '103', node: 'pve2', status: 'OK' });
		const [next] = json(await run('cluster', 'getNextId'));
		expect(typeof next.vmid).toBe('number');
		expect(json(await run('cluster', 'getHaStatus')).length).toBeGreaterThan(0);
	});

	it('updating a disabled backup job keeps it disabled unless Enabled says otherwise; the storage comes from the editor\'s list', async () => {
		const [job] = json(await run('cluster', 'createBackupJob', { schedule: 'sat 04:00', jobStorage: locator('nfs-backup', 'list'), selection: 'vmid', vmids: '100', enabled: false }));
		const id = String(job.id);
		expect(job).toMatchObject({ storage: 'nfs-backup' });
		expect([0, false]).toContain(job.enabled);
		try {
			const [kept] = json(await run('cluster', 'updateBackupJob', { jobId: id, schedule: 'sun 04:00' }));
			expect(kept.schedule).toBe('sun 04:00');
			expect([0, false]).toContain(kept.enabled);
			const [enabled] = json(await run('cluster', 'updateBackupJob', { jobId: locator(id, 'list'), enabled: 'yes' }));
			expect([1, true, undefined]).toContain(enabled.enabled);
		} finally {
			await run('cluster', 'deleteBackupJob', { jobId: id });
		}
	});

	it('manages backup jobs: create, update, run now, delete; lists guests without a job', async () => {
		const [job] = json(await run('cluster', 'createBackupJob', { schedule: 'sat 02:30', jobStorage: 'nfs-backup', selection: 'vmid', vmids: '100,203', mode: 'snapshot', comment: 'n8n' }));
		expect(job.id).toBeDefined();
		const id = String(job.id);
		const [updated] = json(await run('cluster', 'updateBackupJob', { jobId: id, schedule: 'sun 03:00', selection: 'keep', mode: '' }));
		expect(updated.schedule).toBe('sun 03:00');
		expect(json(await run('cluster', 'getBackupJobs')).some((j) => j.id === id)).toBe(true);
		const runs = json(await run('cluster', 'runBackupJob', { jobId: id }));
		expect(runs.length).toBeGreaterThan(0);
		expect(runs.every((r) => r.success === true)).toBe(true);
		// backup-daily covers every guest; with it disabled only our job (100, 203) covers any.
		expect(json(await run('cluster', 'getNotBackedUp'))).toEqual([]);
		await run('apiCall', 'request', { endpoint: locator('PUT /cluster/backup/backup-daily', 'path'), parameters: '{"enabled": 0}' });
		try {
			const uncovered = json(await run('cluster', 'getNotBackedUp'));
			const vmids = uncovered.map((g) => g.vmid);
			expect(vmids).toEqual(expect.arrayContaining([101, 102, 103, 104, 105, 200, 201, 202]));
			expect(vmids).not.toContain(100);
			expect(vmids).not.toContain(203);
			expect(vmids).not.toContain(9000);
			expect(uncovered.find((g) => g.vmid === 101)).toEqual({ vmid: 101, type: 'qemu', name: 'db01' });
		} finally {
			await run('apiCall', 'request', { endpoint: locator('PUT /cluster/backup/backup-daily', 'path'), parameters: '{"enabled": 1}' });
		}
		const [deleted] = json(await run('cluster', 'deleteBackupJob', { jobId: id }));
		expect(deleted.deleted).toBe(true);
	});
});

describe('Task', () => {
	it('lists, gets, reads the log of and waits for a task', async () => {
		const [started] = json(await run('vm', 'createSnapshot', { guest: locator(103), snapname: 'task_test', waitForCompletion: false }));
		const upid = String(started.upid);
		const [waited] = json(await run('task', 'wait', { upid, timeout: 30 }));
		expect(waited).toMatchObject({ success: true, exitStatus: 'OK', node: 'pve2' });
		const [status] = json(await run('task', 'get', { upid }));
		expect(status).toMatchObject({ status: 'stopped', exitstatus: 'OK', success: true });
		const [log] = json(await run('task', 'getLog', { upid, part: 'tail', lineCount: 5 }));
		expect(String(log.log)).toMatch(/TASK OK/);
		const [range] = json(await run('task', 'getLog', { upid, part: 'range', start: 0, lineCount: 2 }));
		expect(range.lines).toBe(2);
		const nodeTasks = json(await run('task', 'getMany', { scope: 'node', node: locator('pve2'), returnAll: true, taskFilters: { typefilter: 'qmsnapshot' } }));
		expect(nodeTasks.some((t) => t.upid === upid)).toBe(true);
		sim.control.refreshStats();
		const clusterTasks = json(await run('task', 'getMany', { scope: 'cluster', returnAll: true }));
		expect(clusterTasks.length).toBeGreaterThan(0);
	});

	it('rejects a malformed UPID before sending anything', async () => {
		await expect(run('task', 'get', { upid: 'not-a-upid' })).rejects.toThrow(/is not a Proxmox task ID/);
	});

	it('stops a running task', async () => {
		const [started] = json(await run('backup', 'runNow', { selection: 'vmid', vmids: '101', backupStorage: 'nfs-backup', waitForCompletion: false }));
		const [stopped] = json(await run('task', 'stop', { upid: started.upid, allowDestructiveFromAi: true }));
		expect(stopped.stopRequested).toBe(true);
		const [waited] = await runNode(NODE, { resource: 'task', operation: 'wait', upid: started.upid, timeout: 30 } as never, { credentials, continueOnFail: true });
		expect(waited.json.error).toBe('Task vzdump 101 failed: interrupted by signal');
		expect(waited.json.task).toMatchObject({ status: 'stopped', success: false, exitStatus: 'interrupted by signal' });
	});
});

describe('Storage', () => {
	it('lists storages by content type, status and content', async () => {
		const storages = json(await run('storage', 'getMany', { node: locator('pve1'), content: 'backup' }));
		expect(storages.map((s) => s.storage)).toEqual(expect.arrayContaining(['local', 'nfs-backup']));
		expect(storages.every((s) => typeof s.active === 'boolean')).toBe(true);
		const [status] = json(await run('storage', 'getStatus', { node: locator('pve1'), storage: locator('local-lvm') }));
		expect(status).toMatchObject({ storage: 'local-lvm' });
		expect(typeof status.total).toBe('number');
		const content = json(await run('storage', 'getContent', { node: locator('pve1'), storage: locator('local'), content: 'iso', returnAll: true }));
		expect(content.some((c) => String(c.volid).startsWith('local:iso/'))).toBe(true);
	});

	it('downloads from a URL and deletes a volume', async () => {
		const [download] = json(
			await run('storage', 'downloadUrl', { node: locator('pve1'), storage: locator('local'), url: 'https://example.invalid/alpine.iso', filename: 'alpine.iso', downloadContent: 'iso' }),
		);
		expect(download).toMatchObject({ node: 'pve1', storage: 'local', filename: 'alpine.iso', success: true });
		expect(String(download.upid)).toMatch(/:download:alpine\.iso:root@pam!sim:$/);
		const isos = json(await run('storage', 'getContent', { node: locator('pve1'), storage: locator('local'), content: 'iso', returnAll: true }));
		expect(isos.some((c) => c.volid === 'local:iso/alpine.iso')).toBe(true);
		const volume = 'local:iso/debian-12.8.0-amd64-netinst.iso';
		const [deleted] = json(await run('storage', 'deleteVolume', { node: locator('pve1'), storage: locator('local'), volumeId: volume }));
		expect(deleted.deleted).toBe(true);
		const left = json(await run('storage', 'getContent', { node: locator('pve1'), storage: locator('local'), content: 'iso', returnAll: true }));
		expect(left.some((c) => c.volid === volume)).toBe(false);
	});

	it('shows the multipart upload request in dry run', async () => {
		const payload = Buffer.from('ISO9660 test image');
		registerNodeType('test.binary', {
			description: {
				displayName: 'Binary',
				name: 'binary',
				group: ['transform'],
				version: 1,
				description: 'Emits a file',
				defaults: { name: 'Binary' },
				inputs: ['main'],
				outputs: ['main'],
				properties: [],
			},
			async execute() {
				const binary = await this.helpers.prepareBinaryData(payload, 'tiny.iso', 'application/octet-stream');
				return [[{ json: {}, binary: { data: binary } }]];
			},
		} as INodeType);
		const result = await runWorkflow(
			{
				nodes: [
					{ name: 'Start', type: START_NODE_TYPE, parameters: { items: '[{}]' } },
					{ name: 'File', type: 'test.binary', parameters: {} },
					{
						name: 'Upload',
						type: `n8n-nodes-proxmox-mcp.${NODE}`,
						parameters: { resource: 'storage', operation: 'upload', node: locator('pve1'), storage: locator('local'), binaryPropertyName: 'data', uploadContent: 'iso', dryRun: true },
					},
				],
				connections: {
					Start: { main: [[{ node: 'File', type: 'main', index: 0 }]] },
					File: { main: [[{ node: 'Upload', type: 'main', index: 0 }]] },
				},
			},
			{ credentials },
		);
		const [planned] = json(result.output('Upload'));
		const request = planned.request as IDataObject;
		expect(request.method).toBe('POST');
		expect(request.url).toBe(`https://${sim.host}:${sim.port}/api2/json/nodes/pve1/storage/local/upload`);
		expect(String(request.contentType)).toMatch(/^multipart\/form-data; boundary=/);
		expect(String(request.body)).toMatch(/^<\d+ bytes>$/);
	});

	it('fails upload clearly when the item has no binary data', async () => {
		await expect(run('storage', 'upload', { node: locator('pve1'), storage: locator('local'), binaryPropertyName: 'data', uploadContent: 'iso' })).rejects.toThrow(/binary/i);
	});
});

describe('Backup', () => {
	it('backs up guests now, lists per guest and per storage, protects, restores and deletes', async () => {
		const runs = json(await run('backup', 'runNow', { selection: 'vmid', vmids: '100,203', backupStorage: 'nfs-backup', mode: 'snapshot', compress: 'zstd', notes: '{{guestname}} n8n' }));
		expect(runs.length).toBeGreaterThanOrEqual(1);
		expect(runs.every((r) => r.success === true)).toBe(true);
		const forGuest = json(await run('backup', 'getMany', { scope: 'guest', vmid: 100, returnAll: true }));
		expect(forGuest.length).toBeGreaterThan(0);
		const volume = String(forGuest[0].volid);
		expect(volume).toMatch(/^nfs-backup:backup\/vzdump-qemu-100-/);
		const onStorage = json(await run('backup', 'getMany', { scope: 'storage', node: locator('pve1'), storage: locator('nfs-backup'), vmid: 0, returnAll: true }));
		expect(onStorage.some((b) => b.volid === volume)).toBe(true);

		const [protectedBackup] = json(await run('backup', 'protect', { node: locator('pve1'), volume: locator(volume) }));
		expect(protectedBackup.protected).toBe(true);
		const [unprotected] = json(await run('backup', 'unprotect', { node: locator('pve1'), volume: locator(volume) }));
		expect(unprotected.protected).toBe(false);

		const [restored] = json(await run('backup', 'restore', { node: locator('pve2'), volume: locator(volume), target: 'new', restoreVmid: 0 }));
		expect(restored).toMatchObject({ success: true, type: 'qemu' });
		await run('vm', 'delete', { guest: locator(Number(restored.vmid)) });

		const [deleted] = json(await run('backup', 'delete', { node: locator('pve1'), volume: locator(volume) }));
		expect(deleted.deleted).toBe(true);
	});

	it('restores over an existing stopped guest', async () => {
		const [backup] = json(await run('backup', 'getMany', { scope: 'guest', vmid: 202, returnAll: true }));
		expect(backup).toBeDefined();
		const [restored] = json(
			await run('backup', 'restore', { node: locator('pve2'), volume: locator(String(backup.volid)), target: 'existing', restoreVmid: 202, unique: false }),
		);
		expect(restored).toMatchObject({ success: true, vmid: 202, type: 'lxc' });
	});

	it('restoring over an existing guest is destructive for AI tools', async () => {
		await expect(
			run('backup', 'restore', { node: locator('pve1'), volume: locator('nfs-backup:backup/vzdump-qemu-102-2025_01_01-00_00_00.vma.zst'), target: 'existing', restoreVmid: 102 }, { asTool: true }),
		).rejects.toThrow(/Refused: "Restore a backup"/);
	});

	it('turns a failed backup task into an error with the log tail, or an error item', async () => {
		sim.control.failNextBackup(101, 'unable to create temporary directory');
		const [item] = await runNode(NODE, { resource: 'backup', operation: 'runNow', selection: 'vmid', vmids: '101', backupStorage: 'nfs-backup' } as never, {
			credentials,
			continueOnFail: true,
		});
		expect(item.json.error).toMatch(/failed/);
		const task = item.json.task as IDataObject;
		expect(task.success).toBe(false);
		expect((task.logTail as string[]).join('\n')).toMatch(/unable to create temporary directory|ERROR/);
	});
});
