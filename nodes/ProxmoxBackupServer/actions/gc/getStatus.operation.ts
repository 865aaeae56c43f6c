import type { IDataObject } from 'n8n-workflow';

import type { ProxmoxOperation } from '../../../shared/actions/types';
import { apiPath } from '../../../shared/proxmox';
import { readStore } from '../../helpers/ids';
import { storeLocator } from '../common.descriptions';

export const getStatus: ProxmoxOperation = {
	value: 'getStatus',
	name: 'Get Status',
	action: 'Get the garbage collection status of a datastore',
	description:
		'Returns the last (or running) garbage collection of a datastore: its task (UPID), removed and pending bytes and chunks, disk usage and deduplication figures. Input: datastore.',
	safety: 'read',
	properties: [storeLocator()],
	async execute(ctx) {
		const store = readStore(ctx);
		const status = (await ctx.client.get<IDataObject>(apiPath`/admin/datastore/${store}/gc`)) ?? {};
		return { store, ...status };
	},
};
