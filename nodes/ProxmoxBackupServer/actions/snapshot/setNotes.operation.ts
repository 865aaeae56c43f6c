import type { ProxmoxOperation } from '../../../shared/actions/types';
import { apiPath } from '../../../shared/proxmox';
import { nsParam, readNamespace, readSnapshot, readStore } from '../../helpers/ids';
import { namespaceLocator, snapshotLocator, storeLocator } from '../common.descriptions';
import { snapshotSummary } from './list';

export const setNotes: ProxmoxOperation = {
	value: 'setNotes',
	name: 'Set Notes',
	action: 'Set the notes of a snapshot',
	description: 'Replaces the notes of a snapshot (the first line is shown as its comment). Input: datastore, namespace, snapshot (vm/100/2025-01-31T03:00:00Z), notes (empty clears them).',
	safety: 'write',
	properties: [
		storeLocator(),
		namespaceLocator(),
		snapshotLocator(),
		{ displayName: 'Notes', name: 'notes', type: 'string', typeOptions: { rows: 3 }, default: '', description: 'New notes; the first line becomes the comment' },
	],
	async execute(ctx) {
		const store = readStore(ctx);
		const ns = readNamespace(ctx);
		const snapshot = readSnapshot(ctx);
		const notes = ctx.fn.getNodeParameter('notes', ctx.itemIndex, '') as string;
		await ctx.client.put(apiPath`/admin/datastore/${store}/notes`, { ...nsParam(ns), ...snapshot, notes });
		return { ...snapshotSummary(store, ns, snapshot), notes };
	},
};
