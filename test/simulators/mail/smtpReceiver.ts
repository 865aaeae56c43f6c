/**
 * A real SMTP server for tests (smtp-server, the library behind Nodemailer's own test servers):
 * receives mail on a random loopback port, optionally with AUTH (PLAIN/LOGIN) and TLS (implicit
 * or STARTTLS), and keeps every message as received (envelope, raw bytes) and as parsed by
 * mailparser (headers, text and HTML parts, attachments). Reusable by any test that needs mail
 * delivered (the e-mail node, the IMAP trigger's world).
 */
import type { AddressInfo } from 'node:net';

import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
	envelope: { from: string | false; to: string[] };
	/** The authenticated user, if the client logged in. */
	user: string | undefined;
	/** Whether the session was encrypted when the message was sent. */
	secure: boolean;
	raw: Buffer;
	parsed: ParsedMail;
}

export interface SmtpReceiverOptions {
	/** Require AUTH with this user and password (AUTH PLAIN/LOGIN). Without it, no login is needed. */
	auth?: { user: string; pass: string };
	/** Certificate and key: with `implicitTls`, TLS from the first byte (port 465 style), else STARTTLS. */
	tls?: { certPem: string; keyPem: string };
	implicitTls?: boolean;
	/** Allow AUTH without TLS (only sensible on loopback). */
	allowInsecureAuth?: boolean;
	/** Reject these recipients with 550. */
	rejectRecipients?: string[];
	/** Largest message accepted (SIZE extension), default 10 MiB. */
	maxSize?: number;
	/** Address and port to listen on (default 127.0.0.1, a random free port). */
	host?: string;
	port?: number;
	/** Called with each message once it is stored (`npm run sim` prints and saves it). */
	onMessage?: (mail: ReceivedMail) => void;
}

export class SmtpReceiver {
	readonly messages: ReceivedMail[] = [];
	/** Every login attempt, with its outcome. */
	readonly logins: Array<{ user: string; ok: boolean; secure: boolean }> = [];
	private readonly server: SMTPServer;
	private port = 0;
	private waiters: Array<() => void> = [];

	constructor(private readonly options: SmtpReceiverOptions = {}) {
		const config: SMTPServerOptions = {
			secure: options.implicitTls === true,
			name: 'mail.test',
			banner: 'smtp receiver for tests',
			size: options.maxSize ?? 10 * 1024 * 1024,
			logger: false,
			disabledCommands: options.tls ? [] : ['STARTTLS'],
			hideSTARTTLS: !options.tls,
			authOptional: !options.auth,
			allowInsecureAuth: options.allowInsecureAuth === true,
			authMethods: ['PLAIN', 'LOGIN'],
			...(options.tls ? { key: options.tls.keyPem, cert: options.tls.certPem } : {}),
			onAuth: (auth, session, callback) => {
				const ok = !!options.auth && auth.username === options.auth.user && auth.password === options.auth.pass;
				this.logins.push({ user: auth.username ?? '', ok, secure: session.secure });
				if (!ok) return callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
				callback(null, { user: auth.username });
			},
			onRcptTo: (address: SMTPServerAddress, _session: SMTPServerSession, callback) => {
				if (options.rejectRecipients?.includes(address.address)) {
					return callback(Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown`), { responseCode: 550 }));
				}
				callback();
			},
			onData: (stream, session, callback) => {
				const chunks: Buffer[] = [];
				stream.on('data', (chunk: Buffer) => chunks.push(chunk));
				stream.on('end', () => {
					const raw = Buffer.concat(chunks);
					void simpleParser(raw).then(
						(parsed) => {
							this.messages.push({
								envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : false, to: session.envelope.rcptTo.map((rcpt) => rcpt.address) },
								user: session.user as string | undefined,
								secure: session.secure,
								raw,
								parsed,
							});
							options.onMessage?.(this.messages[this.messages.length - 1]);
							const waiting = this.waiters;
							this.waiters = [];
							for (const wake of waiting) wake();
							callback();
						},
						(error: Error) => callback(error),
					);
				});
			},
		};
		this.server = new SMTPServer(config);
		this.server.on('error', () => undefined);
	}

	get host(): string {
		return this.options.host ?? '127.0.0.1';
	}

	get listenPort(): number {
		return this.port;
	}

	async start(): Promise<this> {
		await new Promise<void>((resolve, reject) => {
			this.server.server.once('error', reject);
			this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
		});
		this.port = (this.server.server.address() as AddressInfo).port;
		return this;
	}

	async close(): Promise<void> {
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	/** Resolves once `count` messages are in (polls on each delivery; rejects after `timeoutMs`). */
	async waitForMessages(count: number, timeoutMs = 20_000): Promise<ReceivedMail[]> {
		const deadline = Date.now() + timeoutMs;
		while (this.messages.length < count) {
			const left = deadline - Date.now();
			if (left <= 0) throw new Error(`SMTP receiver: ${this.messages.length} of ${count} messages after ${timeoutMs} ms`);
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, Math.min(left, 500));
				this.waiters.push(() => {
					clearTimeout(timer);
					resolve();
				});
			});
		}
		return this.messages.slice(0, count);
	}
}

export async function startSmtpReceiver(options: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
	return await new SmtpReceiver(options).start();
}
