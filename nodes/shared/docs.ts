/**
 * Where each node and credential is documented: its section of this package's README, as npm
 * shows it (the package homepage). Codex files (`*.node.json`) repeat these URLs; a unit test
 * checks that every anchor names a README heading.
 */
export const PACKAGE_HOMEPAGE = 'https://www.npmjs.com/package/n8n-nodes-proxmox-mcp';

export const README_SECTIONS = {
	proxmox: 'proxmox-node',
	proxmoxCredential: 'credential-proxmox-ve-api',
	proxmoxBackupServer: 'proxmox-backup-server-node',
	proxmoxBackupServerCredential: 'credential-proxmox-backup-server-api',
	syslog: 'syslog-trigger',
	syslogTls: 'forwarding-from-a-proxmox-host',
	gotify: 'gotify',
	ntfy: 'ntfy',
	discord: 'discord-webhook',
	email: 'email-smtp',
	proxmoxTrigger: 'proxmox-trigger-push',
	proxmoxPollTrigger: 'proxmox-poll-trigger-poll',
	proxmoxStreamTrigger: 'proxmox-stream-trigger-websocket-relay',
	mail: 'proxmox-mail-trigger',
} as const;

export function readmeUrl(section: keyof typeof README_SECTIONS): string {
	return `${PACKAGE_HOMEPAGE}#${README_SECTIONS[section]}`;
}
