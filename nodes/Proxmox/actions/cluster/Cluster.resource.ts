import type { ProxmoxResource } from '../types';
import { createBackupJob } from './createBackupJob.operation';
import { deleteBackupJob } from './deleteBackupJob.operation';
import { getBackupJobs } from './getBackupJobs.operation';
import { getHaStatus } from './getHaStatus.operation';
import { getLog } from './getLog.operation';
import { getNextId } from './getNextId.operation';
import { getNotBackedUp } from './getNotBackedUp.operation';
import { getResources } from './getResources.operation';
import { getStatus } from './getStatus.operation';
import { getTasks } from './getTasks.operation';
import { runBackupJob } from './runBackupJob.operation';
import { updateBackupJob } from './updateBackupJob.operation';

export const clusterResource: ProxmoxResource = {
	value: 'cluster',
	name: 'Cluster',
	description: 'Cluster-wide status, resources, log, HA and backup jobs',
	operations: [getStatus, getResources, getLog, getTasks, getNextId, getHaStatus, getBackupJobs, createBackupJob, updateBackupJob, deleteBackupJob, runBackupJob, getNotBackedUp],
};
