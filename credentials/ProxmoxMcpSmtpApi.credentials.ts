import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { tlsCredentialProperties } from '../nodes/shared/transport/tls';

/** An SMTP server to send mail through. The connection test lives on the Email node (`smtpConnectionTest`). */
export class ProxmoxMcpSmtpApi implements ICredentialType {
	name = 'proxmoxMcpSmtpApi';

	displayName = 'SMTP (Proxmox MCP) API';

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-proxmox-mcp#email-smtp';

	icon: Icon = { light: 'file:../nodes/Email/email.svg', dark: 'file:../nodes/Email/email.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: '',
			placeholder: 'smtp.example.com',
			required: true,
		},
		{
			displayName: 'Security',
			name: 'security',
			type: 'options',
			default: 'starttls',
			options: [
				{ name: 'STARTTLS (Usually Port 587)', value: 'starttls', description: 'Connect in clear text, then upgrade to TLS; refuses a server that cannot' },
				{ name: 'TLS (Usually Port 465)', value: 'tls', description: 'TLS from the first byte (implicit TLS, "SMTPS")' },
				{ name: 'None (Local Server Only)', value: 'none', description: 'No encryption; only to a server on this machine (localhost)' },
			],
		},
		{
			displayName: 'Port',
			name: 'port',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 65535 },
			default: 587,
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			description: 'Login name; empty for a server that needs no login',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Client Host Name',
			name: 'clientName',
			type: 'string',
			default: '',
			description: 'Name sent in EHLO; empty uses this machine\'s host name',
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 30,
			description: 'How long to wait for the server at each step',
		},
		...tlsCredentialProperties(),
	];
}
