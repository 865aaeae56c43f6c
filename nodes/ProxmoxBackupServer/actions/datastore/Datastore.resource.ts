import type { ProxmoxResource } from '../../../shared/actions/types';
import { getMany } from './getMany.operation';
import { getStatus } from './getStatus.operation';
import { getUsageHistory } from './getUsageHistory.operation';

export const datastoreResource: ProxmoxResource = {
	value: 'datastore',
	name: 'Datastore',
	description: 'Datastores: usage, garbage collection status, estimated full date, history',
	operations: [getMany, getStatus, getUsageHistory],
};
