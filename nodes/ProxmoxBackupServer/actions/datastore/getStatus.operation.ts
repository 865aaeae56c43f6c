import type { IDataObject } from 'n8n-workflow';

import type { ProxmoxOperation } from '../../../shared/actions/types';
import { apiPath } from '../../../shared/proxmox';
import { readStore } from '../../helpers/ids';
import { storeLocator } from '../common.descriptions';

export const getStatus: ProxmoxOperation = {
	value: 'getStatus',
	name: 'Get Status',
	action: 'Get the status of a datastore',
	description:
		'Returns one datastore\'s usage (total, used, avail bytes, used percent), the number of backup groups and snapshots per type (vm, ct, host) and the last garbage collection status. Input: the datastore name.',
	safety: 'read',
	properties: [storeLocator()],
	async execute(ctx) {
		const store = readStore(ctx);
		const status = (await ctx.client.get<IDataObject>(apiPath`/admin/datastore/${store}/status`, { verbose: true })) ?? {};
		const total = Number(status.total ?? 0);
		const used = Number(status.used ?? 0);
		return { store, ...status, usedPercent: total > 0 ? Math.round((used / total) * 1000) / 10 : null };
	},
};
