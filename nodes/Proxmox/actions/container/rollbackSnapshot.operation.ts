import { snapshotRollback } from '../guest/snapshots';

export const rollbackSnapshot = snapshotRollback('lxc');
