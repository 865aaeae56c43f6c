/**
 * An SMTP server (npm `smtp-server`) that delivers every accepted message into Dovecot over LMTP,
 * like a small MTA in front of a mailbox: what a Proxmox host's postfix relays to, or what its
 * `smtp` notification target talks to. Tested path: reference/mail.md §E ("smtp-server → LMTP
 * bridge works"). Optional AUTH PLAIN/LOGIN and STARTTLS, so the smtp target's modes can be used.
 * Delivery happens before the 250 answer, so a sender that got 250 finds the mail in Dovecot.
 */
import { createTransport, type Transporter } from 'nodemailer';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface SmtpToDovecotOptions {
	/** Dovecot's LMTP port on 127.0.0.1. */
	lmtpPort: number;
	/** Accept only these logins (AUTH PLAIN/LOGIN); without, AUTH is optional. */
	users?: Record<string, string>;
	/** Certificate for STARTTLS / implicit TLS; without, STARTTLS is not offered. */
	tls?: { certPem: string; keyPem: string; implicit?: boolean };
}

export interface DeliveredMail {
	from: string;
	to: string[];
	raw: Buffer;
	/** LMTP's answer for the delivery. */
	response: string;
}

export class SmtpToDovecot {
	readonly host = '127.0.0.1';
	readonly delivered: DeliveredMail[] = [];
	private readonly waiters: Array<() => void> = [];

	private constructor(
		private readonly server: SMTPServer,
		private readonly lmtp: Transporter,
		readonly port: number,
	) {}

	static async start(options: SmtpToDovecotOptions): Promise<SmtpToDovecot> {
		const lmtp = createTransport({ host: '127.0.0.1', port: options.lmtpPort, lmtp: true, ignoreTLS: true, secure: false } as never);
		const holder: { bridge?: SmtpToDovecot } = {};
		const serverOptions: SMTPServerOptions = {
			name: 'mail.sim.local',
			banner: 'smtp-to-dovecot (tests)',
			authOptional: !options.users,
			authMethods: ['PLAIN', 'LOGIN'],
			allowInsecureAuth: true,
			secure: options.tls?.implicit ?? false,
			disabledCommands: options.tls ? [] : ['STARTTLS'],
			key: options.tls?.keyPem,
			cert: options.tls?.certPem,
			size: 50 * 1024 * 1024,
			logger: false,
			onAuth(auth, _session, callback) {
				if (options.users && options.users[auth.username ?? ''] === auth.password) return callback(null, { user: auth.username });
				return callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
			},
			onData(stream, session, callback) {
				const chunks: Buffer[] = [];
				stream.on('data', (chunk: Buffer) => chunks.push(chunk));
				stream.on('end', () => {
					const raw = Buffer.concat(chunks);
					const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
					const to = session.envelope.rcptTo.map((rcpt) => rcpt.address);
					lmtp
						.sendMail({ envelope: { from, to }, raw })
						.then((info) => {
							holder.bridge!.delivered.push({ from, to, raw, response: String(info.response) });
							holder.bridge!.waiters.splice(0).forEach((wake) => wake());
							callback(null, 'Delivered to Dovecot');
						})
						.catch((error: Error & { responseCode?: number }) => callback(Object.assign(new Error(`Delivery failed: ${error.message}`), { responseCode: error.responseCode ?? 451 })));
				});
			},
		};
		const server = new SMTPServer(serverOptions);
		server.on('error', () => undefined);
		await new Promise<void>((resolve, reject) => {
			server.server.once('error', reject);
			server.listen(0, '127.0.0.1', () => resolve());
		});
		const port = (server.server.address() as { port: number }).port;
		holder.bridge = new SmtpToDovecot(server, lmtp, port);
		return holder.bridge;
	}

	/** Resolves once `count` messages were delivered in total. */
	async waitForDelivered(count: number, timeoutMs = 10000): Promise<DeliveredMail[]> {
		const deadline = Date.now() + timeoutMs;
		while (this.delivered.length < count) {
			const left = deadline - Date.now();
			if (left <= 0) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${count} delivered mail(s); got ${this.delivered.length}`);
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, left);
				this.waiters.push(() => {
					clearTimeout(timer);
					resolve();
				});
			});
		}
		return this.delivered;
	}

	async close(): Promise<void> {
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
		this.lmtp.close();
	}
}
