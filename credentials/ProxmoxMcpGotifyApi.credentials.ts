import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { tlsCredentialProperties } from '../nodes/shared/transport/tls';

/** Gotify server access. The connection test lives on the Gotify nodes (`gotifyConnectionTest`). */
export class ProxmoxMcpGotifyApi implements ICredentialType {
	name = 'proxmoxMcpGotifyApi';

	displayName = 'Gotify (Proxmox MCP) API';

	// This package's README section (the lint rule wants a literal URL here).
	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-proxmox-mcp#gotify';

	icon: Icon = { light: 'file:../nodes/Gotify/gotify.svg', dark: 'file:../nodes/Gotify/gotify.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'Server URL',
			name: 'serverUrl',
			type: 'string',
			default: '',
			placeholder: 'https://gotify.example.com',
			description: 'Base URL of the Gotify server, including a path prefix if it is served under one',
			required: true,
		},
		{
			displayName: 'Application Token',
			name: 'appToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Token of the application messages are sent as (Apps tab). Needed to send messages.',
		},
		{
			displayName: 'Client Token',
			name: 'clientToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Token of a client (Clients tab). Needed to read, stream and delete messages and to manage applications.',
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
