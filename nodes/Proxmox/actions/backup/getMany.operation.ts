import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import { apiPath } from '../../../shared/proxmox';
import { resolveNodeName } from '../../helpers/guests';
import { limitItems } from '../../helpers/results';
import { limitFields, nodeLocator, storageLocator } from '../common.descriptions';
import { locatorValue, type ProxmoxOperation } from '../types';

interface StorageEntry {
	storage: string;
	node?: string;
	content?: string;
	shared?: number | boolean;
	status?: string;
}

export const getMany: ProxmoxOperation = {
	value: 'getMany',
	name: 'Get Many',
	action: 'Get many backups',
	description:
		'Lists backup archives, newest first: of one storage, or of one guest across every backup storage of the cluster. Returns volume ID, VMID, size, creation time, format, notes and protection. Inputs: storage (with node) or VMID.',
	safety: 'read',
	properties: [
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'options',
			default: 'storage',
			options: [
				{ name: 'One Storage', value: 'storage' },
				{ name: 'One Guest (All Storages)', value: 'guest' },
			],
		},
		nodeLocator({ displayOptions: { show: { scope: ['storage'] } } }),
		storageLocator({ displayOptions: { show: { scope: ['storage'] } } }),
		{ displayName: 'VMID', name: 'vmid', type: 'number', default: 0, description: 'Only backups of this guest (required for scope One Guest)' },
		...limitFields(),
	],
	async execute(ctx) {
		const scope = ctx.fn.getNodeParameter('scope', ctx.itemIndex, 'storage') as string;
		const vmid = (ctx.fn.getNodeParameter('vmid', ctx.itemIndex, 0) as number) || undefined;
		const targets: Array<{ node: string; storage: string }> = [];
		if (scope === 'storage') {
			targets.push({ node: resolveNodeName(ctx), storage: locatorValue(ctx, 'storage') });
		} else {
			if (!vmid) throw new NodeOperationError(ctx.fn.getNode(), 'VMID is required to list one guest\'s backups', { itemIndex: ctx.itemIndex });
			const storages = ((await ctx.client.get<StorageEntry[]>('/cluster/resources', { type: 'storage' })) ?? []).filter(
				(s) => String(s.content ?? '').split(',').includes('backup') && s.status !== 'unknown',
			);
			const seenShared = new Set<string>();
			for (const s of storages) {
				if (!s.node) continue;
				if (s.shared) {
					if (seenShared.has(s.storage)) continue;
					seenShared.add(s.storage);
				}
				targets.push({ node: s.node, storage: s.storage });
			}
		}
		const out: IDataObject[] = [];
		for (const { node, storage } of targets) {
			const content = (await ctx.client.get<IDataObject[]>(apiPath`/nodes/${node}/storage/${storage}/content`, { content: 'backup', vmid })) ?? [];
			out.push(...content.map((volume) => ({ node, storage, ...volume })));
		}
		return limitItems(ctx, out.sort((a, b) => Number(b.ctime ?? 0) - Number(a.ctime ?? 0)));
	},
};
