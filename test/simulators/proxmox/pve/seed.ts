import { type Guest, type GuestConfig, type PveCluster, type Storage, type Volume } from './model';
import type { TaskManager } from '../core/tasks';

const GiB = 1024 ** 3;

export function emptyCluster(nodeNames: string[], now: number, pveVersion: 9 | 8): PveCluster {
	const cluster: PveCluster = {
		name: 'simcluster',
		nodes: new Map(),
		guests: new Map(),
		storages: new Map(),
		volumes: [],
		log: [],
		syslog: new Map(),
		backupJobs: new Map(),
		replication: new Map(),
		haResources: new Map(),
		pools: new Map(),
		nextLogUid: 1,
		backupFailures: new Map(),
		version: pveVersion === 9 ? { version: '9.1.1', release: '9.1', repoid: '42db4a6cf33dac83' } : { version: '8.4.1', release: '8.4', repoid: '2a5fa54a8503f96d' },
	};
	nodeNames.forEach((name, i) => {
		cluster.nodes.set(name, { name, nodeid: i + 1, ip: `10.0.0.${11 + i}`, online: true, maxcpu: 16, maxmem: 64 * GiB, bootedAt: now - 86400 * (12 + i) - 3600 * i });
		cluster.syslog.set(name, []);
	});
	const storages: Storage[] = [
		{ storage: 'local', type: 'dir', content: ['iso', 'vztmpl', 'backup', 'snippets'], shared: 0, path: '/var/lib/vz', total: 98 * GiB, filler: {}, options: {} },
		{ storage: 'local-lvm', type: 'lvmthin', content: ['images', 'rootdir'], shared: 0, total: 800 * GiB, filler: {}, options: { thinpool: 'data', vgname: 'pve' } },
		{ storage: 'nfs-backup', type: 'nfs', content: ['backup', 'iso'], shared: 1, path: '/mnt/pve/nfs-backup', total: 4096 * GiB, filler: { '*': 1200 * GiB }, options: { server: '10.0.0.50', export: '/export/pve' } },
	];
	for (const s of storages) cluster.storages.set(s.storage, s);
	return cluster;
}

function qemuConfig(name: string, cores: number, memMiB: number, diskGiB: number, vmid: number, extra: GuestConfig = {}): GuestConfig {
	return {
		name,
		cores,
		sockets: 1,
		memory: String(memMiB),
		ostype: 'l26',
		scsihw: 'virtio-scsi-single',
		scsi0: `local-lvm:vm-${vmid}-disk-0,iothread=1,size=${diskGiB}G`,
		net0: `virtio=BC:24:11:${(vmid >> 8).toString(16).padStart(2, '0').toUpperCase()}:${(vmid & 255).toString(16).padStart(2, '0').toUpperCase()}:01,bridge=vmbr0,firewall=1`,
		boot: 'order=scsi0;net0',
		agent: '1',
		smbios1: `uuid=5b8c${vmid.toString(16).padStart(4, '0')}-1c2d-4e5f-8a9b-0c1d2e3f4a5b`,
		vmgenid: `a1b2c3d4-${vmid.toString(16).padStart(4, '0')}-4e5f-8a9b-0c1d2e3f4a5b`,
		meta: 'creation-qemu=9.2.0,ctime=1735689600',
		...extra,
	};
}

function lxcConfig(hostname: string, cores: number, memMiB: number, diskGiB: number, vmid: number): GuestConfig {
	return {
		arch: 'amd64',
		hostname,
		cores,
		memory: memMiB,
		swap: 512,
		ostype: 'debian',
		rootfs: `local-lvm:vm-${vmid}-disk-0,size=${diskGiB}G`,
		net0: `name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:AA:${(vmid & 255).toString(16).padStart(2, '0').toUpperCase()}:02,ip=dhcp,type=veth`,
		unprivileged: 1,
		features: 'nesting=1',
	};
}

export function newGuest(vmid: number, type: 'qemu' | 'lxc', node: string, config: GuestConfig): Guest {
	return { vmid, type, node, status: 'stopped', paused: false, config, pending: {}, pendingDelete: [], snapshots: [], agentRunning: false };
}

