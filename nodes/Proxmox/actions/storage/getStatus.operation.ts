import type { IDataObject } from 'n8n-workflow';

import { nodeLocator, storageLocator } from '../common.descriptions';
import type { ProxmoxOperation } from '../types';
import { storageBase } from './common';

export const getStatus: ProxmoxOperation = {
	value: 'getStatus',
	name: 'Get Status',
	action: 'Get storage status',
	description: 'Returns one storage\'s status on a node: type, content types, active, used/available/total bytes and the used fraction. Inputs: node, storage.',
	safety: 'read',
	properties: [nodeLocator(), storageLocator()],
	async execute(ctx) {
		const { node, storage, base } = storageBase(ctx);
		const status = await ctx.client.get<IDataObject>(`${base}/status`);
		const total = Number(status.total ?? 0);
		const used = Number(status.used ?? 0);
		return { node, storage, ...status, usedFraction: total > 0 ? Math.round((used / total) * 10000) / 10000 : null };
	},
};
