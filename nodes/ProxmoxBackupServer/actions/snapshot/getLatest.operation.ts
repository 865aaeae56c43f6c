import type { IDataObject } from 'n8n-workflow';

import type { ProxmoxOperation } from '../../../shared/actions/types';
import { groupLocator, namespaceLocator, storeLocator } from '../common.descriptions';
import { listSnapshots } from './list';

export const getLatest: ProxmoxOperation = {
	value: 'getLatest',
	name: 'Get Latest per Group',
	action: 'Get the latest snapshot of each backup group',
	description:
		'Returns the newest snapshot of every backup group (or of one group) in a datastore namespace with its age in hours, verify state and size, plus the newest verified snapshot\'s age: the input for "is every guest backed up recently" checks. Input: datastore, optional namespace and group.',
	safety: 'read',
	properties: [storeLocator(), namespaceLocator(), groupLocator({ required: false, displayName: 'Backup Group', description: 'Only this group (type/ID, e.g. vm/100); empty for all groups' })],
	async execute(ctx) {
		const snapshots = await listSnapshots(ctx);
		const latest = new Map<string, IDataObject & { snapshotCount: number; lastVerifiedAgeHours: number | null }>();
		for (const snapshot of snapshots) {
			const key = `${snapshot.backupType as string}/${snapshot.backupId as string}`;
			const seen = latest.get(key);
			if (!seen) latest.set(key, { group: key, ...snapshot, snapshotCount: 1, lastVerifiedAgeHours: snapshot.verifyState === 'ok' ? (snapshot.ageHours as number) : null });
			else {
				seen.snapshotCount += 1;
				if (seen.lastVerifiedAgeHours === null && snapshot.verifyState === 'ok') seen.lastVerifiedAgeHours = snapshot.ageHours as number;
			}
		}
		return [...latest.values()].sort((a, b) => String(a.group).localeCompare(String(b.group), undefined, { numeric: true }));
	},
};
