import type { ProxmoxOperation } from '../../../shared/actions/types';
import { apiPath } from '../../../shared/proxmox';
import { readStore } from '../../helpers/ids';
import { storeLocator } from '../common.descriptions';

export const start: ProxmoxOperation = {
	value: 'start',
	name: 'Start',
	action: 'Start garbage collection on a datastore',
	description:
		'Starts garbage collection on a datastore: frees the chunks no snapshot uses any more (after prune or delete). Returns the task ID (UPID), or waits and returns the outcome when "Wait for Completion" is on. Input: datastore.',
	safety: 'write',
	startsTask: true,
	properties: [storeLocator()],
	async execute(ctx) {
		const store = readStore(ctx);
		const upid = await ctx.client.post<string>(apiPath`/admin/datastore/${store}/gc`);
		return { store, upid };
	},
};
