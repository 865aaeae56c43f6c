import { apiPath } from '../../../shared/proxmox';
import { retentionSafety } from '../../helpers/configSafety';
import { readExtraParameters } from '../../helpers/results';
import type { ProxmoxOperation } from '../types';
import { getJob, jobIdField, jobParams, updateJobFields, jobIdOf } from './backupJobs';

export const updateBackupJob: ProxmoxOperation = {
	value: 'updateBackupJob',
	name: 'Update Backup Job',
	action: 'Update a backup job',
	description: 'Changes a backup job (schedule, storage, selection, mode, enabled, comment); fields left empty are kept. Input: job ID. Returns the updated job.',
	safety: 'write',
	// A retention in the additional parameters deletes older backups at the next run.
	safetyFor: (ctx) => retentionSafety(readExtraParameters(ctx)),
	safetyRule: 'destructive with `prune-backups` in the additional parameters',
	properties: [jobIdField, ...updateJobFields],
	async execute(ctx) {
		const id = jobIdOf(ctx);
		await ctx.client.put(apiPath`/cluster/backup/${id}`, jobParams(ctx, false));
		return await getJob(ctx, id);
	},
};
