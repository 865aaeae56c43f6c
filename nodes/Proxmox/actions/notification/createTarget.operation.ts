import type { IDataObject } from 'n8n-workflow';

import { apiPath } from '../../../shared/proxmox';
import type { ProxmoxOperation } from '../types';
import { targetFields, targetNameField, targetParams, targetTypeField } from './targets';

export const createTarget: ProxmoxOperation = {
	value: 'createTarget',
	name: 'Create Target',
	action: 'Create a notification target',
	description:
		'Creates a notification target: Gotify (server, token), Sendmail or SMTP (recipients), or Webhook (URL, method, body template, headers, secrets; e.g. an n8n webhook). Inputs: type, name, type fields. Returns the target without secret values.',
	safety: 'write',
	properties: [targetTypeField, targetNameField, ...targetFields],
	async execute(ctx) {
		const type = ctx.fn.getNodeParameter('targetType', ctx.itemIndex) as string;
		const name = (ctx.fn.getNodeParameter('targetName', ctx.itemIndex) as string).trim();
		await ctx.client.post(apiPath`/cluster/notifications/endpoints/${type}`, { name, ...targetParams(ctx, type) });
		return await ctx.client.get<IDataObject>(apiPath`/cluster/notifications/endpoints/${type}/${name}`);
	},
};
