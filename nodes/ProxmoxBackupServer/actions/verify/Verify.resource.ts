import type { ProxmoxResource } from '../../../shared/actions/types';
import { getJobs } from './getJobs.operation';
import { runJob } from './runJob.operation';
import { start } from './start.operation';

export const verifyResource: ProxmoxResource = {
	value: 'verify',
	name: 'Verify',
	description: 'Verification of backup snapshots, and verify jobs',
	operations: [start, getJobs, runJob],
};
