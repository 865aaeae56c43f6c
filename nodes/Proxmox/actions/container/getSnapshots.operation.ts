import { snapshotGetMany } from '../guest/snapshots';

export const getSnapshots = snapshotGetMany('lxc');
