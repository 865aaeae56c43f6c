import type { IDataObject } from 'n8n-workflow';

import { retentionSafety } from '../../helpers/configSafety';
import { readExtraParameters } from '../../helpers/results';
import type { ProxmoxOperation } from '../types';
import { createJobFields, jobParams } from './backupJobs';

export const createBackupJob: ProxmoxOperation = {
	value: 'createBackupJob',
	name: 'Create Backup Job',
	action: 'Create a backup job',
	description: 'Creates a scheduled backup job. Inputs: schedule (e.g. 21:00), storage, selection (all guests or VMIDs), mode. Returns the created job.',
	safety: 'write',
	// A retention in the additional parameters deletes older backups at the next run.
	safetyFor: (ctx) => retentionSafety(readExtraParameters(ctx)),
	safetyRule: 'destructive with `prune-backups` in the additional parameters',
	properties: createJobFields,
	async execute(ctx) {
		const before = new Set(((await ctx.client.get<IDataObject[]>('/cluster/backup')) ?? []).map((job) => job.id));
		await ctx.client.post('/cluster/backup', jobParams(ctx, true));
		const created = ((await ctx.client.get<IDataObject[]>('/cluster/backup')) ?? []).filter((job) => !before.has(job.id));
		return created.length ? created : { created: true };
	},
};
