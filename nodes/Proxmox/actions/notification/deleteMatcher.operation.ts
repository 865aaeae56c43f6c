import { apiPath } from '../../../shared/proxmox';
import type { ProxmoxOperation } from '../types';
import { matcherNameField } from './matchers';

export const deleteMatcher: ProxmoxOperation = {
	value: 'deleteMatcher',
	name: 'Delete Matcher',
	action: 'Delete a notification matcher',
	description: 'Deletes a notification matcher; its events are no longer routed to its targets. Input: name.',
	safety: 'destructive',
	properties: [matcherNameField],
	async execute(ctx) {
		const name = (ctx.fn.getNodeParameter('matcherName', ctx.itemIndex) as string).trim();
		await ctx.client.delete(apiPath`/cluster/notifications/matchers/${name}`);
		return { name, deleted: true };
	},
};
