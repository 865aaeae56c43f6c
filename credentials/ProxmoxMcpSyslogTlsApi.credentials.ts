import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * Certificate and key the Syslog Trigger presents to senders using syslog over TLS (RFC 5425,
 * rsyslog `StreamDriver="gtls"`). With a CA set, senders must also present a certificate signed
 * by it. "Test" (run by the Syslog Trigger, methods.credentialTest) checks that the certificate,
 * key and CA load and belong together.
 */
export class ProxmoxMcpSyslogTlsApi implements ICredentialType {
	name = 'proxmoxMcpSyslogTlsApi';

	displayName = 'Syslog TLS Server API';

	icon: Icon = { light: 'file:../nodes/SyslogTrigger/syslog.svg', dark: 'file:../nodes/SyslogTrigger/syslog.dark.svg' };

	// This package's README section (the lint rule wants a literal URL here).
	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-proxmox-mcp#forwarding-from-a-proxmox-host';

	properties: INodeProperties[] = [
		{
			displayName: 'Certificate (PEM)',
			name: 'certificate',
			type: 'string',
			typeOptions: { rows: 6, password: true },
			default: '',
			required: true,
			placeholder: '-----BEGIN CERTIFICATE-----',
			description: 'Server certificate in PEM format, optionally followed by its intermediate certificates',
		},
		{
			displayName: 'Private Key (PEM)',
			name: 'privateKey',
			type: 'string',
			typeOptions: { rows: 6, password: true },
			default: '',
			required: true,
			placeholder: '-----BEGIN PRIVATE KEY-----',
			description: 'Private key of the certificate in PEM format',
		},
		{
			displayName: 'Key Passphrase',
			name: 'passphrase',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Passphrase of an encrypted private key; leave empty for an unencrypted key',
		},
		{
			displayName: 'Client CA (PEM)',
			name: 'clientCa',
			type: 'string',
			typeOptions: { rows: 6 },
			default: '',
			placeholder: '-----BEGIN CERTIFICATE-----',
			description: 'When set, only senders presenting a certificate signed by this CA may connect (mutual TLS)',
		},
	];
}
