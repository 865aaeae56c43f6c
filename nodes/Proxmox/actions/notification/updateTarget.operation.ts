import type { IDataObject } from 'n8n-workflow';

import { apiPath } from '../../../shared/proxmox';
import type { ProxmoxOperation } from '../types';
import { targetFields, targetNameField, targetParams, targetTypeField } from './targets';

export const updateTarget: ProxmoxOperation = {
	value: 'updateTarget',
	name: 'Update Target',
	action: 'Update a notification target',
	description: 'Changes a notification target; empty fields keep their value. For webhooks, list every secret to keep. Inputs: type, name, fields to change. Returns the target.',
	safety: 'write',
	properties: [targetTypeField, targetNameField, ...targetFields],
	async execute(ctx) {
		const type = ctx.fn.getNodeParameter('targetType', ctx.itemIndex) as string;
		const name = (ctx.fn.getNodeParameter('targetName', ctx.itemIndex) as string).trim();
		await ctx.client.put(apiPath`/cluster/notifications/endpoints/${type}/${name}`, targetParams(ctx, type));
		return await ctx.client.get<IDataObject>(apiPath`/cluster/notifications/endpoints/${type}/${name}`);
	},
};
