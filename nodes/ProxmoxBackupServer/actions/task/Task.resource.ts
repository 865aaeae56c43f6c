import type { ProxmoxResource } from '../../../shared/actions/types';
import { get } from './get.operation';
import { getLog } from './getLog.operation';
import { getMany } from './getMany.operation';
import { stop } from './stop.operation';
import { wait } from './wait.operation';

export const taskResource: ProxmoxResource = {
	value: 'task',
	name: 'Task',
	description: 'Server tasks (garbage collection, verify, prune, sync, backups): list, status, log, wait, stop',
	operations: [getMany, get, getLog, wait, stop],
};
