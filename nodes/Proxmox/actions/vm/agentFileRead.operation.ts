import { resolveGuest } from '../../helpers/guests';
import { guestLocator } from '../common.descriptions';
import { guestSummary } from '../guest/common';
import type { ProxmoxOperation } from '../types';

export const agentFileRead: ProxmoxOperation = {
	value: 'agentFileRead',
	name: 'Guest Agent Read File',
	action: 'Read a file inside a VM',
	description: 'Reads a text file inside a running VM through the QEMU guest agent (up to 16 MiB). Inputs: VMID or name, absolute file path. Returns content and whether it was truncated.',
	safety: 'read',
	properties: [
		guestLocator('qemu'),
		{ displayName: 'File Path', name: 'file', type: 'string', default: '', required: true, placeholder: '/etc/os-release' },
	],
	async execute(ctx) {
		const guest = await resolveGuest(ctx, 'qemu');
		const file = ctx.fn.getNodeParameter('file', ctx.itemIndex) as string;
		const data = await ctx.client.get<{ content?: string; truncated?: boolean | number }>(`${guest.base}/agent/file-read`, { file });
		return { ...guestSummary(guest), file, content: data?.content ?? '', truncated: Boolean(data?.truncated) };
	},
};
