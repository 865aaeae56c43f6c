import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { tlsCredentialProperties } from '../nodes/shared/transport/tls';

/** ntfy server access. The connection test lives on the ntfy nodes (`ntfyConnectionTest`). */
export class ProxmoxMcpNtfyApi implements ICredentialType {
	name = 'proxmoxMcpNtfyApi';

	displayName = 'Ntfy API';

	// This package's README section (the lint rule wants a literal URL here).
	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-proxmox-mcp#ntfy';

	icon: Icon = { light: 'file:../nodes/Ntfy/ntfy.svg', dark: 'file:../nodes/Ntfy/ntfy.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'Server URL',
			name: 'serverUrl',
			type: 'string',
			default: 'https://ntfy.sh',
			placeholder: 'https://ntfy.example.com',
			description: 'Base URL of the ntfy server, including a path prefix if it is served under one',
			required: true,
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			default: 'none',
			options: [
				{ name: 'None', value: 'none', description: 'Anonymous access, for open topics' },
				{ name: 'Username and Password', value: 'basic' },
				{ name: 'Access Token', value: 'token', description: 'A tk_… token from the ntfy account page or `ntfy token add`' },
			],
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			displayOptions: { show: { authentication: ['basic'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authentication: ['basic'] } },
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'tk_…',
			displayOptions: { show: { authentication: ['token'] } },
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 30,
			description: 'How long to wait for an answer (file uploads get four times as long)',
		},
		...tlsCredentialProperties(),
	];
}
