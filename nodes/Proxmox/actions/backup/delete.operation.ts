import { taskOrResult } from '../../helpers/results';
import { backupVolumeLocator, nodeLocator, storageLocator } from '../common.descriptions';
import type { ProxmoxOperation } from '../types';
import { backupVolume } from './common';

export const deleteBackup: ProxmoxOperation = {
	value: 'delete',
	name: 'Delete',
	action: 'Delete a backup',
	description: 'Permanently deletes one backup archive (protected backups must be unprotected first). Inputs: node, backup volume ID.',
	safety: 'destructive',
	startsTask: true,
	properties: [nodeLocator(), storageLocator({ required: false, description: 'Storage to pick the backup from (the list below uses it)' }), backupVolumeLocator()],
	async execute(ctx) {
		const { node, storage, volume, path } = backupVolume(ctx);
		const data = await ctx.client.delete(path);
		return taskOrResult(data, { node, storage, volume, deleted: true });
	},
};
