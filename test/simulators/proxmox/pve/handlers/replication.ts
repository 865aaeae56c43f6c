import { ApiError } from '../../core/errors';
import type { HandlerRegistry } from '../../core/world';
import type { PveWorld, ReplicationJob } from '../model';
import { startTask, type PveCall } from './common';

function requireJob(call: PveCall): ReplicationJob {
	const job = call.world.cluster.replication.get(String(call.params.id));
	if (!job) throw new ApiError(500, `replication job '${call.params.id}' does not exist`);
	return job;
}

function config(job: ReplicationJob): Record<string, unknown> {
	const e: Record<string, unknown> = { id: job.id, type: 'local', guest: job.guest, jobnum: job.jobnum, target: job.target, schedule: job.schedule, source: job.source };
	if (job.comment) e.comment = job.comment;
	if (job.disable) e.disable = 1;
	if (job.rate) e.rate = job.rate;
	return e;
}

function status(job: ReplicationJob): Record<string, unknown> {
	const e: Record<string, unknown> = { ...config(job), last_sync: job.lastSync, last_try: job.lastTry, duration: job.duration, next_sync: job.lastTry + 900, fail_count: job.failCount };
	if (job.error) e.error = job.error;
	return e;
}

/** Runs a replication (pvesr): a `replicate` task; a failure counts up and sends the `replication` notification. */
function runJob(call: PveCall, job: ReplicationJob): string {
	const w = call.world;
	return startTask(
		call,
		'replicate',
		job.id,
		async (ctx) => {
			const begin = w.clock.now();
			job.lastTry = begin;
			ctx.log(`start replication job`);
			ctx.log(`guest => VM ${job.guest}, running => ${w.cluster.guests.get(job.guest)?.status === 'running' ? 1 : 0}`);
			ctx.log(`volumes => local-lvm:vm-${job.guest}-disk-0`);
			try {
				if (!w.cluster.nodes.get(job.target)?.online) throw new Error(`ssh: connect to host ${w.cluster.nodes.get(job.target)?.ip} port 22: No route to host`);
				await ctx.sleep(1200);
				ctx.log(`end replication job`);
				job.lastSync = w.clock.now();
				job.duration = Math.max(1, job.lastSync - begin);
				job.failCount = 0;
				job.error = undefined;
			} catch (e) {
				const message = (e as Error).message;
				job.failCount++;
				job.error = message;
				ctx.log(`end replication job with error: ${message}`);
				void w.notify.emit({
					title: `Replication Job: '${job.id}' failed`,
					message: `Replication job '${job.id}' with target '${job.target}' and schedule '${job.schedule}' failed!\n\nLast successful sync: ${job.lastSync ? new Date(job.lastSync * 1000).toISOString() : 'never'}\nNext sync try: ${new Date((w.clock.now() + 900) * 1000).toISOString()}\nFailure count: ${job.failCount}\n\nError:\n${message}\n`,
					severity: 'error',
					timestamp: w.clock.now(),
					fields: { type: 'replication', hostname: job.source, 'job-id': job.id },
				});
				throw e;
			}
		},
		job.source,
	);
}

export function registerReplication(reg: HandlerRegistry<PveWorld>): void {
	reg.on('GET', '/cluster/replication', (call) => [...call.world.cluster.replication.values()].map(config));
	reg.on('GET', '/cluster/replication/{id}', (call) => ({ ...config(requireJob(call)), digest: 'f'.repeat(40) }));
	reg.on('POST', '/cluster/replication', (call) => {
		const id = String(call.params.id);
		if (call.world.cluster.replication.has(id)) throw new ApiError(500, `replication job '${id}' already exists`);
		const [guestText, jobnum] = id.split('-');
		const guest = call.world.cluster.guests.get(Number(guestText));
		if (!guest) throw new ApiError(500, `guest '${guestText}' does not exist`);
		const target = String(call.params.target);
		if (target === guest.node) throw new ApiError(500, `target '${target}' is the current node`);
		if (!call.world.cluster.nodes.has(target)) throw new ApiError(500, `no such node '${target}'`);
		call.world.cluster.replication.set(id, { id, guest: guest.vmid, jobnum: Number(jobnum), target, source: guest.node, schedule: String(call.params.schedule ?? '*/15'), comment: call.params.comment as string | undefined, disable: call.params.disable === 1, rate: call.params.rate as number | undefined, lastSync: 0, lastTry: 0, duration: 0, failCount: 0 });
		return null;
	});
	reg.on('PUT', '/cluster/replication/{id}', (call) => {
		const job = requireJob(call);
		if (call.params.schedule !== undefined) job.schedule = String(call.params.schedule);
		if (call.params.comment !== undefined) job.comment = String(call.params.comment);
		if (call.params.disable !== undefined) job.disable = call.params.disable === 1;
		if (call.params.rate !== undefined) job.rate = Number(call.params.rate);
		return null;
	});
	reg.on('DELETE', '/cluster/replication/{id}', (call) => {
		call.world.cluster.replication.delete(requireJob(call).id);
		return null;
	});
	reg.on('GET', '/nodes/{node}/replication', (call) =>
		[...call.world.cluster.replication.values()].filter((j) => j.source === call.params.node && (call.params.guest === undefined || j.guest === Number(call.params.guest))).map(status),
	);
	reg.on('GET', '/nodes/{node}/replication/{id}/status', (call) => status(requireJob(call)));
	reg.on('POST', '/nodes/{node}/replication/{id}/schedule_now', (call) => runJob(call, requireJob(call)));
}
