import { ApiError } from '../../core/errors';
import type { HandlerRegistry } from '../../core/world';
import type { TaskContext } from '../../core/tasks';
import { createHash } from 'crypto';
import { storageUsed, vzdumpStamp, type Guest, type PveCluster, type PveWorld, type Storage, type Volume } from '../model';
import { pruneSelection, type KeepOptions } from '../../pbs/prune';
import { flag } from './common';

const GiB = 1024 ** 3;

export interface VzdumpRequest {
	node: string;
	vmids: number[];
	storage: string;
	mode: string;
	compress: string;
	jobId?: string;
	notesTemplate?: string;
	/** `auto` with a mailto, or `legacy-sendmail`, mails directly and bypasses matchers and targets. */
	legacyMail?: boolean;
	/** The job's `mailto` (addresses or user names) for the legacy mail. */
	mailto?: string;
	authId: string;
	commandLine: string;
	/** `--all`: guests of other nodes are listed as skipped. */
	all?: boolean;
	/** `prune-backups` retention applied after each guest. */
	prune?: string;
}

const hms = (s: number) => [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60].map((x) => String(x).padStart(2, '0')).join(':');
/** VZDump.pm `format_size`: 1024-based, labelled GB/MB/KB. */
const human = (b: number) => (b >= GiB ? `${(b / GiB).toFixed(2)}GB` : b >= 1024 ** 2 ? `${(b / 1024 ** 2).toFixed(2)}MB` : `${(b / 1024).toFixed(2)}KB`);
/** PVE::Tools::render_bytes as qemu-server's progress lines use it (`1.2 GiB`, `404.0 MiB`). */
const bytes1 = (b: number) => {
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let i = 0;
	while (i < units.length - 1 && b >= 1024 ** (i + 1)) i++;
	return i === 0 ? `${Math.round(b)} B` : `${(b / 1024 ** i).toFixed(1)} ${units[i]}`;
};
/** qemu-server's progress duration: `%2ds`, `%2dm %2ds`, `%2dh %2dm %2ds`. */
const span = (s: number) => {
	const p = (n: number) => String(n).padStart(2);
	if (s < 60) return `${p(s)}s`;
	if (s < 3600) return `${p(Math.floor(s / 60))}m ${p(s % 60)}s`;
	return `${p(Math.floor(s / 3600))}h ${p(Math.floor((s % 3600) / 60))}m ${p(s % 60)}s`;
};
const clockText = (epoch: number) => new Date(epoch * 1000).toISOString().replace('T', ' ').slice(0, 19);
/** proxmox-notify `duration` renderer (proxmox-time TimeSpan): `1m 38s`, `2h 3m 5s`. */
const durationText = (s: number) => [[Math.floor(s / 3600), 'h'], [Math.floor((s % 3600) / 60), 'm'], [s % 60, 's']].filter(([n], i, a) => n || i === a.length - 1).map(([n, u]) => `${n}${u}`).join(' ');
/** proxmox-notify `human-bytes` renderer. */
const humanBytes = (b: number) => {
	if (b < 1024) return `${b} B`;
	const i = Math.min(4, Math.floor(Math.log(b) / Math.log(1024)));
	return `${(b / 1024 ** i).toFixed(2)} ${['B', 'KiB', 'MiB', 'GiB', 'TiB'][i]}`;
};

/** One row of the per-guest table of the vzdump notification (VZDump.pm `$guest_table_data`). */
export interface GuestResult {
	vmid: number;
	name: string;
	status: 'ok' | 'err';
	seconds: number;
	size: number;
	/** Archive path as vzdump's `target` (empty for a failed guest). */
	target: string;
	error?: string;
}

