import type { IDataObject } from 'n8n-workflow';

import { apiPath } from '../../../shared/proxmox';
import { resolveNodeName } from '../../helpers/guests';
import { limitItems } from '../../helpers/results';
import { limitFields, nodeLocator } from '../common.descriptions';
import type { ProxmoxOperation } from '../types';

export const CONTENT_TYPES = [
	{ name: 'Any', value: '' },
	{ name: 'Backups', value: 'backup' },
	{ name: 'Container Templates', value: 'vztmpl' },
	{ name: 'Container Volumes', value: 'rootdir' },
	{ name: 'Disk Images', value: 'images' },
	{ name: 'Import', value: 'import' },
	{ name: 'ISO Images', value: 'iso' },
	{ name: 'Snippets', value: 'snippets' },
];

export const getMany: ProxmoxOperation = {
	value: 'getMany',
	name: 'Get Many',
	action: 'Get many storages',
	description:
		'Lists the storages available on a node with type, content types, usage (used, available, total bytes), active/enabled/shared flags. Inputs: node, optional content type (e.g. backup, iso, images).',
	safety: 'read',
	properties: [
		nodeLocator(),
		{ displayName: 'Content Type', name: 'content', type: 'options', default: '', options: CONTENT_TYPES, description: 'Only storages that can hold this content' },
		{ displayName: 'Enabled Only', name: 'enabledOnly', type: 'boolean', default: false, description: 'Whether to leave out disabled storages' },
		...limitFields(),
	],
	async execute(ctx) {
		const node = resolveNodeName(ctx);
		const storages =
			(await ctx.client.get<IDataObject[]>(apiPath`/nodes/${node}/storage`, {
				content: ctx.fn.getNodeParameter('content', ctx.itemIndex, '') as string,
				enabled: (ctx.fn.getNodeParameter('enabledOnly', ctx.itemIndex, false) as boolean) || undefined,
			})) ?? [];
		return limitItems(ctx, storages.map((s): IDataObject => ({ node, ...s })).sort((a, b) => String(a.storage).localeCompare(String(b.storage))));
	},
};
