import { ApiError } from '../../core/errors';
import type { HandlerRegistry } from '../../core/world';
import type { TaskContext } from '../../core/tasks';
import { storageUsed, vzdumpStamp, type Guest, type PveWorld } from '../model';
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
	authId: string;
	commandLine: string;
}

const hms = (s: number) => [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60].map((x) => String(x).padStart(2, '0')).join(':');
const human = (b: number) => (b >= GiB ? `${(b / GiB).toFixed(2)}GB` : `${(b / 1024 ** 2).toFixed(2)}MB`);

/** One vzdump worker: per-guest logs as vzdump writes them, archives on the storage, a notification at the end. */
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
			const failed: Array<{ vmid: number; error: string }> = [];
			const rows: string[] = [];
			let totalSize = 0;
			const jobStart = world.clock.now();
			ctx.log(`INFO: starting new backup job: ${req.commandLine}`);
			for (const vmid of req.vmids) {
				const g = cluster.guests.get(vmid);
				if (!g || g.node !== req.node) {
					ctx.log(`ERROR: Backup of VM ${vmid} failed - unable to find VM ${vmid}`);
					failed.push({ vmid, error: `unable to find VM ${vmid}` });
					continue;
				}
				const result = await backupGuest(world, ctx, g, req);
				if (result.error) failed.push({ vmid, error: result.error });
				else totalSize += result.size;
				rows.push(`${vmid}  ${String(g.config.name ?? g.config.hostname ?? '')}  ${result.error ? 'err' : 'ok'}  ${hms(result.seconds)}  ${result.error ? '0' : human(result.size)}  ${result.file ?? 'null'}`);
			}
			const errorText = failed.length === 0 ? '' : failed.length === 1 ? failed[0].error : 'multiple problems';
			if (failed.length) ctx.log('INFO: Backup job finished with errors');
			else ctx.log('INFO: Backup job finished successfully');
			const fields: Record<string, string> = { type: 'vzdump', hostname: req.node };
			if (req.jobId) fields['job-id'] = req.jobId;
			const statusText = failed.length ? (errorText ? `backup failed: ${errorText}` : 'backup failed') : 'backup successful';
			const logs = ctx.task.log.map((l) => l.t).join('\n');
			if (!req.legacyMail) void world.notify.emit({
				title: `vzdump backup status (${req.node}.sim.local): ${statusText}`,
				message: `${failed.length ? errorText + '\n\n' : ''}Details\n=======\nVMID  Name  Status  Time  Size  Filename\n${rows.join('\n')}\n\nTotal running time: ${hms(world.clock.now() - jobStart)}\nTotal size: ${human(totalSize)}\n\nLogs\n====\n${logs}\n`,
				severity: failed.length ? 'error' : 'info',
				timestamp: world.clock.now(),
				fields,
			});
			if (failed.length) throw new Error('job errors');
		},
	});
	return task.upid;
}

