import { commitGuestBackup, externalGuests, jobCommandLine, planGuestBackup, vzdumpNotification, type GuestResult } from './handlers/vzdump';
import type { PveWorld } from './model';

const NIGHTS = 7;

/**
 * What the nightly `backup-daily` job leaves on a cluster that has run it for a week: per night and node one
 * `vzdump` task with an empty id (pvescheduler runs `vzdump --all 1` on every node; API2/VZDump.pm sets the
 * worker id only for a single guest), its full log with one section per guest, the archives (retention applied)
 * and the start/end lines in the cluster log. Three nights ago the backup of VM 103 on the second node failed
 * (QMP timeout), so that node's task ended `job errors`.
 */
export function seedBackupHistory(world: PveWorld): void {
	const { cluster } = world;
	const job = cluster.backupJobs.get('backup-daily');
	const storage = cluster.storages.get(String(job?.storage ?? ''));
	if (!job || !storage) return;
	const now = world.clock.now();
	const midnight = now - (now % 86400);
	const [hh, mm] = String(job.schedule).split(':').map(Number);
	const nodes = [...cluster.nodes.keys()];
	for (let night = NIGHTS; night >= 1; night--) {
		const jobStart = midnight - night * 86400 + hh * 3600 + mm * 60;
		for (const [ni, node] of nodes.entries()) {
			const guests = [...cluster.guests.values()].filter((g) => g.node === node && !g.config.template).sort((a, b) => a.vmid - b.vmid);
			if (!guests.length) continue;
			const start = jobStart + ni;
			const lines: string[] = [`INFO: starting new backup job: ${jobCommandLine(job, [])}`];
			const external = externalGuests(cluster, node);
			if (external.length) lines.push(`INFO: skip external VMs: ${external.join(', ')}`);
			let t = start + 1;
			const rows: GuestResult[] = [];
			for (const g of guests) {
				const disk = Number(/size=(\d+)G/.exec(String(g.config.scsi0 ?? g.config.rootfs ?? ''))?.[1] ?? 8);
				const seconds = g.type === 'qemu' ? 20 + disk * 2 + ((g.vmid + night) % 9) : 12 + disk + ((g.vmid + night) % 5);
				const failing = night === 3 && g.vmid === 103;
				const notes = String(job['notes-template'] ?? '').replace(/\{\{guestname\}\}/g, String(g.config.name ?? g.config.hostname ?? '')) || undefined;
				const outcome = planGuestBackup(cluster, { guest: g, node, storage, mode: String(job.mode ?? 'snapshot'), compress: String(job.compress ?? '0'), start: t, seconds: failing ? 61 : seconds, notes, prune: job['prune-backups'] as string | undefined, failure: failing ? 'got timeout' : undefined, failureKind: failing ? 'qmp-timeout' : undefined });
				lines.push(...outcome.lines.map(([, l]) => l));
				if (outcome.result.status === 'ok') commitGuestBackup(cluster, outcome);
				rows.push(outcome.result);
				t += outcome.result.seconds + 1;
			}
			const failed = rows.some((r) => r.status === 'err');
			lines.push(failed ? 'INFO: Backup job finished with errors' : 'INFO: Backup job finished successfully');
			const n = vzdumpNotification(node, rows, t - start, lines.join('\n'));
			for (const target of world.notify.targetsFor({ ...n, timestamp: t, fields: { type: 'vzdump', hostname: node, 'job-id': job.id } })) lines.push(`INFO: notified via target \`${target}\``);
			lines.push(failed ? 'TASK ERROR: job errors' : 'TASK OK');
			const task = world.tasks.addFinished({ node, type: 'vzdump', id: '', authId: 'root@pam', starttime: start, duration: t - start, lines });
			const entry = (time: number, msg: string, pri: number) => cluster.log.push({ uid: cluster.nextLogUid++, time, pri, tag: 'pvescheduler', pid: task.pid, node, user: 'root@pam', msg });
			entry(start, `starting task ${task.upid}`, 6);
			entry(t, `end task ${task.upid} ${task.exitstatus}`, failed ? 3 : 6);
		}
	}
	cluster.log.sort((a, b) => a.time - b.time);
	cluster.log.forEach((e, i) => (e.uid = i + 1));
	cluster.nextLogUid = cluster.log.length + 1;
}
