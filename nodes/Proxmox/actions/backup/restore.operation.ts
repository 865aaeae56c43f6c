import { NodeOperationError } from 'n8n-workflow';

import { apiPath, type ProxmoxParams } from '../../../shared/proxmox';
import { resolveNodeName } from '../../helpers/guests';
import { taskOrResult } from '../../helpers/results';
import { nextVmid } from '../guest/lifecycle';
import { backupVolumeLocator, nodeLocator, storageLocator } from '../common.descriptions';
import { locatorValue, type ProxmoxOperation } from '../types';

/** vzdump archive names say what they hold: vzdump-qemu-100-… or vzdump-lxc-200-…. */
export function archiveKind(volume: string): 'qemu' | 'lxc' | undefined {
	const match = /vzdump-(qemu|lxc|openvz)-\d+-/.exec(volume);
	if (!match) return undefined;
	return match[1] === 'qemu' ? 'qemu' : 'lxc';
}

export const restore: ProxmoxOperation = {
	value: 'restore',
	name: 'Restore',
	action: 'Restore a backup',
	description:
		'Restores a backup archive as a new guest (next free or given VMID) or over an existing guest (which is replaced, destructive). Inputs: target node, backup volume ID, target VMID mode, optional target storage. Returns the task result.',
	safety: 'write',
	safetyRule: 'destructive over an existing guest',
	safetyFor: (ctx) => (ctx.fn.getNodeParameter('target', ctx.itemIndex, 'new') === 'existing' ? 'destructive' : 'write'),
	startsTask: true,
	properties: [
		nodeLocator({ description: 'Node to restore on' }),
		storageLocator({ required: false, description: 'Storage to pick the backup from (the list below uses it)' }),
		backupVolumeLocator(),
		{
			displayName: 'Restore As',
			name: 'target',
			type: 'options',
			default: 'new',
			options: [
				{ name: 'New Guest', value: 'new', description: 'A new VMID; the original guest is untouched' },
				{ name: 'Over Existing Guest', value: 'existing', description: 'Replaces the guest with this VMID (it must be stopped); its current disks are lost' },
			],
		},
		{ displayName: 'VMID', name: 'restoreVmid', type: 'number', default: 0, description: 'Target VMID (for a new guest, 0 takes the next free VMID)' },
		{ displayName: 'Target Storage', name: 'restoreStorage', type: 'string', default: '', description: 'Storage for the restored disks (empty: as in the backup)' },
		{ displayName: 'Unique', name: 'unique', type: 'boolean', default: true, description: 'Whether to give the restored guest new MAC addresses (recommended for copies)' },
		{ displayName: 'Start After Restore', name: 'startAfter', type: 'boolean', default: false },
	],
	async execute(ctx) {
		const node = resolveNodeName(ctx);
		const volume = locatorValue(ctx, 'volume');
		const kind = archiveKind(volume);
		if (!kind) throw new NodeOperationError(ctx.fn.getNode(), `"${volume}" is not a vzdump backup archive`, { itemIndex: ctx.itemIndex });
		const overExisting = ctx.fn.getNodeParameter('target', ctx.itemIndex, 'new') === 'existing';
		const requested = ctx.fn.getNodeParameter('restoreVmid', ctx.itemIndex, 0) as number;
		if (overExisting && !requested) throw new NodeOperationError(ctx.fn.getNode(), 'Give the VMID of the guest to restore over', { itemIndex: ctx.itemIndex });
		const vmid = await nextVmid(ctx, requested);
		const params: ProxmoxParams = {
			vmid,
			storage: ctx.fn.getNodeParameter('restoreStorage', ctx.itemIndex, '') as string,
			unique: ctx.fn.getNodeParameter('unique', ctx.itemIndex, true) as boolean,
			force: overExisting || undefined,
			start: (ctx.fn.getNodeParameter('startAfter', ctx.itemIndex, false) as boolean) || undefined,
		};
		if (kind === 'qemu') params.archive = volume;
		else Object.assign(params, { ostemplate: volume, restore: true });
		const data = await ctx.client.post(apiPath`/nodes/${node}/${kind}`, params);
		return taskOrResult(data, { node, vmid, type: kind, volume });
	},
};
