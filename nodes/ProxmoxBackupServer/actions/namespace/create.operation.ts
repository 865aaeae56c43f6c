import { NodeOperationError } from 'n8n-workflow';

import type { ProxmoxOperation } from '../../../shared/actions/types';
import { apiPath } from '../../../shared/proxmox';
import { readNamespace, readStore } from '../../helpers/ids';
import { namespaceLocator, storeLocator } from '../common.descriptions';

export const create: ProxmoxOperation = {
	value: 'create',
	name: 'Create',
	action: 'Create a namespace',
	description: 'Creates a namespace in a datastore, below a parent namespace (empty: at the root). Input: datastore, name (letters, digits, _ . -), optional parent. Returns the new namespace path.',
	safety: 'write',
	properties: [
		storeLocator(),
		{ displayName: 'Name', name: 'name', type: 'string', default: '', required: true, placeholder: 'team-a', description: 'Name of the new namespace, one level: letters, digits, underscore, dot and hyphen' },
		namespaceLocator({ displayName: 'Parent Namespace', description: 'Create the namespace below this one; empty for the root' }),
	],
	async execute(ctx) {
		const store = readStore(ctx);
		const parent = readNamespace(ctx);
		const name = String(ctx.fn.getNodeParameter('name', ctx.itemIndex, '')).trim();
		if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(name) || name.length > 32) {
			throw new NodeOperationError(ctx.fn.getNode(), `"${name}" is not a namespace name (1–32 characters: letters, digits, _ . -, no /)`, {
				itemIndex: ctx.itemIndex,
				description: 'Field: name. For a nested namespace, choose the Parent Namespace.',
			});
		}
		const created = await ctx.client.post<string | null>(apiPath`/admin/datastore/${store}/namespace`, { name, ...(parent ? { parent } : {}) });
		return { store, ns: typeof created === 'string' && created ? created : parent ? `${parent}/${name}` : name, created: true };
	},
};

