import type { ProxmoxResource } from '../../../shared/actions/types';
import { remove } from './delete.operation';
import { getLatest } from './getLatest.operation';
import { getMany } from './getMany.operation';
import { protect } from './protect.operation';
import { setNotes } from './setNotes.operation';
import { unprotect } from './unprotect.operation';

export const snapshotResource: ProxmoxResource = {
	value: 'snapshot',
	name: 'Snapshot',
	description: 'Backup snapshots: one backup of a guest or host at a point in time',
	operations: [getMany, getLatest, protect, unprotect, setNotes, remove],
};
