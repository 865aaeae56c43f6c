import type { ProxmoxOperation } from '../types';

export const getNextId: ProxmoxOperation = {
	value: 'getNextId',
	name: 'Get Next Free VMID',
	action: 'Get the next free VMID',
	description: 'Returns the lowest VMID not used in the cluster, for creating a guest. No inputs.',
	safety: 'read',
	properties: [],
	async execute(ctx) {
		return { vmid: Number(await ctx.client.get<number | string>('/cluster/nextid')) };
	},
};
