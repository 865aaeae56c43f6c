import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { tlsCredentialProperties } from '../nodes/shared/transport/tls';

/** A WebSocket event relay for the Proxmox Stream Trigger. The test lives on the node (`webSocketConnectionTest`). */
export class ProxmoxMcpWebSocketApi implements ICredentialType {
	name = 'proxmoxMcpWebSocketApi';

	displayName = 'WebSocket Event Relay (Proxmox MCP) API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-proxmox-mcp#proxmox-stream-trigger-websocket-relay';

	icon: Icon = { light: 'file:../nodes/ProxmoxStreamTrigger/proxmox.svg', dark: 'file:../nodes/ProxmoxStreamTrigger/proxmox.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'URL',
			name: 'url',
			type: 'string',
			default: '',
			placeholder: 'wss://relay.example.com/events',
			description: 'The ws:// or wss:// address that streams the events',
			required: true,
		},
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: '',
			placeholder: 'Authorization',
			description: 'Header sent with the upgrade request, e.g. Authorization. Empty sends none.',
		},
		{
			displayName: 'Header Value',
			name: 'headerSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'Bearer …',
		},
		...tlsCredentialProperties(),
	];
}
