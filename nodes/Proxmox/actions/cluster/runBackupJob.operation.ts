import type { IDataObject } from 'n8n-workflow';

import { apiPath, type ProxmoxParams } from '../../../shared/proxmox';
import { listClusterGuests } from '../../helpers/guests';
import { taskOrResult } from '../../helpers/results';
import type { ProxmoxOperation } from '../types';
import { getJob, jobIdField, jobIdOf } from './backupJobs';

/** Job settings that describe the schedule, not the backup itself. */
const SCHEDULE_ONLY = new Set(['id', 'schedule', 'enabled', 'type', 'comment', 'next-run', 'repeat-missed', 'starttime', 'dow', 'node', 'digest']);

export const runBackupJob: ProxmoxOperation = {
	value: 'runBackupJob',
	name: 'Run Backup Job Now',
	action: 'Run a backup job now',
	description:
		'Starts a scheduled backup job immediately, as the GUI\'s "Run now" does: one backup task per node with the job\'s settings. Input: job ID. Returns one task result per node.',
	safety: 'write',
	startsTask: true,
	properties: [jobIdField],
	async execute(ctx) {
		const id = jobIdOf(ctx);
		const job = await getJob(ctx, id);
		const params: ProxmoxParams = {};
		for (const [key, value] of Object.entries(job)) {
			if (SCHEDULE_ONLY.has(key) || value === null || typeof value === 'object') continue;
			params[key] = value as string | number | boolean;
		}
		// The GUI's "Run now" posts the job to every online node; vzdump then skips guests that
		// live elsewhere. Sending each node only its own guests gives the same backups without
		// the empty runs.
		const runs = new Map<string, ProxmoxParams>();
		if (job.vmid && !job.all) {
			const wanted = String(job.vmid).split(',').map((id) => Number(id.trim())).filter(Number.isInteger);
			const guests = await listClusterGuests(ctx.client);
			for (const vmid of wanted) {
				const guest = guests.find((g) => Number(g.vmid) === vmid);
				if (!guest?.node || (job.node && guest.node !== job.node)) continue;
				const existing = runs.get(guest.node);
				runs.set(guest.node, { ...params, vmid: existing ? `${existing.vmid as string},${vmid}` : String(vmid) });
			}
		} else {
			const nodes = job.node
				? [String(job.node)]
				: ((await ctx.client.get<Array<{ node: string; status?: string }>>('/nodes')) ?? []).filter((n) => n.status === 'online').map((n) => n.node);
			for (const node of nodes) runs.set(node, params);
		}
		const results: IDataObject[] = [];
		for (const [node, nodeParams] of runs) {
			const data = await ctx.client.post(apiPath`/nodes/${node}/vzdump`, nodeParams);
			results.push(taskOrResult(data, { jobId: id, node }) as IDataObject);
		}
		return results;
	},
};
