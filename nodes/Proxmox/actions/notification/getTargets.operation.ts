import type { IDataObject } from 'n8n-workflow';

import type { ProxmoxOperation } from '../types';

export const getTargets: ProxmoxOperation = {
	value: 'getTargets',
	name: 'Get Targets',
	action: 'Get notification targets',
	description: 'Lists the notification targets (name, type: sendmail, smtp, gotify or webhook, comment, disabled, origin). No inputs.',
	safety: 'read',
	properties: [],
	async execute(ctx) {
		return (await ctx.client.get<IDataObject[]>('/cluster/notifications/targets')) ?? [];
	},
};
