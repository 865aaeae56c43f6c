import type { ProxmoxResource } from '../../../shared/actions/types';
import { getStatus } from './getStatus.operation';
import { start } from './start.operation';

export const gcResource: ProxmoxResource = {
	value: 'gc',
	name: 'Garbage Collection',
	description: 'Garbage collection: frees the space of pruned and deleted snapshots',
	operations: [start, getStatus],
};
