import { snapshotCreate } from '../guest/snapshots';

export const createSnapshot = snapshotCreate('lxc');
