import { clusterRead } from './simple';

export const getBackupJobs = clusterRead({
	value: 'getBackupJobs',
	name: 'Get Backup Jobs',
	action: 'Get backup jobs',
	description: 'Lists the scheduled backup jobs (ID, schedule, storage, selection, mode, enabled, next run). No inputs.',
	path: '/cluster/backup',
});
