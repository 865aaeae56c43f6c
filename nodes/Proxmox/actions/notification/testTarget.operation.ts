import { apiPath } from '../../../shared/proxmox';
import type { ProxmoxOperation } from '../types';
import { targetNameField } from './targets';

export const testTarget: ProxmoxOperation = {
	value: 'testTarget',
	name: 'Test Target',
	action: 'Send a test notification',
	description: 'Makes Proxmox send a test notification ("Test notification", severity info) through one target. Input: target name. Returns sent: true, or the delivery error.',
	safety: 'write',
	properties: [targetNameField],
	async execute(ctx) {
		const name = (ctx.fn.getNodeParameter('targetName', ctx.itemIndex) as string).trim();
		await ctx.client.post(apiPath`/cluster/notifications/targets/${name}/test`);
		return { name, sent: true };
	},
};
