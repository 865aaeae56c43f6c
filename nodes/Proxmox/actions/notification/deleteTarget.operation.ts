import { apiPath } from '../../../shared/proxmox';
import type { ProxmoxOperation } from '../types';
import { targetNameField, targetTypeField } from './targets';

export const deleteTarget: ProxmoxOperation = {
	value: 'deleteTarget',
	name: 'Delete Target',
	action: 'Delete a notification target',
	description: 'Deletes a notification target; matchers that used it stop delivering there. Inputs: type, name.',
	safety: 'destructive',
	properties: [targetTypeField, targetNameField],
	async execute(ctx) {
		const type = ctx.fn.getNodeParameter('targetType', ctx.itemIndex) as string;
		const name = (ctx.fn.getNodeParameter('targetName', ctx.itemIndex) as string).trim();
		await ctx.client.delete(apiPath`/cluster/notifications/endpoints/${type}/${name}`);
		return { type, name, deleted: true };
	},
};
