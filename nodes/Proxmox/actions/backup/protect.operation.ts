import type { IDataObject } from 'n8n-workflow';

import { backupVolumeLocator, nodeLocator, storageLocator } from '../common.descriptions';
import type { ProxmoxOperation } from '../types';
import { backupVolume } from './common';

function protection(value: boolean): ProxmoxOperation {
	const verb = value ? 'Protect' : 'Unprotect';
	return {
		value: value ? 'protect' : 'unprotect',
		name: verb,
		action: `${verb} a backup`,
		description: value
			? 'Protects a backup archive from pruning and deletion. Inputs: node, backup volume ID. Returns the volume\'s attributes.'
			: 'Removes the protection of a backup archive so pruning or deletion can remove it. Inputs: node, backup volume ID. Returns the volume\'s attributes.',
		safety: 'write',
		properties: [nodeLocator(), storageLocator({ required: false, description: 'Storage to pick the backup from (the list below uses it)' }), backupVolumeLocator()],
		async execute(ctx) {
			const { node, storage, volume, path } = backupVolume(ctx);
			await ctx.client.put(path, { protected: value });
			const attributes = await ctx.client.get<IDataObject>(path);
			return { node, storage, volume, ...attributes, protected: Boolean(attributes?.protected) };
		},
	};
}

export const protect = protection(true);
export const unprotect = protection(false);
