import type { ProxmoxOperation } from '../../../shared/actions/types';
import { apiPath } from '../../../shared/proxmox';
import { nsParam, readGroup, readNamespace, readStore } from '../../helpers/ids';
import { groupLocator, namespaceLocator, storeLocator } from '../common.descriptions';

export const setNotes: ProxmoxOperation = {
	value: 'setNotes',
	name: 'Set Notes',
	action: 'Set the notes of a backup group',
	description: 'Replaces the notes of a backup group (the first line is shown as its comment). Input: datastore, namespace, group (vm/100), notes text (empty clears them).',
	safety: 'write',
	properties: [
		storeLocator(),
		namespaceLocator(),
		groupLocator(),
		{ displayName: 'Notes', name: 'notes', type: 'string', typeOptions: { rows: 3 }, default: '', description: 'New notes; the first line becomes the comment' },
	],
	async execute(ctx) {
		const store = readStore(ctx);
		const ns = readNamespace(ctx);
		const group = readGroup(ctx);
		const notes = ctx.fn.getNodeParameter('notes', ctx.itemIndex, '') as string;
		await ctx.client.put(apiPath`/admin/datastore/${store}/group-notes`, { ...nsParam(ns), ...group, notes });
		return { datastore: store, namespace: ns, group: `${group['backup-type']}/${group['backup-id']}`, notes };
	},
};
