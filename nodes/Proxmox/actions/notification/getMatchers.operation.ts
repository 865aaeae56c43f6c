import type { IDataObject } from 'n8n-workflow';

import type { ProxmoxOperation } from '../types';

export const getMatchers: ProxmoxOperation = {
	value: 'getMatchers',
	name: 'Get Matchers',
	action: 'Get notification matchers',
	description: 'Lists the notification matchers: which events (severity, fields such as type=vzdump, calendar) go to which targets. No inputs.',
	safety: 'read',
	properties: [],
	async execute(ctx) {
		return (await ctx.client.get<IDataObject[]>('/cluster/notifications/matchers')) ?? [];
	},
};
