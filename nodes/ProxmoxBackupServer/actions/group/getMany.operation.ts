import type { IDataObject } from 'n8n-workflow';

import { limitItems } from '../../../shared/actions/results';
import type { ProxmoxOperation } from '../../../shared/actions/types';
import { apiPath } from '../../../shared/proxmox';
import { isoTime, snapshotItem } from '../../helpers/format';
import { nsParam, readNamespace, readStore } from '../../helpers/ids';
import { limitFields, namespaceLocator, storeLocator } from '../common.descriptions';

export const getMany: ProxmoxOperation = {
	value: 'getMany',
	name: 'Get Many',
	action: 'Get many backup groups',
	description:
		'Lists the backup groups (one per guest or host: vm/100, ct/200…) of a datastore namespace with the latest snapshot (time, age, verify state, size), snapshot count, total size, owner and notes. Input: datastore, optional namespace.',
	safety: 'read',
	properties: [storeLocator(), namespaceLocator(), ...limitFields()],
	async execute(ctx) {
		const store = readStore(ctx);
		const ns = readNamespace(ctx);
		const [groups, snapshots] = await Promise.all([
			ctx.client.get<IDataObject[]>(apiPath`/admin/datastore/${store}/groups`, nsParam(ns)),
			ctx.client.get<IDataObject[]>(apiPath`/admin/datastore/${store}/snapshots`, nsParam(ns)),
		]);
		const byGroup = new Map<string, IDataObject[]>();
		for (const entry of snapshots ?? []) {
			const key = `${entry['backup-type'] as string}/${entry['backup-id'] as string}`;
			byGroup.set(key, [...(byGroup.get(key) ?? []), snapshotItem(store, ns, entry)]);
		}
		const items = (groups ?? []).map((group): IDataObject => {
			const key = `${group['backup-type'] as string}/${group['backup-id'] as string}`;
			const list = (byGroup.get(key) ?? []).sort((a, b) => Number(b.backupTime) - Number(a.backupTime));
			const latest = list[0];
			return {
				datastore: store,
				namespace: ns,
				group: key,
				backupType: group['backup-type'] as string,
				backupId: String(group['backup-id']),
				lastBackup: Number(group['last-backup']),
				lastBackupIso: isoTime(group['last-backup']) ?? null,
				backupCount: Number(group['backup-count'] ?? list.length),
				owner: (group.owner as string) ?? null,
				notes: (group.comment as string) ?? '',
				totalSize: list.reduce((sum, s) => sum + Number(s.size ?? 0), 0),
				latestSnapshot: latest
					? { snapshot: latest.snapshot, ageHours: latest.ageHours, verifyState: latest.verifyState, size: latest.size, protected: latest.protected, encrypted: latest.encrypted }
					: null,
				files: (group.files as string[]) ?? [],
			};
		});
		return limitItems(ctx, items);
	},
};
