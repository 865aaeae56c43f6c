import { taskPaths } from '../../../shared/proxmox';
import type { ProxmoxOperation } from '../types';
import { readUpid, upidField } from './common';

export const stop: ProxmoxOperation = {
	value: 'stop',
	name: 'Stop',
	action: 'Stop a running task',
	description: 'Aborts a running task (e.g. a backup or migration); its work stays unfinished. Input: UPID. Returns the UPID.',
	safety: 'destructive',
	properties: [upidField],
	async execute(ctx) {
		const upid = readUpid(ctx);
		await ctx.client.delete(taskPaths(upid.upid).task);
		return { upid: upid.upid, node: upid.node, stopRequested: true };
	},
};
