import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import type { ProxmoxOperation } from '../../../shared/actions/types';
import { exitStatusIsSuccess, type ProxmoxParams } from '../../../shared/proxmox';
import { isoTime } from '../../helpers/format';
import { checkStore } from '../../helpers/ids';
import { limitFields } from '../common.descriptions';

const TASK_TYPES = [
	{ name: 'Any', value: '' },
	{ name: 'Backup', value: 'backup' },
	{ name: 'Garbage Collection', value: 'garbage_collection' },
	{ name: 'Prune', value: 'prune' },
	{ name: 'Prune Job', value: 'prunejob' },
	{ name: 'Reader (Restore)', value: 'reader' },
	{ name: 'Sync Job', value: 'syncjob' },
	{ name: 'Verification', value: 'verificationjob' },
	{ name: 'Verify', value: 'verify' },
];

export const getMany: ProxmoxOperation = {
	value: 'getMany',
	name: 'Get Many',
	action: 'Get many tasks',
	description:
		'Lists the server\'s tasks (newest first) with type, worker ID, user, start and end time, status and success, filtered by running or failed only, type, datastore, user and time range. Returns one item per task.',
	safety: 'read',
	properties: [
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			options: [
				{ displayName: 'Datastore', name: 'store', type: 'string', default: '', placeholder: 'backup', description: 'Only tasks of this datastore' },
				{ displayName: 'Failed Only', name: 'errors', type: 'boolean', default: false, description: 'Whether to list only tasks that failed' },
				{ displayName: 'Running Only', name: 'running', type: 'boolean', default: false, description: 'Whether to list only running tasks' },
				{ displayName: 'Since', name: 'since', type: 'dateTime', default: '', description: 'Only tasks started at or after this time' },
				{ displayName: 'Type', name: 'typefilter', type: 'options', default: '', options: TASK_TYPES, description: 'Only tasks of this type' },
				{ displayName: 'Until', name: 'until', type: 'dateTime', default: '', description: 'Only tasks started before this time' },
				{ displayName: 'User', name: 'userfilter', type: 'string', default: '', placeholder: 'root@pam', description: 'Only tasks started by this user or token' },
			],
		},
		...limitFields(),
	],
	async execute(ctx) {
		const filters = ctx.fn.getNodeParameter('filters', ctx.itemIndex, {}) as Record<string, string | boolean>;
		const params: ProxmoxParams = {};
		if (filters.store) {
			const problem = checkStore(String(filters.store));
			if (problem) throw new NodeOperationError(ctx.fn.getNode(), `Datastore ${problem}`, { itemIndex: ctx.itemIndex, description: 'Field: Filters > Datastore' });
			params.store = String(filters.store);
		}
		if (filters.errors) params.errors = true;
		if (filters.running) params.running = true;
		if (filters.typefilter) params.typefilter = String(filters.typefilter);
		if (filters.userfilter) params.userfilter = String(filters.userfilter);
		for (const key of ['since', 'until'] as const) {
			if (!filters[key]) continue;
			const ms = Date.parse(String(filters[key]));
			if (!Number.isFinite(ms)) throw new NodeOperationError(ctx.fn.getNode(), `"${String(filters[key])}" is not a date`, { itemIndex: ctx.itemIndex, description: `Field: Filters > ${key}` });
			params[key] = Math.floor(ms / 1000);
		}
		const returnAll = ctx.fn.getNodeParameter('returnAll', ctx.itemIndex, false) as boolean;
		params.limit = returnAll ? 0 : Math.max(1, ctx.fn.getNodeParameter('limit', ctx.itemIndex, 50) as number);
		const tasks = (await ctx.client.get<IDataObject[]>('/nodes/localhost/tasks', params)) ?? [];
		return tasks.map((task) => ({
			...task,
			startTimeIso: isoTime(task.starttime) ?? null,
			endTimeIso: isoTime(task.endtime) ?? null,
			running: task.endtime === undefined || task.endtime === null,
			success: task.status === undefined ? null : exitStatusIsSuccess(String(task.status)),
		}));
	},
};
