import { taskOrResult } from '../../helpers/results';
import { nodeLocator, storageLocator } from '../common.descriptions';
import type { ProxmoxOperation } from '../types';
import { storageBase } from './common';

export const deleteVolume: ProxmoxOperation = {
	value: 'deleteVolume',
	name: 'Delete Volume',
	action: 'Delete a volume from a storage',
	description: 'Permanently deletes one volume (ISO, template, backup or unused disk) from a storage. Inputs: node, storage, volume ID (e.g. local:iso/old.iso).',
	safety: 'destructive',
	startsTask: true,
	properties: [
		nodeLocator(),
		storageLocator(),
		{ displayName: 'Volume ID', name: 'volumeId', type: 'string', default: '', required: true, placeholder: 'local:iso/old.iso' },
	],
	async execute(ctx) {
		const { node, storage, base } = storageBase(ctx);
		const volume = (ctx.fn.getNodeParameter('volumeId', ctx.itemIndex) as string).trim();
		const data = await ctx.client.delete(`${base}/content/${encodeURIComponent(volume)}`);
		return taskOrResult(data, { node, storage, volume, deleted: true });
	},
};
