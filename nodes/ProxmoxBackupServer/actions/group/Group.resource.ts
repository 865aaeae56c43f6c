import type { ProxmoxResource } from '../../../shared/actions/types';
import { remove } from './delete.operation';
import { getMany } from './getMany.operation';
import { setNotes } from './setNotes.operation';

export const groupResource: ProxmoxResource = {
	value: 'group',
	name: 'Backup Group',
	description: 'Backup groups: all snapshots of one guest or host',
	operations: [getMany, setNotes, remove],
};
