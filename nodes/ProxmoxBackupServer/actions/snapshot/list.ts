import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import { locatorValue, type OperationContext } from '../../../shared/actions/types';
import { apiPath } from '../../../shared/proxmox';
import { snapshotItem } from '../../helpers/format';
import { nsParam, parseGroup, readNamespace, readStore, snapshotPath, type SnapshotRef } from '../../helpers/ids';

/** The snapshots of a datastore namespace, optionally of one group, newest first, as items. */
export async function listSnapshots(ctx: OperationContext): Promise<IDataObject[]> {
	const store = readStore(ctx);
	const ns = readNamespace(ctx);
	const groupText = locatorValue(ctx, 'group');
	const group = groupText ? parseGroup(groupText) : undefined;
	if (groupText && !group) {
		throw new NodeOperationError(ctx.fn.getNode(), `"${groupText}" is not a backup group: give type/ID, e.g. vm/100`, { itemIndex: ctx.itemIndex, description: 'Field: group' });
	}
	const list = (await ctx.client.get<IDataObject[]>(apiPath`/admin/datastore/${store}/snapshots`, { ...nsParam(ns), ...(group ?? {}) })) ?? [];
	const now = Date.now();
	return list.map((entry) => snapshotItem(store, ns, entry, now)).sort((a, b) => Number(b.backupTime) - Number(a.backupTime));
}

export function snapshotSummary(store: string, ns: string, ref: SnapshotRef): IDataObject {
	return { datastore: store, namespace: ns, snapshot: snapshotPath(ref['backup-type'], ref['backup-id'], ref['backup-time']) };
}
