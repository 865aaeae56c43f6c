import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { tlsCredentialProperties } from '../nodes/shared/transport/tls';

/** A Discord channel webhook. The connection test lives on the Discord node (`discordWebhookTest`). */
export class ProxmoxMcpDiscordWebhookApi implements ICredentialType {
	name = 'proxmoxMcpDiscordWebhookApi';

	displayName = 'Discord Webhook (Proxmox MCP) API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-proxmox-mcp#discord-webhook';

	icon: Icon = { light: 'file:../nodes/Discord/discord.svg', dark: 'file:../nodes/Discord/discord.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'Webhook URL',
			name: 'webhookUrl',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'https://discord.com/api/webhooks/123456789012345678/abcDEF...',
			description: 'Channel settings > Integrations > Webhooks > Copy Webhook URL. It contains the webhook\'s secret token.',
			required: true,
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 30,
			description: 'How long to wait for an answer',
		},
		...tlsCredentialProperties(),
	];
}
