import type { IDataObject } from 'n8n-workflow';

import { apiPath, ProxmoxApiError, toNodeError } from '../../../shared/proxmox';
import { resolveNodeName } from '../../helpers/guests';
import { nodeLocator } from '../common.descriptions';
import type { ProxmoxOperation } from '../types';

export const getDisks: ProxmoxOperation = {
	value: 'getDisks',
	name: 'Get Disks',
	action: 'Get the disks of a node',
	description:
		'Lists a node\'s physical disks (device, model, serial, size, type, usage, wearout, health) and optionally each disk\'s SMART attributes. Inputs: node, whether to include SMART.',
	safety: 'read',
	properties: [
		nodeLocator(),
		{ displayName: 'Include SMART Details', name: 'includeSmart', type: 'boolean', default: false, description: 'Whether to read each disk\'s SMART data (one request per disk)' },
	],
	async execute(ctx) {
		const node = resolveNodeName(ctx);
		const disks = (await ctx.client.get<IDataObject[]>(apiPath`/nodes/${node}/disks/list`)) ?? [];
		const withSmart = ctx.fn.getNodeParameter('includeSmart', ctx.itemIndex, false) as boolean;
		const out: IDataObject[] = [];
		for (const disk of disks) {
			const item: IDataObject = { node, ...disk };
			if (withSmart && disk.devpath) {
				// One unreadable disk (no SMART support, USB bridge) must not hide the others.
				try {
					item.smart = await ctx.client.get<IDataObject>(apiPath`/nodes/${node}/disks/smart`, { disk: String(disk.devpath) });
				} catch (error) {
					if (!(error instanceof ProxmoxApiError)) throw toNodeError(ctx.fn.getNode(), error, ctx.itemIndex);
					item.smartError = error.message;
				}
			}
			out.push(item);
		}
		return out;
	},
};
