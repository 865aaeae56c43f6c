import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { tlsCredentialProperties } from '../nodes/shared/transport/tls';

/**
 * An IMAP mailbox the Proxmox Mail Trigger watches. "Test" (run by the trigger,
 * methods.credentialTest `imapConnectionTest`) connects, verifies TLS, logs in and lists the
 * mailboxes.
 */
export class ProxmoxMcpImapApi implements ICredentialType {
	name = 'proxmoxMcpImapApi';

	displayName = 'IMAP Mailbox API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-proxmox-mcp#proxmox-mail-trigger';

	icon: Icon = { light: 'file:../nodes/MailTrigger/mail.svg', dark: 'file:../nodes/MailTrigger/mail.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: '',
			placeholder: 'imap.example.com',
			description: 'Name or IP address of the IMAP server',
			required: true,
		},
		{
			displayName: 'Security',
			name: 'security',
			type: 'options',
			default: 'tls',
			options: [
				{ name: 'TLS (Implicit, Port 993)', value: 'tls', description: 'The connection is encrypted from the first byte (IMAPS)' },
				{ name: 'STARTTLS (Port 143)', value: 'starttls', description: 'Connects in plain text and must upgrade to TLS before logging in; fails if the server does not offer STARTTLS' },
				{
					name: 'None (Loopback Only)',
					value: 'none',
					description: 'No encryption: the password travels in clear text. Allowed only for a server on this machine (localhost, 127.0.0.0/8, ::1).',
				},
			],
		},
		{
			displayName: 'Port',
			name: 'port',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 65535 },
			default: 993,
			description: 'IMAP port: usually 993 with implicit TLS, 143 with STARTTLS or none',
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			placeholder: 'proxmox-reports@example.com',
			required: true,
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			default: 'password',
			options: [
				{ name: 'Password', value: 'password', description: 'LOGIN / AUTHENTICATE PLAIN with the password' },
				{
					name: 'OAuth2 Access Token',
					value: 'accessToken',
					description: 'AUTHENTICATE XOAUTH2 / OAUTHBEARER with an access token you obtained elsewhere (the token is not refreshed)',
				},
			],
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authentication: ['password'] } },
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authentication: ['accessToken'] } },
		},
		...tlsCredentialProperties().map((property) => ({
			...property,
			displayOptions: { show: { ...(property.displayOptions?.show ?? {}), security: ['tls', 'starttls'] } },
		})),
	];
}
