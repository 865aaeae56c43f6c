import { createHash } from 'crypto';
import type { WorldBase } from '../core/world';

export type ConfigValue = string | number;
export type GuestConfig = Record<string, ConfigValue>;

export interface PveNode {
	name: string;
	nodeid: number;
	ip: string;
	online: boolean;
	maxcpu: number;
	maxmem: number;
	bootedAt: number;
}

export interface Snapshot {
	name: string;
	description: string;
	snaptime: number;
	vmstate: 0 | 1;
	parent?: string;
	config: GuestConfig;
}

export interface Guest {
	vmid: number;
	type: 'qemu' | 'lxc';
	node: string;
	status: 'running' | 'stopped';
	/** QMP status beyond running/stopped: a suspended VM is "running" with qmpstatus "paused". */
	paused: boolean;
	config: GuestConfig;
	pending: GuestConfig;
	pendingDelete: string[];
	snapshots: Snapshot[];
	/** Latest snapshot, the parent of the current state. */
	parent?: string;
	startedAt?: number;
	pid?: number;
	/** The guest agent answers (needs `agent: 1` in the config and a running VM). */
	agentRunning: boolean;
	hastate?: string;
}

export interface Volume {
	volid: string;
	storage: string;
	/** Set for volumes on node-local storages. */
	node?: string;
	content: 'images' | 'rootdir' | 'iso' | 'vztmpl' | 'backup' | 'snippets' | 'import';
	format: string;
	size: number;
	ctime: number;
	vmid?: number;
	notes?: string;
	protected?: 0 | 1;
	subtype?: 'qemu' | 'lxc';
}

export interface Storage {
	storage: string;
	type: 'dir' | 'lvmthin' | 'zfspool' | 'nfs' | 'pbs' | 'cephfs' | 'rbd';
	content: string[];
	shared: 0 | 1;
	path?: string;
	nodes?: string[];
	total: number;
	/** Extra used bytes per node (or "*" for shared storages) set by fillStorage. */
	filler: Record<string, number>;
	options: Record<string, ConfigValue>;
}

export interface ClusterLogEntry {
	uid: number;
	time: number;
	pri: number;
	tag: string;
	pid: number;
	node: string;
	user: string;
	msg: string;
}

export interface SyslogLine {
	n: number;
	t: string;
	time: number;
}

export interface BackupJob {
	id: string;
	[key: string]: ConfigValue;
}

export interface ReplicationJob {
	id: string;
	guest: number;
	jobnum: number;
	target: string;
	source: string;
	schedule: string;
	comment?: string;
	disable?: boolean;
	rate?: number;
	lastSync: number;
	lastTry: number;
	duration: number;
	failCount: number;
	error?: string;
}

export interface PveCluster {
	name: string;
	nodes: Map<string, PveNode>;
	guests: Map<number, Guest>;
	storages: Map<string, Storage>;
	volumes: Volume[];
	log: ClusterLogEntry[];
	syslog: Map<string, SyslogLine[]>;
	backupJobs: Map<string, BackupJob>;
	replication: Map<string, ReplicationJob>;
	haResources: Map<string, { sid: string; state: string; group?: string; max_restart: number; max_relocate: number; comment?: string }>;
	pools: Map<string, { comment?: string; vms: number[]; storages: string[] }>;
	nextLogUid: number;
	/** failNextBackup: vmid (or "all") → error message for the next backup of it. */
	backupFailures: Map<string, string>;
	version: { version: string; release: string; repoid: string };
}

export function digestOf(config: GuestConfig): string {
	const text = Object.keys(config)
		.sort()
		.map((k) => `${k}: ${config[k]}`)
		.join('\n');
	return createHash('sha1').update(text).digest('hex');
}

export function storageUsed(cluster: PveCluster, storage: Storage, node: string): number {
	const own = cluster.volumes.filter((v) => v.storage === storage.storage && (storage.shared || v.node === node));
	return own.reduce((sum, v) => sum + v.size, 0) + (storage.filler[storage.shared ? '*' : node] ?? 0);
}

export function storageOnNode(storage: Storage, node: string): boolean {
	return !storage.nodes || storage.nodes.includes(node);
}

/** Deterministic pseudo-random in [0,1) from a seed, for plausible yet reproducible metrics. */
export function noise(seed: number): number {
	const x = Math.sin(seed * 12.9898) * 43758.5453;
	return x - Math.floor(x);
}

export function parseSize(text: string): number {
	const m = /^(\d+(?:\.\d+)?)([KMGT]?)$/i.exec(text.trim());
	if (!m) return NaN;
	const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
	return Math.round(Number(m[1]) * unit);
}

export function formatSize(bytes: number): string {
	for (const [unit, f] of [['T', 1024 ** 4], ['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]] as const) {
		if (bytes >= f && bytes % f === 0) return `${bytes / f}${unit}`;
	}
	return `${Math.round(bytes / 1024 ** 3)}G`;
}

export interface PveWorld extends WorldBase {
	cluster: PveCluster;
	stats: import('./stats').StatsCache;
	notify: import('../notifications/dispatcher').NotificationHub;
	addClusterLog(node: string, tag: string, user: string, msg: string, pri?: number): void;
	/** Appends to the node's journal; forwarded like rsyslog when a forward target is set. */
	addSyslog(node: string, line: string, severity?: number): void;
	syslogForward?: import('../control/types').SyslogTarget;
}

export function guestLabel(g: Guest): string {
	return g.type === 'qemu' ? `VM ${g.vmid}` : `CT ${g.vmid}`;
}

/** `2026_11_25-03_00_00`, the timestamp vzdump puts in archive names (UTC here). */
export function vzdumpStamp(epoch: number): string {
	const iso = new Date(epoch * 1000).toISOString();
	return `${iso.slice(0, 10).replace(/-/g, '_')}-${iso.slice(11, 19).replace(/:/g, '_')}`;
}
