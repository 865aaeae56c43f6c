import type { ProxmoxOperation } from '../../../shared/actions/types';
import { apiPath } from '../../../shared/proxmox';
import { nsParam, readNamespace, readSnapshot, readStore } from '../../helpers/ids';
import { namespaceLocator, snapshotLocator, storeLocator } from '../common.descriptions';
import { snapshotSummary } from './list';

export const remove: ProxmoxOperation = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete a snapshot',
	description:
		'Deletes (forgets) one backup snapshot; its space is freed by the next garbage collection. A protected snapshot is refused by PBS. Input: datastore, namespace, snapshot (vm/100/2025-01-31T03:00:00Z).',
	safety: 'destructive',
	properties: [storeLocator(), namespaceLocator(), snapshotLocator()],
	async execute(ctx) {
		const store = readStore(ctx);
		const ns = readNamespace(ctx);
		const snapshot = readSnapshot(ctx);
		await ctx.client.delete(apiPath`/admin/datastore/${store}/snapshots`, { ...nsParam(ns), ...snapshot });
		return { ...snapshotSummary(store, ns, snapshot), deleted: true };
	},
};
