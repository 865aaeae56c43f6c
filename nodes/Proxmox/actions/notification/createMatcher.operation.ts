import type { IDataObject } from 'n8n-workflow';

import { apiPath } from '../../../shared/proxmox';
import type { ProxmoxOperation } from '../types';
import { matcherFields, matcherNameField, matcherParams } from './matchers';

export const createMatcher: ProxmoxOperation = {
	value: 'createMatcher',
	name: 'Create Matcher',
	action: 'Create a notification matcher',
	description:
		'Creates a matcher routing events to targets. Inputs: name, targets, mode (all/any rules), severities, field rules (exact:type=vzdump or regex:...), calendar rules. A matcher without rules matches everything. Returns the matcher.',
	safety: 'write',
	properties: [matcherNameField, ...matcherFields],
	async execute(ctx) {
		const name = (ctx.fn.getNodeParameter('matcherName', ctx.itemIndex) as string).trim();
		await ctx.client.post('/cluster/notifications/matchers', { name, ...matcherParams(ctx) });
		return await ctx.client.get<IDataObject>(apiPath`/cluster/notifications/matchers/${name}`);
	},
};
