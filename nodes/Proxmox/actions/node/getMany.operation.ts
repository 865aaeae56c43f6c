import type { IDataObject } from 'n8n-workflow';

import type { ProxmoxOperation } from '../types';

export const getMany: ProxmoxOperation = {
	value: 'getMany',
	name: 'Get Many',
	action: 'Get many nodes',
	description: 'Lists the cluster\'s nodes with status (online/offline), CPU, memory, disk usage and uptime. No inputs.',
	safety: 'read',
	properties: [],
	async execute(ctx) {
		const nodes = (await ctx.client.get<IDataObject[]>('/nodes')) ?? [];
		return nodes.sort((a, b) => String(a.node).localeCompare(String(b.node)));
	},
};
