import type { ProxmoxResource } from '../../../shared/actions/types';
import { getJobs } from './getJobs.operation';
import { getRemotes } from './getRemotes.operation';
import { runJob } from './runJob.operation';

export const syncResource: ProxmoxResource = {
	value: 'sync',
	name: 'Sync',
	description: 'Sync jobs between Proxmox Backup Servers, and remotes',
	operations: [getJobs, runJob, getRemotes],
};
