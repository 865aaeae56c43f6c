/**
 * The `sendmail` and `smtp` notification targets, delivering real mail:
 * - sendmail (proxmox-notify endpoints/sendmail.rs → proxmox-sys email.rs `sendmail`): the mail is
 *   built by hand as multipart/alternative (text/plain then text/html, 8bit UTF-8, boundary
 *   `----_=_NextPart_001_<epoch>`, `Auto-Submitted: auto-generated;`, RFC 2047 subject when not
 *   ASCII) and piped to /usr/sbin/sendmail, i.e. handed to the host's MTA. Here the MTA is the
 *   SMTP relay given in the simulator options (`mailRelay`); without one the mail is only recorded,
 *   as a host with no MTA configured would keep it in its queue.
 * - smtp (endpoints/smtp.rs, lettre): connects to `server`:`port` with `mode` tls (default,
 *   port 465), starttls (587) or insecure (25), optional AUTH with `username` + password, From
 *   `author <from-address>`, the same text + HTML alternative.
 * Recipients: `mailto` plus the e-mail address of each `mailto-user` (users without one are
 * skipped, as proxmox-notify does). Defaults from reference/protocols.md §5.3.
 */
import { createTransport } from 'nodemailer';

import type { Endpoint } from './config';
import type { NotificationEvent } from './dispatcher';

export interface MailContext {
	product: 'pve' | 'pbs';
	/** The host's MTA for sendmail targets (postfix relaying to this server), or null. */
	relay: { host: string; port: number } | null;
	/** E-mail address of a user (`root@pam` → its `email`), for `mailto-user`. */
	userEmail(userid: string): string | undefined;
}

export interface MailDelivery {
	target: string;
	from: string;
	to: string[];
	/** The message as piped to sendmail (sendmail targets). */
	raw?: string;
	/** Message-ID the SMTP library gave the mail (smtp targets). */
	messageId?: string;
	/** True when it went to an SMTP server (relay or smtp target). */
	sent: boolean;
}

const list = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : String(value).split(/[,;\s]+/)).filter(Boolean);

export function recipients(endpoint: Endpoint, context: MailContext): string[] {
	const users = list(endpoint['mailto-user'] ?? endpoint.mailto_user)
		.map((userid) => context.userEmail(userid))
		.filter((address): address is string => Boolean(address));
	return [...new Set([...list(endpoint.mailto), ...users])];
}

function defaultAuthor(context: MailContext): string {
	return context.product === 'pve' ? 'Proxmox VE' : 'Proxmox Backup Server';
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The HTML alternative: the plain-text body in a <pre>, as the default templates show tables and logs. */
export function htmlBody(event: NotificationEvent): string {
	return `<html>\n<body>\n<pre>\n${escapeHtml(event.message)}\n</pre>\n</body>\n</html>\n`;
}

function encodeSubject(subject: string): string {
	// email.rs: RFC 2047 base64 when the subject is not plain ASCII.
	return /^[\x20-\x7e]*$/.test(subject) ? subject : `=?utf-8?B?${Buffer.from(subject, 'utf8').toString('base64')}?=`;
}

/** `Date: %a, %d %b %Y %T %z` (email.rs uses proxmox_time::strftime_local). */
function rfc2822(date: Date): string {
	const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][date.getUTCDay()];
	const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][date.getUTCMonth()];
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${day}, ${pad(date.getUTCDate())} ${month} ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** The message proxmox-sys `sendmail()` writes to /usr/sbin/sendmail. */
export function sendmailMessage(event: NotificationEvent, options: { from: string; author: string; to: string[] }): string {
	const boundary = `----_=_NextPart_001_${event.timestamp}`;
	return [
		'Content-Type: multipart/alternative;',
		`\tboundary="${boundary}"`,
		'MIME-Version: 1.0',
		`Subject: ${encodeSubject(event.title)}`,
		`From: ${options.author} <${options.from}>`,
		`To: ${options.to.join(', ')}`,
		`Date: ${rfc2822(new Date(event.timestamp * 1000))}`,
		'Auto-Submitted: auto-generated;',
		'',
		'This is a multi-part message in MIME format.',
		'',
		`--${boundary}`,
		'Content-Type: text/plain;',
		'\tcharset="UTF-8"',
		'Content-Transfer-Encoding: 8bit',
		'',
		event.message,
		`--${boundary}`,
		'Content-Type: text/html;',
		'\tcharset="UTF-8"',
		'Content-Transfer-Encoding: 8bit',
		'',
		htmlBody(event),
		`--${boundary}--`,
		'',
	].join('\n');
}

/** sendmail target: hands the mail to the relay (the host's MTA); without a relay it is only built. */
export async function deliverSendmail(endpoint: Endpoint, event: NotificationEvent, context: MailContext): Promise<MailDelivery> {
	const to = recipients(endpoint, context);
	const hostname = event.fields.hostname ?? (context.product === 'pve' ? 'pve' : 'pbs');
	// email_from (datacenter.cfg) / email-from (node.cfg), else root, which the MTA qualifies as root@<fqdn>.
	const from = String(endpoint['from-address'] ?? `root@${hostname}.sim.local`);
	const raw = sendmailMessage(event, { from, author: String(endpoint.author ?? defaultAuthor(context)), to });
	if (!to.length) throw new Error('no recipients provided for the mail, cannot send it');
	if (!context.relay) return { target: endpoint.name, from, to, raw, sent: false };
	const transport = createTransport({ host: context.relay.host, port: context.relay.port, secure: false, ignoreTLS: true });
	try {
		await transport.sendMail({ envelope: { from, to }, raw });
	} finally {
		transport.close();
	}
	return { target: endpoint.name, from, to, raw, sent: true };
}

const SMTP_PORTS: Record<string, number> = { tls: 465, starttls: 587, insecure: 25 };

/** smtp target: the endpoint's own server, mode and login. */
export async function deliverSmtp(endpoint: Endpoint, secrets: Record<string, string>, event: NotificationEvent, context: MailContext): Promise<MailDelivery> {
	const to = recipients(endpoint, context);
	if (!to.length) throw new Error('no recipients provided for the mail, cannot send it');
	const mode = String(endpoint.mode ?? 'tls');
	const from = String(endpoint['from-address'] ?? '');
	const author = String(endpoint.author ?? defaultAuthor(context));
	const transport = createTransport({
		host: String(endpoint.server ?? ''),
		port: Number(endpoint.port ?? SMTP_PORTS[mode] ?? 465),
		secure: mode === 'tls',
		requireTLS: mode === 'starttls',
		ignoreTLS: mode === 'insecure',
		auth: endpoint.username ? { user: String(endpoint.username), pass: secrets.password ?? '' } : undefined,
		connectionTimeout: 10000,
	});
	try {
		const info = await transport.sendMail({
			from: { name: author, address: from },
			to,
			subject: event.title,
			text: event.message,
			html: htmlBody(event),
			date: new Date(event.timestamp * 1000),
			headers: { 'Auto-Submitted': 'auto-generated;' },
		});
		return { target: endpoint.name, from, to, messageId: String(info.messageId ?? ''), sent: true };
	} finally {
		transport.close();
	}
}
