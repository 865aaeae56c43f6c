import { apiPath } from '../../../shared/proxmox';
import type { ProxmoxOperation } from '../types';
import { jobIdField, jobIdOf } from './backupJobs';

export const deleteBackupJob: ProxmoxOperation = {
	value: 'deleteBackupJob',
	name: 'Delete Backup Job',
	action: 'Delete a backup job',
	description: 'Deletes a scheduled backup job (existing backups stay). Input: job ID.',
	safety: 'destructive',
	properties: [jobIdField],
	async execute(ctx) {
		const id = jobIdOf(ctx);
		await ctx.client.delete(apiPath`/cluster/backup/${id}`);
		return { id, deleted: true };
	},
};
