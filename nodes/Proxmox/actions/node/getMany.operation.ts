import type { IDataObject } from 'n8n-workflow';

import { limitItems } from '../../helpers/results';
import { limitFields } from '../common.descriptions';
import type { ProxmoxOperation } from '../types';

export const getMany: ProxmoxOperation = {
	value: 'getMany',
	name: 'Get Many',
	action: 'Get many nodes',
	description: 'Lists the cluster\'s nodes with status (online/offline), CPU, memory, disk usage and uptime. Return All, or up to Limit (default 50).',
	safety: 'read',
	properties: [...limitFields()],
	async execute(ctx) {
		const nodes = (await ctx.client.get<IDataObject[]>('/nodes')) ?? [];
		return limitItems(ctx, nodes.sort((a, b) => String(a.node).localeCompare(String(b.node))));
	},
};
