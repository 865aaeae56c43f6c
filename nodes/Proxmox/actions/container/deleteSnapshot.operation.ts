import { snapshotDelete } from '../guest/snapshots';

export const deleteSnapshot = snapshotDelete('lxc');
