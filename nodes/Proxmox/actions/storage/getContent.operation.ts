import type { IDataObject } from 'n8n-workflow';

import { limitItems } from '../../helpers/results';
import { limitFields, nodeLocator, storageLocator } from '../common.descriptions';
import type { ProxmoxOperation } from '../types';
import { storageBase } from './common';
import { CONTENT_TYPES } from './getMany.operation';

export const getContent: ProxmoxOperation = {
	value: 'getContent',
	name: 'Get Content',
	action: 'Get the content of a storage',
	description: 'Lists the volumes on a storage (volume ID, content type, format, size, creation time, owning VMID, notes, protected). Inputs: node, storage, optional content type and VMID.',
	safety: 'read',
	properties: [
		nodeLocator(),
		storageLocator(),
		{ displayName: 'Content Type', name: 'content', type: 'options', default: '', options: CONTENT_TYPES },
		{ displayName: 'VMID', name: 'vmid', type: 'number', default: 0, description: 'Only volumes of this guest (0: all)' },
		...limitFields(),
	],
	async execute(ctx) {
		const { node, storage, base } = storageBase(ctx);
		const content =
			(await ctx.client.get<IDataObject[]>(`${base}/content`, {
				content: ctx.fn.getNodeParameter('content', ctx.itemIndex, '') as string,
				vmid: (ctx.fn.getNodeParameter('vmid', ctx.itemIndex, 0) as number) || undefined,
			})) ?? [];
		return limitItems(
			ctx,
			content.map((volume): IDataObject => ({ node, storage, ...volume })).sort((a, b) => Number(b.ctime ?? 0) - Number(a.ctime ?? 0)),
		);
	},
};
