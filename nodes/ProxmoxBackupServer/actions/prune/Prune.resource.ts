import type { ProxmoxResource } from '../../../shared/actions/types';
import { apply } from './apply.operation';
import { getJobs } from './getJobs.operation';
import { runJob } from './runJob.operation';
import { simulate } from './simulate.operation';

export const pruneResource: ProxmoxResource = {
	value: 'prune',
	name: 'Prune',
	description: 'Retention: simulate or apply a prune, and prune jobs',
	operations: [simulate, apply, getJobs, runJob],
};
