import { apiPath } from '../../../shared/proxmox';
import { resolveNodeName } from '../../helpers/guests';
import { taskOrResult } from '../../helpers/results';
import { nodeLocator } from '../common.descriptions';
import type { ProxmoxOperation } from '../types';

export const restartService: ProxmoxOperation = {
	value: 'restartService',
	name: 'Restart Service',
	action: 'Restart a service on a node',
	description: 'Restarts one system service of a node (e.g. pveproxy, pvestatd, chronyd). Inputs: node, service name. Returns the task result.',
	safety: 'write',
	startsTask: true,
	properties: [
		nodeLocator(),
		{ displayName: 'Service', name: 'service', type: 'string', default: '', required: true, placeholder: 'pvestatd', description: 'Service name as listed by Get Services' },
	],
	async execute(ctx) {
		const node = resolveNodeName(ctx);
		const service = (ctx.fn.getNodeParameter('service', ctx.itemIndex) as string).trim();
		const data = await ctx.client.post(apiPath`/nodes/${node}/services/${service}/restart`);
		return taskOrResult(data, { node, service });
	},
};
