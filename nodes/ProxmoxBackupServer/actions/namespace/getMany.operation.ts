import type { IDataObject } from 'n8n-workflow';

import type { ProxmoxOperation } from '../../../shared/actions/types';
import { apiPath } from '../../../shared/proxmox';
import { readNamespace, readStore } from '../../helpers/ids';
import { namespaceLocator, storeLocator } from '../common.descriptions';

export const getMany: ProxmoxOperation = {
	value: 'getMany',
	name: 'Get Many',
	action: 'Get many namespaces',
	description: 'Lists the namespaces of a datastore below a parent (default: all, from the root namespace, shown as an empty ns), with their comment. Input: datastore, optional parent namespace and depth.',
	safety: 'read',
	properties: [
		storeLocator(),
		namespaceLocator({ displayName: 'Parent Namespace', description: 'List below this namespace; empty for the root' }),
		{ displayName: 'Max Depth', name: 'maxDepth', type: 'number', typeOptions: { minValue: 0, maxValue: 7 }, default: 7, description: 'How many levels below the parent to list (0: the parent only)' },
	],
	async execute(ctx) {
		const store = readStore(ctx);
		const parent = readNamespace(ctx);
		const maxDepth = ctx.fn.getNodeParameter('maxDepth', ctx.itemIndex, 7) as number;
		const list = (await ctx.client.get<IDataObject[]>(apiPath`/admin/datastore/${store}/namespace`, { parent: parent || undefined, 'max-depth': maxDepth })) ?? [];
		return list.map((entry) => ({ store, ...entry, ns: (entry.ns as string) ?? '' }));
	},
};

