/**
 * Send Event in a real n8n 2.41.1: one published workflow receives a vzdump backup failure from
 * the Syslog Trigger (sent by util-linux logger) and sends it with "Send Event" to Gotify, ntfy,
 * Discord and e-mail; each simulator and the SMTP server got the rendered message.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';

import { portIsFree } from '../helpers/ports';
import { startDiscordSimulator, type DiscordSimulator } from '../simulators/discord';
import { startGotifySimulator, type GotifySimulator } from '../simulators/gotify';
import { startSmtpReceiver, type SmtpReceiver } from '../simulators/mail/smtpReceiver';
import { startNtfySimulator, type NtfySimulator } from '../simulators/ntfy';
import { certificatesFor } from '../simulators/proxmox/wire/certs';
import { N8nClient, nodeOutput } from './client';
import { freePort, PACKAGE_NAME } from './n8n';

const run = promisify(execFile);

describe('Send Event in a real n8n', () => {
	const client = new N8nClient();
	let gotify: GotifySimulator;
	let ntfy: NtfySimulator;
	let discord: DiscordSimulator;
	let smtp: SmtpReceiver;

	afterAll(async () => {
		await Promise.all([gotify?.close(), ntfy?.close(), discord?.close(), smtp?.close()]);
	});

	it('a syslog backup failure reaches Gotify, ntfy, Discord and e-mail, rendered for each', async () => {
		const certs = await certificatesFor('pve', '127.0.0.1', 'mail');
		gotify = await startGotifySimulator();
		const app = gotify.createApplication('admin', 'Proxmox');
		ntfy = await startNtfySimulator();
		discord = await startDiscordSimulator();
		const hook = discord.createWebhook('Proxmox');
		smtp = await startSmtpReceiver({ auth: { user: 'alerts', pass: 'mail-secret' }, tls: { certPem: certs.certPem, keyPem: certs.keyPem } });

		const ids = {
			gotify: await client.createCredential({ name: 'e2e events gotify', type: 'proxmoxMcpGotifyApi', data: { serverUrl: gotify.url, appToken: app.token, clientToken: '', tlsMode: 'system' } }),
			ntfy: await client.createCredential({ name: 'e2e events ntfy', type: 'proxmoxMcpNtfyApi', data: { serverUrl: ntfy.url, authentication: 'none', tlsMode: 'system' } }),
			discord: await client.createCredential({ name: 'e2e events discord', type: 'proxmoxMcpDiscordWebhookApi', data: { webhookUrl: discord.webhookUrl(hook), tlsMode: 'system' } }),
			smtp: await client.createCredential({
				name: 'e2e events smtp',
				type: 'proxmoxMcpSmtpApi',
				data: { host: '127.0.0.1', port: smtp.listenPort, security: 'starttls', user: 'alerts', password: 'mail-secret', tlsMode: 'customCa', caPem: certs.caPem },
			}),
		};
		const port = await freePort();
		const eventParameters = { eventMinSeverity: 'warning', eventOptions: { guiUrl: 'https://pve1.example.com:8006' } };
		const node = (n: number, name: string, type: string, parameters: Record<string, unknown>, credential: string) => ({
			id: `c2d7d1e2-0000-4000-8000-00000000b00${n}`,
			name,
			type: `${PACKAGE_NAME}.${type}`,
			typeVersion: 1,
			position: [300, n * 150],
			parameters: { ...parameters, ...eventParameters },
			credentials: { [credential]: {} },
		});
		const targets = ['Gotify', 'ntfy', 'Discord', 'Email'];
		const workflowId = await client.createWorkflow(
			{
				name: 'e2e: backup failure to every notifier',
				nodes: [
					{
						id: 'c2d7d1e2-0000-4000-8000-00000000b000',
						name: 'Syslog Trigger',
						type: `${PACKAGE_NAME}.syslogTrigger`,
						typeVersion: 1,
						position: [0, 0],
						parameters: { protocol: 'udp', host: '127.0.0.1', port, options: { timezone: 'UTC' } },
					},
					node(1, 'Gotify', 'gotify', { resource: 'message', operation: 'sendEvent' }, 'proxmoxMcpGotifyApi'),
					node(2, 'ntfy', 'ntfy', { operation: 'sendEvent', topic: 'proxmox-alerts' }, 'proxmoxMcpNtfyApi'),
					node(3, 'Discord', 'discordWebhook', { resource: 'message', operation: 'sendEvent' }, 'proxmoxMcpDiscordWebhookApi'),
					node(4, 'Email', 'smtpEmail', { operation: 'sendEvent', fromEmail: 'Proxmox <alerts@example.test>', toEmail: 'admin@example.test' }, 'proxmoxMcpSmtpApi'),
				],
				connections: { 'Syslog Trigger': { main: [targets.map((target) => ({ node: target, type: 'main', index: 0 }))] } },
			},
			{
				proxmoxMcpGotifyApi: { id: ids.gotify, name: 'e2e events gotify' },
				proxmoxMcpNtfyApi: { id: ids.ntfy, name: 'e2e events ntfy' },
				proxmoxMcpDiscordWebhookApi: { id: ids.discord, name: 'e2e events discord' },
				proxmoxMcpSmtpApi: { id: ids.smtp, name: 'e2e events smtp' },
			},
		);
		await client.publish(workflowId);
		try {
			const deadline = Date.now() + 15_000;
			while ((await portIsFree(port)) && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 200));
			// The line vzdump logs when a guest's backup fails (pve-manager PVE/VZDump.pm), at daemon.err.
			await run('logger', ['-n', '127.0.0.1', '-P', String(port), '-d', '--rfc3164', '-t', 'vzdump', '-p', 'daemon.err', 'ERROR: Backup of VM 100 failed - job failed with err -5 - Input/output error'], { timeout: 10_000 });
			const [execution] = await client.waitForExecutions(workflowId, 1, 60_000);
			expect(execution.status).toBe('success');
			for (const target of targets) expect(nodeOutput(execution.data, target)[0]).toMatchObject({ sent: true, severity: 'error' });

			const title = /^\[ERROR\] \S+: backup\.guest\.failed 100 on \S+$/;
			const [gotifyMessage] = gotify.messages;
			expect(gotifyMessage).toMatchObject({ priority: 9, extras: { 'client::display': { contentType: 'text/markdown' } } });
			expect(gotifyMessage.title).toMatch(title);
			expect(gotifyMessage.message).toContain('```\nERROR: Backup of VM 100 failed - job failed with err -5 - Input/output error\n```');

			const [ntfyMessage] = ntfy.store.all();
			expect(ntfyMessage).toMatchObject({ topic: 'proxmox-alerts', priority: 4, tags: ['x', 'floppy_disk', 'syslog', 'backup.guest.failed'] });

			const [discordMessage] = discord.messagesOf(hook.channelId);
			expect(discordMessage.embeds[0]).toMatchObject({ type: 'rich', color: 0xe74c3c });
			expect(discordMessage.embeds[0].fields).toEqual(expect.arrayContaining([{ name: 'Guest', value: '100', inline: true }, { name: 'Event', value: 'backup.guest.failed', inline: true }]));
			expect(discordMessage.allowed_mentions).toEqual({ parse: [] });

			const [mail] = await smtp.waitForMessages(1);
			expect(mail.parsed.subject).toMatch(title);
			expect(mail.parsed.html).toContain('ERROR: Backup of VM 100 failed');
			expect(mail.parsed.text).toContain('Event: backup.guest.failed');
			expect(mail).toMatchObject({ secure: true, user: 'alerts', envelope: { to: ['admin@example.test'] } });

			// The captured payloads the README shows.
			const captures = {
				event: nodeOutput(execution.data, 'Syslog Trigger')[0],
				gotify: { title: gotifyMessage.title, priority: gotifyMessage.priority, extras: gotifyMessage.extras, message: gotifyMessage.message },
				ntfy: ntfyMessage,
				discord: JSON.parse(discord.requests.find((request) => request.method === 'POST')!.body.toString()),
				email: { subject: mail.parsed.subject, text: mail.parsed.text, html: mail.parsed.html },
			};
			if (process.env.SEND_EVENT_CAPTURE) writeFileSync(process.env.SEND_EVENT_CAPTURE, JSON.stringify(captures, null, 2));
		} finally {
			await client.unpublish(workflowId);
		}
	}, 180_000);
});
