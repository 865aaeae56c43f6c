import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { tlsCredentialProperties } from '../nodes/shared/transport/tls';

/**
 * Proxmox VE API access: one or more cluster hosts, an API token (recommended) or a user with
 * password, and TLS verification. The connection test ("Test" in the credential dialog) is run by
 * the Proxmox node (methods.credentialTest.proxmoxMcpApiTest) through the package's own client,
 * because n8n's generic test request cannot pin certificates.
 */
export class ProxmoxMcpApi implements ICredentialType {
	name = 'proxmoxMcpApi';

	displayName = 'Proxmox VE API';

	icon: Icon = { light: 'file:../nodes/Proxmox/proxmox.svg', dark: 'file:../nodes/Proxmox/proxmox.dark.svg' };

	// This package's README section (the lint rule wants a literal URL here).
	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-proxmox-mcp#credential-proxmox-ve-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Hosts',
			name: 'hosts',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'pve1.example.com, pve2.example.com',
			description:
				'One or more nodes of the cluster, separated by commas, as host or host:port. Reads move on to the next host when one is unreachable; writes only when nothing reached the server.',
		},
		{
			displayName: 'Port',
			name: 'port',
			type: 'number',
			default: 8006,
			description: 'Port of the Proxmox VE API (pveproxy) for hosts given without a port',
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
					description: 'A token created under Datacenter > Permissions > API Tokens',
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
			placeholder: 'n8n@pve!automation',
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
			default: 'pam',
			placeholder: 'pam',
			description: 'Authentication realm: pam (Linux users), pve (Proxmox VE users) or the ID of an LDAP, AD or OpenID realm. Ignored when Username contains @realm.',
			displayOptions: { show: { authMethod: ['password'] } },
		},
		...tlsCredentialProperties(),
	];
}
