import type { IDataObject } from 'n8n-workflow';

import { apiPath, type ProxmoxParams } from '../../../shared/proxmox';
import { resolveNodeName } from '../../helpers/guests';
import { limitItems } from '../../helpers/results';
import { limitFields, nodeLocator } from '../common.descriptions';
import type { ProxmoxOperation } from '../types';

interface TaskFilters {
	source?: string;
	statusfilter?: string;
	typefilter?: string;
	userfilter?: string;
	vmid?: number;
	since?: string;
	until?: string;
	errors?: boolean;
}

function epoch(value: string | undefined): number | undefined {
	if (!value) return undefined;
	const ms = Date.parse(value);
	return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

export const getMany: ProxmoxOperation = {
	value: 'getMany',
	name: 'Get Many',
	action: 'Get many tasks',
	description: 'Lists tasks (backups, migrations, starts...) of one node, or the recent tasks of the whole cluster. Filters: status (ok, warning, error), type (e.g. vzdump, qmstart), user, VMID, time range, running only. Returns UPID, type, ID, user, start/end time and status.',
	safety: 'read',
	properties: [
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'options',
			default: 'node',
			options: [
				{ name: 'One Node', value: 'node', description: 'Full task history of one node, with server-side filters' },
				{ name: 'Cluster (Recent)', value: 'cluster', description: 'Recent and running tasks of every node' },
			],
		},
		nodeLocator({ displayOptions: { show: { scope: ['node'] } } }),
		...limitFields(),
		{
			displayName: 'Filters',
			name: 'taskFilters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			options: [
				{ displayName: 'Errors Only', name: 'errors', type: 'boolean', default: false, description: 'Whether to return only failed tasks' },
				{ displayName: 'Since', name: 'since', type: 'dateTime', default: '' },
				{
					displayName: 'Source',
					name: 'source',
					type: 'options',
					default: 'all',
					options: [
						{ name: 'All', value: 'all' },
						{ name: 'Finished', value: 'archive' },
						{ name: 'Running', value: 'active' },
					],
				},
				{ displayName: 'Status', name: 'statusfilter', type: 'string', default: '', placeholder: 'error,warning', description: 'Comma-separated: ok, warning, error, unknown' },
				{ displayName: 'Type', name: 'typefilter', type: 'string', default: '', placeholder: 'vzdump', description: 'Task type, e.g. vzdump, qmstart, qmigrate' },
				{ displayName: 'Until', name: 'until', type: 'dateTime', default: '' },
				{ displayName: 'User', name: 'userfilter', type: 'string', default: '', placeholder: 'root@pam' },
				{
					displayName: 'VMID',
					name: 'vmid',
					type: 'number',
					default: 0,
					description: 'Only tasks whose ID is this VMID. Scheduled and multi-guest backups run as one task per node without an ID: use Backup > Get Many for a guest\'s backups.',
				},
			],
		},
	],
	async execute(ctx) {
		const scope = ctx.fn.getNodeParameter('scope', ctx.itemIndex) as string;
		const filters = ctx.fn.getNodeParameter('taskFilters', ctx.itemIndex, {}) as TaskFilters;
		if (scope === 'cluster') {
			const since = epoch(filters.since);
			const until = epoch(filters.until);
			const statuses = (filters.statusfilter ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
			const tasks = ((await ctx.client.get<IDataObject[]>('/cluster/tasks')) ?? []).filter((task) => {
				const status = String(task.status ?? '');
				const state = !task.endtime ? 'running' : status === 'OK' ? 'ok' : /^WARNINGS/.test(status) ? 'warning' : 'error';
				if (filters.source === 'active' && state !== 'running') return false;
				if (filters.source === 'archive' && state === 'running') return false;
				if (statuses.length && !statuses.includes(state)) return false;
				if (filters.errors && state !== 'error') return false;
				if (filters.typefilter && task.type !== filters.typefilter) return false;
				if (filters.userfilter && !String(task.user ?? '').includes(filters.userfilter)) return false;
				if (filters.vmid && String(task.id) !== String(filters.vmid)) return false;
				if (since && Number(task.starttime) < since) return false;
				if (until && Number(task.starttime) > until) return false;
				return true;
			});
			return limitItems(ctx, tasks.sort((a, b) => Number(b.starttime) - Number(a.starttime)));
		}
		const node = resolveNodeName(ctx);
		const returnAll = ctx.fn.getNodeParameter('returnAll', ctx.itemIndex, false) as boolean;
		const params: ProxmoxParams = {
			source: filters.source || 'all',
			statusfilter: filters.statusfilter,
			typefilter: filters.typefilter,
			userfilter: filters.userfilter,
			vmid: filters.vmid || undefined,
			since: epoch(filters.since),
			until: epoch(filters.until),
			errors: filters.errors || undefined,
			// The API's limit defaults to 50; 0 is not "no limit" on PVE, so ask for a large page.
			limit: returnAll ? 100000 : (ctx.fn.getNodeParameter('limit', ctx.itemIndex, 50) as number),
		};
		const tasks = (await ctx.client.get<IDataObject[]>(apiPath`/nodes/${node}/tasks`, params)) ?? [];
		return limitItems(ctx, tasks);
	},
};