async function backupGuest(world: PveWorld, ctx: TaskContext, g: Guest, req: VzdumpRequest): Promise<{ error?: string; size: number; seconds: number; file?: string }> {
	const { cluster } = world;
	const start = world.clock.now();
	const kind = g.type === 'qemu' ? 'qemu' : 'lxc';
	ctx.log(`INFO: Starting Backup of VM ${g.vmid} (${kind})`);
	ctx.log(`INFO: Backup started at ${new Date(world.clock.nowMs()).toISOString().replace('T', ' ').slice(0, 19)}`);
	ctx.log(`INFO: status = ${g.status}`);
	const fail = (error: string) => {
		ctx.log(`ERROR: Backup of VM ${g.vmid} failed - ${error}`);
		ctx.log(`INFO: Failed at ${new Date(world.clock.nowMs()).toISOString().replace('T', ' ').slice(0, 19)}`);
		return { error, size: 0, seconds: world.clock.now() - start };
	};
	if (g.config.lock) return fail(`${g.type === 'qemu' ? 'VM' : 'CT'} is locked (${g.config.lock})`);
	const injected = cluster.backupFailures.get(String(g.vmid)) ?? cluster.backupFailures.get('all');
	const storage = cluster.storages.get(req.storage);
	if (!storage) return fail(`storage '${req.storage}' does not exist`);
	const diskBytes = Number(/size=(\d+)G/.exec(String(g.config.scsi0 ?? g.config.virtio0 ?? g.config.rootfs ?? ''))?.[1] ?? 8) * GiB;
	const size = Math.round(diskBytes * 0.17);
	g.config.lock = 'backup';
	try {
		ctx.log(`INFO: ${g.type === 'qemu' ? 'VM' : 'CT'} Name: ${g.config.name ?? g.config.hostname}`);
		if (g.type === 'qemu') ctx.log(`INFO: include disk 'scsi0' '${String(g.config.scsi0 ?? '').split(',')[0]}' ${Math.round(diskBytes / GiB)}G`);
		ctx.log(`INFO: backup mode: ${req.mode}`);
		ctx.log('INFO: ionice priority: 7');
		const stamp = vzdumpStamp(world.clock.now());
		const ext = g.type === 'qemu' ? `vma${req.compress === '0' ? '' : '.zst'}` : `tar${req.compress === '0' ? '' : '.zst'}`;
		const file = `vzdump-${kind}-${g.vmid}-${stamp}.${ext}`;
		ctx.log(`INFO: creating vzdump archive '${storage.path ?? '/mnt/pve/' + storage.storage}/dump/${file}'`);
		for (const pct of [25, 50, 75, 100]) {
			await ctx.sleep(400);
			if (injected && pct === 50) {
				cluster.backupFailures.delete(String(g.vmid));
				cluster.backupFailures.delete('all');
				return fail(injected);
			}
			const done = (diskBytes * pct) / 100;
			ctx.log(`INFO: ${String(pct).padStart(3)}% (${(done / GiB).toFixed(1)} GiB of ${(diskBytes / GiB).toFixed(1)} GiB) in ${pct / 25}s, read: 1.2 GiB/s, write: 210.4 MiB/s`);
		}
		const used = storageUsed(cluster, storage, req.node);
		if (used + size > storage.total) return fail('vma_queue_write: write error - Broken pipe (No space left on device)');
		const seconds = Math.max(1, world.clock.now() - start);
		ctx.log(`INFO: archive file size: ${human(size)}`);
		const notes = req.notesTemplate?.replace(/\{\{guestname\}\}/g, String(g.config.name ?? g.config.hostname ?? '')).replace(/\{\{vmid\}\}/g, String(g.vmid)).replace(/\{\{node\}\}/g, req.node).replace(/\{\{cluster\}\}/g, cluster.name);
		cluster.volumes.push({ volid: `${storage.storage}:backup/${file}`, storage: storage.storage, node: storage.shared ? undefined : req.node, content: 'backup', format: ext, size, ctime: world.clock.now(), vmid: g.vmid, notes, subtype: g.type });
		ctx.log(`INFO: Finished Backup of VM ${g.vmid} (${hms(seconds)})`);
		ctx.log(`INFO: Backup finished at ${new Date(world.clock.nowMs()).toISOString().replace('T', ' ').slice(0, 19)}`);
		return { size, seconds, file };
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
		return runVzdump(call.world, { node, vmids, storage, mode, compress, notesTemplate: p['notes-template'] as string | undefined, legacyMail, authId: call.identity.authId, commandLine: cmd });
	});
	reg.on('GET', '/nodes/{node}/vzdump/defaults', () => ({ mode: 'snapshot', compress: '0', 'prune-backups': 'keep-all=1', storage: 'local' }));
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
		upids.push(runVzdump(world, { node: node.name, vmids, storage: String(job.storage ?? 'local'), mode: String(job.mode ?? 'snapshot'), compress: String(job.compress ?? '0'), jobId, notesTemplate: job['notes-template'] as string | undefined, legacyMail, authId: 'root@pam', commandLine: `vzdump ${job.all ? '--all 1' : vmids.join(' ')} --storage ${job.storage} --mode ${job.mode ?? 'snapshot'} --node ${node.name}` }));
	}
	return upids;
}
