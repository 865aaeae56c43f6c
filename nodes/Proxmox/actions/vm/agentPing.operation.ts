import { resolveGuest } from '../../helpers/guests';
import { guestLocator } from '../common.descriptions';
import { guestSummary } from '../guest/common';
import type { ProxmoxOperation } from '../types';

export const agentPing: ProxmoxOperation = {
	value: 'agentPing',
	name: 'Guest Agent Ping',
	action: 'Ping the guest agent of a VM',
	description: 'Checks whether the QEMU guest agent inside a running VM answers. Input: VMID or name. Returns responding: true, or an error if the agent is not running.',
	safety: 'read',
	properties: [guestLocator('qemu')],
	async execute(ctx) {
		const guest = await resolveGuest(ctx, 'qemu');
		await ctx.client.post(`${guest.base}/agent/ping`);
		return { ...guestSummary(guest), responding: true };
	},
};
