import type { IDataObject } from 'n8n-workflow';

import type { ProxmoxOperation } from '../../../shared/actions/types';
import { withBooleans } from '../../helpers/format';

export const getRemotes: ProxmoxOperation = {
	value: 'getRemotes',
	name: 'Get Many Remotes',
	action: 'Get many remotes',
	description: 'Lists the remote Proxmox Backup Servers sync jobs pull from or push to: name, host, port, auth ID, certificate fingerprint, comment. Passwords are never returned.',
	safety: 'read',
	properties: [],
	async execute(ctx) {
		const remotes = (await ctx.client.get<IDataObject[]>('/config/remote')) ?? [];
		return remotes.map((remote) => {
			const entry = withBooleans(remote, ['use-node-proxy']);
			delete entry.password;
			return entry;
		});
	},
};
