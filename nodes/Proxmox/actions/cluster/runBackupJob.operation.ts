import type { IDataObject } from 'n8n-workflow';

import { apiPath, type ProxmoxParams } from '../../../shared/proxmox';
import { taskOrResult } from '../../helpers/results';
import type { ProxmoxOperation } from '../types';
import { getJob, jobIdField } from './backupJobs';

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
		const id = (ctx.fn.getNodeParameter('jobId', ctx.itemIndex) as string).trim();
		const job = await getJob(ctx, id);
		const params: ProxmoxParams = {};
		for (const [key, value] of Object.entries(job)) {
			if (SCHEDULE_ONLY.has(key) || value === null || typeof value === 'object') continue;
			params[key] = value as string | number | boolean;
		}
		const nodes = job.node
			? [String(job.node)]
			: ((await ctx.client.get<Array<{ node: string; status?: string }>>('/nodes')) ?? []).filter((n) => n.status === 'online').map((n) => n.node);
		const results: IDataObject[] = [];
		for (const node of nodes) {
			const data = await ctx.client.post(apiPath`/nodes/${node}/vzdump`, params);
			results.push(taskOrResult(data, { jobId: id, node }) as IDataObject);
		}
		return results;
	},
};