/** A realistic small estate: three nodes, running and stopped VMs and containers, backups, history. */
export function seedEstate(cluster: PveCluster, tasks: TaskManager, now: number): void {
	const nodes = [...cluster.nodes.keys()];
	const at = (i: number) => nodes[i % nodes.length];
	const specs: Array<[number, 'qemu' | 'lxc', number, string, boolean, number, number, number]> = [
		[100, 'qemu', 0, 'web01', true, 2, 4096, 32],
		[101, 'qemu', 0, 'db01', true, 4, 8192, 64],
		[102, 'qemu', 1, 'build01', false, 4, 8192, 100],
		[103, 'qemu', 1, 'app01', true, 2, 4096, 32],
		[104, 'qemu', 2, 'win-rdp', false, 4, 8192, 80],
		[105, 'qemu', 2, 'monitoring', true, 2, 4096, 40],
		[200, 'lxc', 0, 'dns01', true, 1, 512, 8],
		[201, 'lxc', 1, 'proxy01', true, 2, 1024, 8],
		[202, 'lxc', 1, 'test-ct', false, 1, 512, 8],
		[203, 'lxc', 2, 'mail01', true, 2, 2048, 16],
	];
	for (const [vmid, type, nodeIdx, name, running, cores, mem, disk] of specs) {
		const node = at(nodeIdx);
		const config = type === 'qemu' ? qemuConfig(name, cores, mem, disk, vmid, vmid === 104 ? { ostype: 'win11', agent: '0' } : {}) : lxcConfig(name, cores, mem, disk, vmid);
		if (vmid === 100 || vmid === 200) config.tags = 'prod;web';
		if (vmid === 101) config.tags = 'prod;db';
		const guest = newGuest(vmid, type, node, config);
		if (running) {
			guest.status = 'running';
			guest.startedAt = now - 3600 * 24 * 3 - vmid * 97;
			guest.pid = 1000 + vmid * 7;
			guest.agentRunning = type === 'qemu' && config.agent === '1';
		}
		cluster.guests.set(vmid, guest);
		cluster.volumes.push({ volid: `local-lvm:vm-${vmid}-disk-0`, storage: 'local-lvm', node, content: type === 'qemu' ? 'images' : 'rootdir', format: 'raw', size: disk * GiB, ctime: now - 86400 * 60, vmid });
	}
	const template = newGuest(9000, 'qemu', at(0), qemuConfig('debian-12-cloudinit', 2, 2048, 8, 9000, { template: 1, ide2: 'local-lvm:vm-9000-cloudinit,media=cdrom', ciuser: 'debian', ipconfig0: 'ip=dhcp' }));
	template.config.scsi0 = 'local-lvm:base-9000-disk-0,size=8G';
	cluster.guests.set(9000, template);
	cluster.volumes.push({ volid: 'local-lvm:base-9000-disk-0', storage: 'local-lvm', node: at(0), content: 'images', format: 'raw', size: 8 * GiB, ctime: now - 86400 * 90, vmid: 9000 });

	const db = cluster.guests.get(101);
	if (db) {
		db.snapshots.push({ name: 'before-upgrade', description: 'PostgreSQL 16 before major upgrade', snaptime: now - 86400 * 7, vmstate: 0, config: { ...db.config } });
		db.parent = 'before-upgrade';
	}
	if (nodes.length > 1) cluster.replication.set('101-0', { id: '101-0', guest: 101, jobnum: 0, target: at(1), source: at(0), schedule: '*/15', comment: 'db01 to the second node', lastSync: now - 600, lastTry: now - 600, duration: 4, failCount: 0 });
	cluster.pools.set('production', { comment: 'Customer-facing services', vms: [100, 101, 200], storages: [] });
	cluster.haResources.set('vm:101', { sid: 'vm:101', state: 'started', max_restart: 1, max_relocate: 1 });
	if (db) db.hastate = 'started';

	for (const n of nodes) {
		const iso: Volume[] = [
			{ volid: 'local:iso/debian-12.8.0-amd64-netinst.iso', storage: 'local', node: n, content: 'iso', format: 'iso', size: 661651456, ctime: now - 86400 * 40 },
			{ volid: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', storage: 'local', node: n, content: 'vztmpl', format: 'tzst', size: 126660043, ctime: now - 86400 * 40 },
		];
		cluster.volumes.push(...iso);
	}
	cluster.volumes.push({ volid: 'nfs-backup:iso/ubuntu-24.04.1-live-server-amd64.iso', storage: 'nfs-backup', content: 'iso', format: 'iso', size: 2773874688, ctime: now - 86400 * 30 });

	cluster.backupJobs.set('backup-daily', {
		id: 'backup-daily',
		type: 'vzdump',
		schedule: '21:00',
		storage: 'nfs-backup',
		all: 1,
		mode: 'snapshot',
		compress: 'zstd',
		enabled: 1,
		'notes-template': '{{guestname}}',
		'prune-backups': 'keep-daily=7,keep-weekly=4',
		'notification-mode': 'notification-system',
		comment: 'Nightly backup of every guest',
	});

	tasks.addFinished({ node: at(1), type: 'qmstart', id: '102', authId: 'root@pam', starttime: now - 7200, duration: 2, lines: ['start failed: QEMU exited with code 1', 'TASK ERROR: start failed: QEMU exited with code 1'] });
	tasks.addFinished({ node: at(0), type: 'aptupdate', id: '', authId: 'root@pam', starttime: now - 5400, duration: 9, lines: ['starting apt-get update', 'Hit:1 http://deb.debian.org/debian trixie InRelease', 'WARN: some repositories could not be reached', 'TASK WARNINGS: 1'] });
}
