import type { IDataObject } from 'n8n-workflow';

import type { ProxmoxOperation } from '../../../shared/actions/types';
import { apiPath } from '../../../shared/proxmox';
import { nsParam, readGroup, readNamespace, readStore } from '../../helpers/ids';
import { groupLocator, namespaceLocator, storeLocator } from '../common.descriptions';

export const remove: ProxmoxOperation = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete a backup group',
	description:
		'Deletes a backup group with all its snapshots (the space is freed by the next garbage collection). Protected snapshots are kept and make the call fail. Input: datastore, namespace, group (vm/100). Returns the counts of removed snapshots.',
	safety: 'destructive',
	properties: [storeLocator(), namespaceLocator(), groupLocator()],
	async execute(ctx) {
		const store = readStore(ctx);
		const ns = readNamespace(ctx);
		const group = readGroup(ctx);
		const result = await ctx.client.delete<IDataObject | null>(apiPath`/admin/datastore/${store}/groups`, { ...nsParam(ns), ...group });
		return { datastore: store, namespace: ns, group: `${group['backup-type']}/${group['backup-id']}`, deleted: true, ...(result && typeof result === 'object' ? result : {}) };
	},
};
