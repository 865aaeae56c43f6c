import type { ProxmoxResource } from '../types';
import { deleteBackup } from './delete.operation';
import { getMany } from './getMany.operation';
import { protect, unprotect } from './protect.operation';
import { restore } from './restore.operation';
import { runNow } from './runNow.operation';

export const backupResource: ProxmoxResource = {
	value: 'backup',
	name: 'Backup',
	description: 'Backups (vzdump): run now, list, restore, delete, protect',
	operations: [runNow, getMany, restore, deleteBackup, protect, unprotect],
};
