import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import { apiPath, type ProxmoxParams } from '../../../shared/proxmox';
import { listClusterGuests } from '../../helpers/guests';
import { taskOrResult } from '../../helpers/results';
import type { ProxmoxOperation } from '../types';

export const runNow: ProxmoxOperation = {
	value: 'runNow',
	name: 'Run Now',
	action: 'Back up guests now',
	description:
		'Starts a backup (vzdump) now, of listed guests or of all guests, to a storage; each guest is backed up by its own node. Inputs: VMIDs or all, storage, mode (snapshot, suspend, stop), compression, optional notes. Returns one task result per node.',
	safety: 'write',
	startsTask: true,
	properties: [
		{
			displayName: 'Guests',
			name: 'selection',
			type: 'options',
			default: 'vmid',
			options: [
				{ name: 'Listed VMIDs', value: 'vmid' },
				{ name: 'All Guests', value: 'all' },
			],
		},
		{ displayName: 'VMIDs', name: 'vmids', type: 'string', default: '', required: true, placeholder: '100,101', displayOptions: { show: { selection: ['vmid'] } }, description: 'Comma-separated VMIDs' },
		{ displayName: 'Only on Node', name: 'onlyNode', type: 'string', default: '', displayOptions: { show: { selection: ['all'] } }, description: 'Back up only this node\'s guests (empty: every online node)' },
		{ displayName: 'Storage', name: 'backupStorage', type: 'string', default: '', placeholder: 'local', description: 'Target storage (empty: the node\'s vzdump default)' },
		{
			displayName: 'Mode',
			name: 'mode',
			type: 'options',
			default: 'snapshot',
			options: [
				{ name: 'Snapshot', value: 'snapshot', description: 'No downtime' },
				{ name: 'Stop', value: 'stop', description: 'Stops the guest during the backup (most consistent)' },
				{ name: 'Suspend', value: 'suspend' },
			],
		},
		{
			displayName: 'Compression',
			name: 'compress',
			type: 'options',
			default: 'zstd',
			options: [
				{ name: 'GZIP', value: 'gzip' },
				{ name: 'LZO', value: 'lzo' },
				{ name: 'None', value: '0' },
				{ name: 'ZSTD', value: 'zstd' },
			],
		},
		{ displayName: 'Notes', name: 'notes', type: 'string', default: '', placeholder: '{{guestname}} before upgrade', description: 'Notes template for the backups; {{cluster}}, {{guestname}}, {{node}} and {{vmid}} are replaced' },
		{ displayName: 'Protected', name: 'protected', type: 'boolean', default: false, description: 'Whether to protect the new backups from pruning and deletion' },
	],
	async execute(ctx) {
		const get = <T>(name: string, fallback: T) => ctx.fn.getNodeParameter(name, ctx.itemIndex, fallback as never) as T;
		const common: ProxmoxParams = {
			storage: get('backupStorage', ''),
			mode: get('mode', 'snapshot'),
			compress: get('compress', 'zstd'),
			'notes-template': get('notes', ''),
			protected: get('protected', false) || undefined,
		};
		const byNode = new Map<string, number[] | 'all'>();
		if (get<string>('selection', 'vmid') === 'all') {
			const only = get('onlyNode', '').trim();
			const nodes = only ? [only] : ((await ctx.client.get<Array<{ node: string; status?: string }>>('/nodes')) ?? []).filter((n) => n.status === 'online').map((n) => n.node);
			for (const node of nodes) byNode.set(node, 'all');
		} else {
			const wanted = get('vmids', '')
				.split(/[\s,;]+/)
				.filter(Boolean)
				.map(Number);
			if (!wanted.length || wanted.some((id) => !Number.isInteger(id))) {
				throw new NodeOperationError(ctx.fn.getNode(), 'VMIDs must be a comma-separated list of numbers', { itemIndex: ctx.itemIndex });
			}
			const guests = await listClusterGuests(ctx.client);
			for (const vmid of wanted) {
				const guest = guests.find((g) => Number(g.vmid) === vmid);
				if (!guest?.node) throw new NodeOperationError(ctx.fn.getNode(), `No guest with VMID ${vmid} exists in the cluster`, { itemIndex: ctx.itemIndex });
				const list = byNode.get(guest.node);
				byNode.set(guest.node, Array.isArray(list) ? [...list, vmid] : [vmid]);
			}
		}
		const results: IDataObject[] = [];
		for (const [node, selection] of byNode) {
			const params: ProxmoxParams = { ...common, ...(selection === 'all' ? { all: true } : { vmid: selection.join(',') }) };
			const data = await ctx.client.post(apiPath`/nodes/${node}/vzdump`, params);
			results.push(taskOrResult(data, { node, vmids: selection === 'all' ? 'all' : selection.join(',') }) as IDataObject);
		}
		return results;
	},
};
