import type { ProxmoxOperation } from '../../../shared/actions/types';
import { apiPath } from '../../../shared/proxmox';
import { nsParam, readGroup, readNamespace, readStore } from '../../helpers/ids';
import { groupLocator, keepFields, namespaceLocator, storeLocator } from '../common.descriptions';
import { pruneGroup, pruneItem, readKeep } from './keep';

export const apply: ProxmoxOperation = {
	value: 'apply',
	name: 'Apply',
	action: 'Prune backups',
	description:
		'Removes the snapshots the retention (keep last, hourly, daily, weekly, monthly, yearly) does not keep; protected snapshots stay. One group: returns the keep and remove lists at once. Whole namespace: starts a prune task (waits for it when asked). Space is freed by the next garbage collection. Run Simulate first to see the effect. Input: datastore, namespace, scope, retention (at least one option).',
	safety: 'destructive',
	startsTask: true,
	properties: [
		storeLocator(),
		namespaceLocator(),
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'options',
			default: 'group',
			options: [
				{ name: 'One Backup Group', value: 'group', description: 'Prune one group; returns what was kept and removed' },
				{ name: 'All Groups in the Namespace', value: 'datastore', description: 'Start a prune task over the namespace and below' },
			],
		},
		groupLocator({ displayOptions: { show: { scope: ['group'] } } }),
		keepFields(),
	],
	async execute(ctx) {
		const store = readStore(ctx);
		const ns = readNamespace(ctx);
		const keep = readKeep(ctx, true);
		const scope = ctx.fn.getNodeParameter('scope', ctx.itemIndex, 'group') as string;
		if (scope === 'group') return pruneItem(store, ns, await pruneGroup(ctx, store, ns, readGroup(ctx), keep, false), false);
		const upid = await ctx.client.post<string>(apiPath`/admin/datastore/${store}/prune-datastore`, { ...nsParam(ns), ...keep });
		return { datastore: store, namespace: ns, upid };
	},
};
