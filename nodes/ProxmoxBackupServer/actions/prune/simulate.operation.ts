import type { IDataObject } from 'n8n-workflow';

import type { ProxmoxOperation } from '../../../shared/actions/types';
import { apiPath } from '../../../shared/proxmox';
import { nsParam, parseGroup, readGroup, readNamespace, readStore, type GroupRef } from '../../helpers/ids';
import { groupLocator, keepFields, namespaceLocator, storeLocator } from '../common.descriptions';
import { pruneGroup, pruneItem, readKeep } from './keep';

export const simulate: ProxmoxOperation = {
	value: 'simulate',
	name: 'Simulate',
	action: 'Simulate a prune',
	description:
		'Shows what a prune with the given retention (keep last, hourly, daily, weekly, monthly, yearly) would keep and remove, per backup group, without changing anything (PBS dry run). Input: datastore, namespace, one group or all groups, retention. Returns one item per group with keep and remove lists of snapshot paths.',
	safety: 'read',
	properties: [
		storeLocator(),
		namespaceLocator(),
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'options',
			default: 'datastore',
			options: [
				{ name: 'All Groups in the Namespace', value: 'datastore' },
				{ name: 'One Backup Group', value: 'group' },
			],
		},
		groupLocator({ displayOptions: { show: { scope: ['group'] } } }),
		keepFields(),
	],
	async execute(ctx) {
		const store = readStore(ctx);
		const ns = readNamespace(ctx);
		const keep = readKeep(ctx, false);
		const scope = ctx.fn.getNodeParameter('scope', ctx.itemIndex, 'datastore') as string;
		let groups: GroupRef[];
		if (scope === 'group') groups = [readGroup(ctx)];
		else {
			const list = (await ctx.client.get<IDataObject[]>(apiPath`/admin/datastore/${store}/groups`, nsParam(ns))) ?? [];
			groups = list.map((g) => parseGroup(`${g['backup-type'] as string}/${g['backup-id'] as string}`)).filter((g): g is GroupRef => !!g);
		}
		const items: IDataObject[] = [];
		for (const group of groups) items.push(pruneItem(store, ns, await pruneGroup(ctx, store, ns, group, keep, true), true));
		return items.sort((a, b) => String(a.group).localeCompare(String(b.group), undefined, { numeric: true }));
	},
};