/** The notification's `Details` table: VMID, Name, Status, Time, Size, Filename, columns padded to their widest cell. */
export function guestTable(rows: GuestResult[]): string {
	const cells = [['VMID', 'Name', 'Status', 'Time', 'Size', 'Filename'], ...rows.map((r) => [String(r.vmid), r.name, r.status, durationText(r.seconds), humanBytes(r.size), r.target])];
	const widths = cells[0].map((_, i) => Math.max(...cells.map((c) => c[i].length)));
	return cells.map((c) => c.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

/** The vzdump notification (VZDump.pm `send_notification`, template `vzdump-body.txt.hbs`). */
export function vzdumpNotification(node: string, rows: GuestResult[], totalSeconds: number, logText: string): { title: string; message: string; severity: 'info' | 'error' } {
	const failed = rows.filter((r) => r.status === 'err');
	const errorText = failed.length === 0 ? '' : failed.length === 1 ? (failed[0].error ?? 'backup failed') : 'multiple problems';
	const statusText = failed.length ? `backup failed: ${errorText}` : 'backup successful';
	const total = rows.reduce((s, r) => s + r.size, 0);
	return {
		title: `vzdump backup status (${node}.sim.local): ${statusText}`,
		message: `${failed.length ? errorText + '\n\n' : ''}Details\n=======\n${guestTable(rows)}\n\nTotal running time: ${durationText(totalSeconds)}\nTotal size: ${humanBytes(total)}\n\nLogs\n====\n${logText}\n`,
		severity: failed.length ? 'error' : 'info',
	};
}

export interface GuestBackupPlan {
	guest: Guest;
	node: string;
	storage: Storage;
	mode: string;
	compress: string;
	/** Epoch second the guest's backup starts. */
	start: number;
	/** How long the backup runs (seconds). */
	seconds: number;
	notes?: string;
	/** `prune-backups` of the job (`keep-daily=7,keep-weekly=4`), or undefined for none. */
	prune?: string;
	/** Fail the backup half way with this error. */
	failure?: string;
	/** Seeded history: QMP timeout instead of a write error. */
	failureKind?: 'qmp-timeout' | 'error';
	/** Share of the disk that changed (decides transferred vs sparse bytes). */
	dataRatio?: number;
}

export interface GuestBackupOutcome {
	lines: Array<[number, string]>;
	result: GuestResult;
	volume?: Volume;
	/** Volumes the retention removed. */
	pruned: string[];
}

/** Disk size in bytes of a guest's main disk (`size=32G`). */
function diskBytes(g: Guest): number {
	return Number(/size=(\d+)G/.exec(String(g.config.scsi0 ?? g.config.virtio0 ?? g.config.rootfs ?? ''))?.[1] ?? 8) * GiB;
}

/**
 * One guest's section of a vzdump task log, line by line as qemu-server (`VZDump/QemuServer.pm`) and pve-container
 * (`VZDump/LXC.pm`) write it for file storages, compared with recorded logs (Checkmk's special-agent test files
 * `proxmox_ve-backup-*.log`): status, mode, disks, archive path, guest-agent freeze/thaw, progress, sparse and
 * transferred bytes, archive size, notes, retention, finish line.
 */
export function planGuestBackup(cluster: PveCluster, p: GuestBackupPlan): GuestBackupOutcome {
	const g = p.guest;
	const kind = g.type === 'qemu' ? 'qemu' : 'lxc';
	const name = String(g.config.name ?? g.config.hostname ?? '');
	const running = g.status === 'running';
	const mode = running ? p.mode : 'stop';
	const disk = diskBytes(g);
	const ratio = p.dataRatio ?? 0.35 + (g.vmid % 5) * 0.05;
	const stamp = vzdumpStamp(p.start);
	const ext = g.type === 'qemu' ? `vma${p.compress === '0' ? '' : '.zst'}` : `tar${p.compress === '0' ? '' : '.zst'}`;
	const file = `vzdump-${kind}-${g.vmid}-${stamp}.${ext}`;
	const target = `${p.storage.path ?? '/mnt/pve/' + p.storage.storage}/dump/${file}`;
	const size = Math.round(disk * ratio * (p.compress === '0' ? 1 : 0.45));
	const T = Math.max(2, p.seconds);
	const lines: Array<[number, string]> = [];
	const at = (t: number, line: string) => lines.push([Math.min(T, Math.max(0, Math.round(t))), `INFO: ${line}`]);
	at(0, `Starting Backup of VM ${g.vmid} (${kind})`);
	at(0, `Backup started at ${clockText(p.start)}`);
	at(0, `status = ${running ? 'running' : 'stopped'}`);
	if (g.type === 'qemu') {
		const diskLine = `include disk 'scsi0' '${String(g.config.scsi0 ?? '').split(',')[0]}' ${Math.round(disk / GiB)}G`;
		if (running) {
			at(0, `VM Name: ${name}`);
			at(0, diskLine);
			at(0, `backup mode: ${mode}`);
			at(0, 'ionice priority: 7');
		} else {
			at(0, `backup mode: ${mode}`);
			at(0, 'ionice priority: 7');
			at(0, `VM Name: ${name}`);
			at(0, diskLine);
		}
	} else {
		if (running) {
			at(0, `CT Name: ${name}`);
			at(0, "including mount point rootfs ('/') in backup");
			at(0, `backup mode: ${mode}`);
			at(0, 'ionice priority: 7');
			at(1, "create storage snapshot 'vzdump'");
		} else {
			at(0, `backup mode: ${mode}`);
			at(0, 'ionice priority: 7');
			at(0, `CT Name: ${name}`);
			at(0, "including mount point rootfs ('/') in backup");
		}
	}
	at(1, `creating vzdump archive '${target}'`);
	const fail = (t: number, error: string, extra: string[] = []): GuestBackupOutcome => {
		for (const l of extra) lines.push([Math.round(t), l]);
		lines.push([Math.round(t), `ERROR: Backup of VM ${g.vmid} failed - ${error}`]);
		at(t, `Failed at ${clockText(p.start + Math.round(t))}`);
		return { lines, result: { vmid: g.vmid, name, status: 'err', seconds: Math.round(t), size: 0, target: '', error }, pruned: [] };
	};
	if (g.type === 'qemu') {
		if (running && g.agentRunning) {
			at(1, "issuing guest-agent 'fs-freeze' command");
			at(2, "issuing guest-agent 'fs-thaw' command");
		} else if (running && g.config.agent === '1') at(1, "skipping guest-agent 'fs-freeze', agent configured but not running");
		if (!running) at(2, 'starting kvm to execute backup task');
		if (p.failure && p.failureKind === 'qmp-timeout') {
			return fail(T, `VM ${g.vmid} qmp command 'backup' failed - got timeout`, [`ERROR: VM ${g.vmid} qmp command 'backup' failed - got timeout`, 'INFO: aborting backup job']);
		}
		at(2, `started backup task '${uuidFor(`${g.vmid}-${p.start}`)}'`);
		if (running) at(2, 'resuming VM again');
		const steps = Math.min(40, Math.max(4, Math.round(T / 3)));
		const t0 = 3;
		for (let i = 1; i <= steps; i++) {
			const pct = Math.round((i * 100) / steps);
			const t = t0 + ((T - 6) * i) / steps;
			if (p.failure && pct >= 50) return fail(t, p.failure);
			const done = (disk * pct) / 100;
			const interval = Math.max(1, (T - 6) / steps);
			const read = (disk / steps) / interval;
			at(t, `${String(pct).padStart(3)}% (${bytes1(done)} of ${bytes1(disk)}) in ${span(Math.max(1, Math.round(t - t0)))}, read: ${bytes1(read)}/s, write: ${bytes1(read * ratio)}/s`);
		}
		const zero = disk * (1 - ratio);
		at(T - 2, `backup is sparse: ${(zero / GiB).toFixed(2)} GiB (${Math.round((zero * 100) / disk)}%) total zero data`);
		at(T - 2, `transferred ${(disk / GiB).toFixed(2)} GiB in ${Math.max(1, Math.round(T - 6))} seconds (${bytes1(disk / Math.max(1, T - 6))}/s)`);
		if (!running) at(T - 2, 'stopping kvm after backup task');
	} else {
		if (p.failure) return fail(T / 2, p.failure);
		const written = Math.round(disk * ratio);
		at(T - 2, `Total bytes written: ${written} (${(written / GiB).toFixed(1)}GiB, ${Math.round(written / 1024 ** 2 / Math.max(1, T - 3))}MiB/s)`);
	}
	const full = storageUsed(cluster, p.storage, p.node) + size > p.storage.total;
	if (full) return fail(T - 1, g.type === 'qemu' ? 'vma_queue_write: write error - Broken pipe' : 'command \'set -o pipefail && tar cpf - ...\' failed: exit code 2', g.type === 'qemu' ? ['INFO: aborting backup job'] : []);
	at(T - 1, `archive file size: ${human(size)}`);
	if (p.notes) at(T - 1, 'adding notes to backup');
	const volume: Volume = { volid: `${p.storage.storage}:backup/${file}`, storage: p.storage.storage, node: p.storage.shared ? undefined : p.node, content: 'backup', format: ext, size, ctime: p.start + T, vmid: g.vmid, notes: p.notes, subtype: g.type };
	const pruned: string[] = [];
	if (p.prune) {
		const keep: KeepOptions = {};
		for (const part of p.prune.split(',')) {
			const [k, v] = part.split('=');
			if (k !== 'keep-all') keep[k.trim() as keyof KeepOptions] = Number(v);
		}
		at(T, `prune older backups with retention: ${Object.entries(keep).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(', ')}`);
		const mine = cluster.volumes.filter((v) => v.content === 'backup' && v.storage === p.storage.storage && v.vmid === g.vmid && (p.storage.shared || v.node === p.node));
		const items = [...mine.map((v) => ({ time: v.ctime, protected: v.protected === 1, volid: v.volid })), { time: volume.ctime, protected: false, volid: volume.volid }];
		const marks = pruneSelection(items, keep);
		for (const [item, m] of marks) if (m === 'remove' && item.volid !== volume.volid) pruned.push(item.volid);
		for (const v of pruned.sort()) at(T, `removing backup '${v}'`);
		at(T, `pruned ${pruned.length} backup(s)${pruned.length ? ' not covered by keep-retention policy' : ''}`);
	}
	if (g.type === 'lxc' && running) at(T, "cleanup temporary 'vzdump' snapshot");
	at(T, `Finished Backup of VM ${g.vmid} (${hms(T)})`);
	at(T, `Backup finished at ${clockText(p.start + T)}`);
	return { lines, result: { vmid: g.vmid, name, status: 'ok', seconds: T, size, target }, volume, pruned };
}

const uuidFor = (seed: string) => {
	const h = createHash('sha1').update(seed).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** Applies a guest backup's effect on the storage: new archive, pruned archives gone. */
export function commitGuestBackup(cluster: PveCluster, o: GuestBackupOutcome): void {
	if (o.volume) cluster.volumes.push(o.volume);
	if (o.pruned.length) cluster.volumes = cluster.volumes.filter((v) => !o.pruned.includes(v.volid));
}

/** `INFO: skip external VMs: …` — guests of an `--all` job that live on other nodes (VZDump.pm). */
export function externalGuests(cluster: PveCluster, node: string): number[] {
	return [...cluster.guests.values()].filter((g) => g.node !== node && !g.config.template).map((g) => g.vmid).sort((a, b) => a - b);
}

/**
 * One vzdump worker: one task per node, the task id set only when exactly one guest is backed up
 * (pve-manager API2/VZDump.pm), per-guest sections, archives on the storage, a notification at the end.
 */
export function runVzdump(world: PveWorld, req: VzdumpRequest): string {
	const { cluster } = world;
	const storage = cluster.storages.get(req.storage);
	if (!storage) throw new ApiError(500, `storage '${req.storage}' does not exist`);
	if (!storage.content.includes('backup')) throw new ApiError(500, `storage '${req.storage}' does not support backups`);
	const id = req.vmids.length === 1 ? String(req.vmids[0]) : '';
	const task = world.tasks.start({
		node: req.node,
		type: 'vzdump',
		id,
		authId: req.authId,
		run: async (ctx: TaskContext) => {
			const rows: GuestResult[] = [];
			const jobStart = world.clock.now();
			ctx.log(`INFO: starting new backup job: ${req.commandLine}`);
			if (req.all) {
				const external = externalGuests(cluster, req.node);
				if (external.length) ctx.log(`INFO: skip external VMs: ${external.join(', ')}`);
			}
			for (const vmid of req.vmids) {
				const g = cluster.guests.get(vmid);
				if (!g || g.node !== req.node) {
					ctx.log(`ERROR: Backup of VM ${vmid} failed - unable to find VM ${vmid}`);
					rows.push({ vmid, name: '', status: 'err', seconds: 0, size: 0, target: '', error: `unable to find VM ${vmid}` });
					continue;
				}
				rows.push(await backupGuest(world, ctx, g, req, storage));
			}
			const failed = rows.filter((r) => r.status === 'err');
			ctx.log(failed.length ? 'INFO: Backup job finished with errors' : 'INFO: Backup job finished successfully');
			const fields: Record<string, string> = { type: 'vzdump', hostname: req.node };
			if (req.jobId) fields['job-id'] = req.jobId;
			const logs = ctx.task.log.map((l) => l.t).join('\n');
			if (!req.legacyMail) {
				const n = vzdumpNotification(req.node, rows, world.clock.now() - jobStart, logs);
				const event = { ...n, timestamp: world.clock.now(), fields };
				for (const t of world.notify.targetsFor(event)) ctx.log(`INFO: notified via target \`${t}\``);
				void world.notify.emit(event);
			} else if (req.mailto) {
				// Legacy path (VZDump.pm): the same report, sent with sendmail straight to mailto as "vzdump backup tool".
				const n = vzdumpNotification(req.node, rows, world.clock.now() - jobStart, logs);
				void world.notify.sendDirectMail({ ...n, timestamp: world.clock.now(), fields }, req.mailto, 'vzdump backup tool');
			}
			if (failed.length) throw new Error('job errors');
		},
	});
	return task.upid;
}

async function backupGuest(world: PveWorld, ctx: TaskContext, g: Guest, req: VzdumpRequest, storage: Storage): Promise<GuestResult> {
	const { cluster } = world;
	const start = world.clock.now();
	const notes = req.notesTemplate?.replace(/\{\{guestname\}\}/g, String(g.config.name ?? g.config.hostname ?? '')).replace(/\{\{vmid\}\}/g, String(g.vmid)).replace(/\{\{node\}\}/g, req.node).replace(/\{\{cluster\}\}/g, cluster.name);
	if (g.config.lock) {
		const kind = g.type === 'qemu' ? 'qemu' : 'lxc';
		const error = `${g.type === 'qemu' ? 'VM' : 'CT'} is locked (${g.config.lock})`;
		ctx.log(`INFO: Starting Backup of VM ${g.vmid} (${kind})`);
		ctx.log(`INFO: Backup started at ${clockText(start)}`);
		ctx.log(`ERROR: Backup of VM ${g.vmid} failed - ${error}`);
		ctx.log(`INFO: Failed at ${clockText(world.clock.now())}`);
		return { vmid: g.vmid, name: String(g.config.name ?? g.config.hostname ?? ''), status: 'err', seconds: 0, size: 0, target: '', error };
	}
	const injected = cluster.backupFailures.get(String(g.vmid)) ?? cluster.backupFailures.get('all');
	if (injected) {
		cluster.backupFailures.delete(String(g.vmid));
		cluster.backupFailures.delete('all');
	}
	const outcome = planGuestBackup(cluster, { guest: g, node: req.node, storage, mode: req.mode, compress: req.compress, start, seconds: 2, notes, prune: req.prune, failure: injected });
	g.config.lock = 'backup';
	try {
		let at = 0;
		for (const [offset, line] of outcome.lines) {
			if (offset > at) {
				await ctx.sleep((offset - at) * 400);
				at = offset;
			}
			ctx.log(line);
		}
		if (outcome.result.status === 'ok') commitGuestBackup(cluster, outcome);
		return outcome.result;
	} finally {
		if (g.config.lock === 'backup') delete g.config.lock;
	}
}

export function registerVzdump(reg: HandlerRegistry<PveWorld>): void {
	reg.on('POST', '/nodes/{node}/vzdump', (call) => {
		const p = call.params;
		const node = String(p.node);
		let vmids: number[];
		if (flag(p.all)) {
			const excluded = String(p.exclude ?? '').split(/[,;\s]+/).filter(Boolean).map(Number);
			vmids = [...call.world.cluster.guests.values()].filter((g) => g.node === node && !g.config.template && !excluded.includes(g.vmid)).map((g) => g.vmid);
		} else if (p.vmid !== undefined) vmids = String(p.vmid).split(/[,;\s]+/).filter(Boolean).map(Number);
		else throw new ApiError(400, 'Parameter verification failed.', { vmid: 'property is missing and it is not optional' });
		for (const vmid of vmids) {
			if (!call.world.access.privileges(call.identity.authId, `/vms/${vmid}`).has('VM.Backup')) throw new ApiError(403, `Permission check failed (/vms/${vmid}, VM.Backup)`);
		}
		const storage = String(p.storage ?? 'local');
		if (!call.world.access.privileges(call.identity.authId, `/storage/${storage}`).has('Datastore.AllocateSpace')) throw new ApiError(403, `Permission check failed (/storage/${storage}, Datastore.AllocateSpace)`);
		const mode = String(p.mode ?? 'snapshot');
		const compress = String(p.compress ?? '0');
		const cmd = `vzdump ${flag(p.all) ? '--all 1' : vmids.join(' ')} --storage ${storage} --mode ${mode}${compress !== '0' ? ` --compress ${compress}` : ''} --node ${node}`;
		const notificationMode = String(p['notification-mode'] ?? 'auto');
		const legacyMail = notificationMode === 'legacy-sendmail' || (notificationMode === 'auto' && p.mailto !== undefined);
		return runVzdump(call.world, { node, vmids, storage, mode, compress, notesTemplate: p['notes-template'] as string | undefined, legacyMail, mailto: p.mailto === undefined ? undefined : String(p.mailto), authId: call.identity.authId, commandLine: cmd, all: flag(p.all), prune: p['prune-backups'] as string | undefined });
	});
	reg.on('GET', '/nodes/{node}/vzdump/defaults', () => ({ mode: 'snapshot', compress: '0', 'prune-backups': 'keep-all=1', storage: 'local' }));
}

/** The command line a scheduled job logs (`vzdump --all 1 --compress zstd … --quiet 1 --storage nfs-backup`): its options, sorted. */
export function jobCommandLine(job: Record<string, unknown>, vmids: number[]): string {
	const skip = new Set(['id', 'type', 'schedule', 'enabled', 'comment', 'vmid', 'all', 'next-run', 'node', 'repeat-missed']);
	const quote = (v: string) => (/^[\w.,:/-]+$/.test(v) ? v : `'${v}'`);
	const opts = Object.entries({ ...job, quiet: 1 })
		.filter(([k, v]) => !skip.has(k) && v !== undefined)
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([k, v]) => `--${k} ${quote(String(v))}`);
	return ['vzdump', job.all ? '--all 1' : vmids.join(' '), ...opts].join(' ');
}

/** Runs a scheduled backup job (control API: what pvescheduler does at the job's time). */
export function runBackupJob(world: PveWorld, jobId: string): string[] {
	const job = world.cluster.backupJobs.get(jobId);
	if (!job) throw new ApiError(500, `Job '${jobId}' does not exist`);
	const upids: string[] = [];
	for (const node of world.cluster.nodes.values()) {
		if (!node.online || (job.node && job.node !== node.name)) continue;
		const listed = job.vmid ? String(job.vmid).split(',').map(Number) : undefined;
		const vmids = [...world.cluster.guests.values()].filter((g) => g.node === node.name && !g.config.template && (job.all ? true : listed?.includes(g.vmid))).map((g) => g.vmid);
		if (!vmids.length) continue;
		const mode = String(job['notification-mode'] ?? 'auto');
		const legacyMail = mode === 'legacy-sendmail' || (mode === 'auto' && job.mailto !== undefined);
		upids.push(runVzdump(world, { node: node.name, vmids, storage: String(job.storage ?? 'local'), mode: String(job.mode ?? 'snapshot'), compress: String(job.compress ?? '0'), jobId, notesTemplate: job['notes-template'] as string | undefined, legacyMail, mailto: job.mailto === undefined ? undefined : String(job.mailto), authId: 'root@pam', commandLine: jobCommandLine(job, vmids), all: !!job.all, prune: job['prune-backups'] as string | undefined }));
	}
	return upids;
}
