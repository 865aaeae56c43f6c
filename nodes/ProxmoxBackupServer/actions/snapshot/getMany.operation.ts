import { limitItems } from '../../../shared/actions/results';
import type { ProxmoxOperation } from '../../../shared/actions/types';
import { groupLocator, limitFields, namespaceLocator, storeLocator } from '../common.descriptions';
import { listSnapshots } from './list';

export const getMany: ProxmoxOperation = {
	value: 'getMany',
	name: 'Get Many',
	action: 'Get many snapshots',
	description:
		'Lists backup snapshots of a datastore namespace, newest first, optionally of one group: time, age in hours, size, owner, protected, notes, verify state (ok, failed, none), encrypted. Input: datastore, optional namespace and group (vm/100).',
	safety: 'read',
	properties: [storeLocator(), namespaceLocator(), groupLocator({ required: false, displayName: 'Backup Group', description: 'Only this group (type/ID, e.g. vm/100); empty for all groups' }), ...limitFields()],
	async execute(ctx) {
		return limitItems(ctx, await listSnapshots(ctx));
	},
};
