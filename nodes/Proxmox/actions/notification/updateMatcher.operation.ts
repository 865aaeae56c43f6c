import type { IDataObject } from 'n8n-workflow';

import { apiPath } from '../../../shared/proxmox';
import type { ProxmoxOperation } from '../types';
import { matcherFields, matcherNameField, matcherParams } from './matchers';

export const updateMatcher: ProxmoxOperation = {
	value: 'updateMatcher',
	name: 'Update Matcher',
	action: 'Update a notification matcher',
	description: 'Changes a matcher; empty lists keep their value. Inputs: name and the fields to change. Returns the matcher.',
	safety: 'write',
	properties: [matcherNameField, ...matcherFields],
	async execute(ctx) {
		const name = (ctx.fn.getNodeParameter('matcherName', ctx.itemIndex) as string).trim();
		await ctx.client.put(apiPath`/cluster/notifications/matchers/${name}`, matcherParams(ctx));
		return await ctx.client.get<IDataObject>(apiPath`/cluster/notifications/matchers/${name}`);
	},
};
