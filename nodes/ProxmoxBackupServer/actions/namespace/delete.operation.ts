import type { ProxmoxOperation } from '../../../shared/actions/types';
import { apiPath } from '../../../shared/proxmox';
import { nsParam, readNamespace, readStore } from '../../helpers/ids';
import { namespaceLocator, storeLocator } from '../common.descriptions';

export const remove: ProxmoxOperation = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete a namespace',
	description:
		'Deletes a namespace of a datastore. By default only an empty namespace is removed; with "Delete Backup Groups" every group and snapshot inside it (and below) is deleted too, except protected snapshots, which make it fail. Input: datastore, namespace.',
	safety: 'destructive',
	properties: [
		storeLocator(),
		namespaceLocator({ required: true, description: 'The namespace to delete (not the root)' }),
		{ displayName: 'Delete Backup Groups', name: 'deleteGroups', type: 'boolean', default: false, description: 'Whether to delete the backup groups and snapshots in the namespace too; otherwise only empty namespaces are removed' },
	],
	async execute(ctx) {
		const store = readStore(ctx);
		const ns = readNamespace(ctx, 'namespace', true);
		const deleteGroups = ctx.fn.getNodeParameter('deleteGroups', ctx.itemIndex, false) as boolean;
		await ctx.client.delete(apiPath`/admin/datastore/${store}/namespace`, { ...nsParam(ns), 'delete-groups': deleteGroups });
		return { store, ns, deleted: true };
	},
};
