import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import type { OperationContext } from '../../../shared/actions/types';
import { apiPath, type ProxmoxParams } from '../../../shared/proxmox';
import { bool } from '../../helpers/format';
import { nsParam, snapshotPath, type GroupRef } from '../../helpers/ids';
import { KEEP_OPTIONS } from '../common.descriptions';

/** The retention options set (0 or unset: not used). */
export function readKeep(ctx: OperationContext, requireOne: boolean): ProxmoxParams {
	const keep = ctx.fn.getNodeParameter('keep', ctx.itemIndex, {}) as Record<string, unknown>;
	const out: ProxmoxParams = {};
	for (const option of KEEP_OPTIONS) {
		const value = keep[option];
		if (value === undefined || value === '' || value === null) continue;
		const number = Number(value);
		if (!Number.isInteger(number) || number < 0) {
			throw new NodeOperationError(ctx.fn.getNode(), `${option} must be a whole number ≥ 0`, { itemIndex: ctx.itemIndex, description: `Field: Retention > ${option}` });
		}
		if (number > 0) out[option] = number;
	}
	if (requireOne && !Object.keys(out).length) {
		throw new NodeOperationError(ctx.fn.getNode(), 'Set at least one retention option (Keep Last, Keep Daily…)', {
			itemIndex: ctx.itemIndex,
			description: 'Field: Retention. Without any keep option PBS keeps every snapshot, so there is nothing to prune.',
		});
	}
	return out;
}

export interface GroupPrune {
	group: string;
	keep: string[];
	remove: string[];
	protectedKept: string[];
}

/** POST /admin/datastore/{store}/prune for one group: which snapshots the retention keeps and removes. */
export async function pruneGroup(ctx: OperationContext, store: string, ns: string, group: GroupRef, keep: ProxmoxParams, dryRun: boolean): Promise<GroupPrune> {
	const list = (await ctx.client.post<IDataObject[]>(apiPath`/admin/datastore/${store}/prune`, { ...nsParam(ns), ...group, ...keep, 'dry-run': dryRun })) ?? [];
	const sorted = [...list].sort((a, b) => Number(b['backup-time']) - Number(a['backup-time']));
	const path = (entry: IDataObject) => snapshotPath(entry['backup-type'] ?? group['backup-type'], entry['backup-id'] ?? group['backup-id'], entry['backup-time']);
	return {
		group: `${group['backup-type']}/${group['backup-id']}`,
		keep: sorted.filter((entry) => bool(entry.keep)).map(path),
		remove: sorted.filter((entry) => !bool(entry.keep)).map(path),
		protectedKept: sorted.filter((entry) => bool(entry.protected)).map(path),
	};
}

export function pruneItem(store: string, ns: string, result: GroupPrune, simulated: boolean): IDataObject {
	return {
		datastore: store,
		namespace: ns,
		group: result.group,
		simulated,
		keepCount: result.keep.length,
		removeCount: result.remove.length,
		keep: result.keep,
		remove: result.remove,
		protectedKept: result.protectedKept,
	};
}
