import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { tlsCredentialProperties } from '../nodes/shared/transport/tls';

/**
 * Proxmox Backup Server API access: the server, an API token (recommended, sent as
 * `PBSAPIToken=user@realm!name:secret`) or a user with password (a `PBSAuthCookie` ticket with
 * CSRF token, renewed automatically), and TLS verification. The connection test is run by the
 * Proxmox Backup Server node (methods.credentialTest.proxmoxMcpPbsApiTest) through the package's
 * own client, because n8n's generic test request cannot pin certificates.
 */
export class ProxmoxMcpPbsApi implements ICredentialType {
	name = 'proxmoxMcpPbsApi';

	displayName = 'Proxmox Backup Server API';

	icon: Icon = { light: 'file:../nodes/ProxmoxBackupServer/proxmoxBackupServer.svg', dark: 'file:../nodes/ProxmoxBackupServer/proxmoxBackupServer.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-proxmox-mcp#credential-proxmox-backup-server-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Host',
			name: 'hosts',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'pbs.example.com',
			description: 'The Proxmox Backup Server, as host, host:port or https://host:8007',
		},
		{
			displayName: 'Port',
			name: 'port',
			type: 'number',
			default: 8007,
			description: 'Port of the PBS API (proxmox-backup-proxy) when Host gives none',
		},
		{
			displayName: 'Authentication',
			name: 'authMethod',
			type: 'options',
			default: 'token',
			options: [
				{
					name: 'API Token (Recommended)',
					value: 'token',
					description: 'A token created under Configuration > Access Control > API Token (proxmox-backup-manager user generate-token)',
				},
				{
					name: 'User and Password',
					value: 'password',
					description: 'Log in for a ticket (renewed automatically). Accounts with two-factor authentication need an API token.',
				},
			],
		},
		{
			displayName: 'Token ID',
			name: 'tokenId',
			type: 'string',
			default: '',
			placeholder: 'n8n@pbs!automation',
			description: 'Full token ID: user@realm!tokenname',
			displayOptions: { show: { authMethod: ['token'] } },
		},
		{
			displayName: 'Token Secret',
			name: 'tokenSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx',
			description: 'The secret shown once when the token was created',
			displayOptions: { show: { authMethod: ['token'] } },
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			placeholder: 'n8n',
			description: 'User name, without or with @realm',
			displayOptions: { show: { authMethod: ['password'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authMethod: ['password'] } },
		},
		{
			displayName: 'Realm',
			name: 'realm',
			type: 'string',
			default: 'pbs',
			placeholder: 'pbs',
			description: 'Authentication realm: pbs (Proxmox Backup authentication server), pam (Linux users) or an LDAP, AD or OpenID realm. Ignored when Username contains @realm.',
			displayOptions: { show: { authMethod: ['password'] } },
		},
		...tlsCredentialProperties(),
	];
}
