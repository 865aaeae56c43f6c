/**
 * SMTP with Nodemailer's SMTP client (the library n8n's own Send Email node uses), one connection
 * per send: connect (implicit TLS, STARTTLS, or plain on loopback only), check the certificate
 * with the package's TLS modes (system CAs, custom CA, SHA-256 pin, insecure), and only then
 * log in and send. The pin is checked on the encrypted socket before AUTH, so a password is
 * never sent to a server with another certificate.
 */
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import SMTPConnection from 'nodemailer/lib/smtp-connection';

import { readTlsSettings, Redactor, tlsConnectionOptions, TlsFingerprintMismatchError, verifyPinnedPeer, type TlsSettings } from '../shared/transport';

export const SMTP_CREDENTIAL = 'proxmoxMcpSmtpApi';

export type SmtpSecurity = 'starttls' | 'tls' | 'none';

export interface SmtpSettings {
	host: string;
	port: number;
	security: SmtpSecurity;
	user: string;
	password: string;
	tls: TlsSettings;
	clientName: string | undefined;
	timeoutMs: number;
	redactor: Redactor;
}

export class SmtpConfigurationError extends Error {
	constructor(
		message: string,
		readonly field: string,
	) {
		super(message);
		this.name = 'SmtpConfigurationError';
	}
}

/** A failure talking to the SMTP server, with the server's reply when there was one. */
export class SmtpError extends Error {
	constructor(
		message: string,
		/** Nodemailer's code: EAUTH, ETLS, ECONNECTION, ETIMEDOUT, EENVELOPE, EMESSAGE, ... */
		readonly code: string | undefined,
		readonly responseCode: number | undefined,
		readonly hint: string | undefined,
	) {
		super(message);
		this.name = 'SmtpError';
	}
}

function isLoopback(host: string): boolean {
	const bare = host.replace(/^\[|\]$/g, '');
	return bare === 'localhost' || bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'));
}

export function smtpSettings(credentials: ICredentialDataDecryptedObject): SmtpSettings {
	const host = String(credentials.host ?? '').trim();
	if (!host || /[\s/]/.test(host)) throw new SmtpConfigurationError(`Host "${host}" is not a host name or IP address`, 'host');
	const security = (String(credentials.security ?? 'starttls') as SmtpSecurity) || 'starttls';
	if (!['starttls', 'tls', 'none'].includes(security)) throw new SmtpConfigurationError(`Unknown Security "${security}"`, 'security');
	const port = Number(credentials.port ?? (security === 'tls' ? 465 : 587));
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SmtpConfigurationError(`Port ${String(credentials.port)} is not a TCP port (1-65535)`, 'port');
	if (security === 'none' && !isLoopback(host)) {
		throw new SmtpConfigurationError(
			`Security "None" sends mail and password in clear text and is allowed only to a server on this machine (localhost, 127.0.0.1, ::1), not to ${host}. Use STARTTLS or TLS.`,
			'security',
		);
	}
	const user = String(credentials.user ?? '');
	const password = String(credentials.password ?? '');
	return {
		host,
		port,
		security,
		user,
		password,
		tls: readTlsSettings(credentials),
		clientName: String(credentials.clientName ?? '').trim() || undefined,
		timeoutMs: Math.max(1, Number(credentials.timeoutSeconds ?? 30) || 30) * 1000,
		redactor: new Redactor([password, password ? Buffer.from(`\u0000${user}\u0000${password}`).toString('base64') : undefined]),
	};
}

function describeSecurity(settings: SmtpSettings): string {
	return settings.security === 'tls' ? 'TLS' : settings.security === 'starttls' ? 'STARTTLS' : 'no encryption';
}

/** A clear error for what Nodemailer (or the pin check) reported. */
export function smtpError(error: unknown, settings: SmtpSettings, stage: string): SmtpError {
	if (error instanceof SmtpError) return error;
	const where = `${settings.host}:${settings.port}`;
	if (error instanceof TlsFingerprintMismatchError) return new SmtpError(settings.redactor.text(error.message), 'ETLS', undefined, 'The connection was closed before logging in.');
	const raw = error as SMTPConnection.SMTPError & { reason?: string };
	const code = raw?.code;
	const text = settings.redactor.text(raw?.message ?? String(error));
	const tlsCode = /^(ERR_TLS|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|ERR_SSL|HOSTNAME_MISMATCH)/;
	const causeCode = (raw as { cause?: { code?: string } })?.cause?.code ?? '';
	let hint: string | undefined;
	let message: string;
	switch (true) {
		case code === 'EAUTH':
			message = `SMTP login as "${settings.user}" at ${where} failed: ${text}`;
			hint = 'Check User and Password of the SMTP credential (some providers need an app password).';
			break;
		case code === 'ETLS' || tlsCode.test(String(code ?? '')) || tlsCode.test(causeCode) || /certificate|self[- ]signed|TLS|SSL/i.test(text):
			message = `TLS with ${where} (${describeSecurity(settings)}) failed: ${text}`;
			hint =
				settings.security === 'tls'
					? 'Is the port right for implicit TLS (465)? For port 587 choose STARTTLS. For a self-signed certificate use "Verify with Custom CA" or pin its fingerprint.'
					: 'Does the server offer STARTTLS on this port (587)? For port 465 choose TLS. For a self-signed certificate use "Verify with Custom CA" or pin its fingerprint.';
			break;
		case code === 'ECONNECTION' || code === 'ESOCKET' || code === 'EDNS':
			message = `Cannot connect to the SMTP server ${where}: ${text}`;
			hint = 'Check Host and Port, and that the server accepts connections from n8n.';
			break;
		case code === 'ETIMEDOUT':
			message = `The SMTP server ${where} did not answer in time (${stage}): ${text}`;
			hint = settings.security === 'tls' ? 'A server that expects STARTTLS (port 587) waits for the client to speak first: choose STARTTLS.' : undefined;
			break;
		case code === 'EENVELOPE':
			message = `The SMTP server refused the envelope: ${text}`;
			hint = 'A sender or recipient address was rejected.';
			break;
		default:
			message = `SMTP ${stage} with ${where} failed: ${text}`;
	}
	return new SmtpError(message, code, raw?.responseCode, hint);
}

/** An open, verified (and logged-in when the credential has a user) SMTP session. */
export interface SmtpSession {
	connection: SMTPConnection;
	/** TLS protocol of the session, or null when not encrypted. */
	tlsProtocol: string | null;
	authenticated: boolean;
	close(): void;
}

/** Runs one SMTP step; Nodemailer reports some failures only as an "error" event, which also ends the step. */
async function step<T>(settings: SmtpSettings, stage: string, events: SMTPConnection, run: (done: (error?: unknown, value?: T) => void) => void): Promise<T> {
	return await new Promise<T>((resolve, reject) => {
		let settled = false;
		const finish = (error?: unknown, value?: T) => {
			if (settled) return;
			settled = true;
			events.removeListener('error', onError);
			if (error) reject(smtpError(error, settings, stage));
			else resolve(value as T);
		};
		const onError = (error: Error) => finish(error);
		events.on('error', onError);
		run(finish);
	});
}

export async function openSmtpSession(settings: SmtpSettings): Promise<SmtpSession> {
	const isIpHost = isIP(settings.host.replace(/^\[|\]$/g, '')) !== 0;
	const connection = new SMTPConnection({
		host: settings.host,
		port: settings.port,
		secure: settings.security === 'tls',
		requireTLS: settings.security === 'starttls',
		ignoreTLS: settings.security === 'none',
		name: settings.clientName,
		connectionTimeout: settings.timeoutMs,
		greetingTimeout: settings.timeoutMs,
		socketTimeout: settings.timeoutMs * 2,
		logger: false,
		tls: { ...tlsConnectionOptions(settings.tls), ...(isIpHost ? {} : { servername: settings.host }), minVersion: 'TLSv1.2' },
	});
	// Errors after a step (e.g. the server closing) must not crash the process.
	connection.on('error', () => undefined);
	const close = () => {
		try {
			connection.quit();
		} catch {
			connection.close();
		}
		setTimeout(() => connection.close(), 1000).unref();
	};
	try {
		await step<void>(settings, 'connect', connection, (done) => connection.connect((error) => done(error)));
		const socket = connection._socket as TLSSocket;
		const encrypted = connection.secure && typeof socket.getPeerCertificate === 'function';
		if (settings.security !== 'none' && !encrypted) throw new SmtpError(`The SMTP server ${settings.host}:${settings.port} did not encrypt the connection`, 'ETLS', undefined, undefined);
		if (encrypted) {
			try {
				verifyPinnedPeer(socket, settings.tls, `${settings.host}:${settings.port}`);
			} catch (error) {
				throw smtpError(error, settings, 'TLS');
			}
		}
		let authenticated = false;
		if (settings.user) {
			await step<void>(settings, 'login', connection, (done) => connection.login({ user: settings.user, pass: settings.password }, (error) => done(error)));
			authenticated = true;
		}
		return { connection, tlsProtocol: encrypted ? (socket.getProtocol() ?? 'TLS') : null, authenticated, close };
	} catch (error) {
		connection.close();
		throw smtpError(error, settings, 'connect');
	}
}

export interface SendResult {
	accepted: string[];
	rejected: string[];
	response: string;
	messageSize: number;
}

export async function sendRaw(settings: SmtpSettings, envelope: { from: string; to: string[] }, raw: Buffer): Promise<SendResult> {
	const session = await openSmtpSession(settings);
	try {
		const info = await step<SMTPConnection.SentMessageInfo>(settings, 'send', session.connection, (done) => session.connection.send(envelope, raw, (error, result) => done(error, result)));
		return { accepted: info.accepted, rejected: info.rejected, response: settings.redactor.text(info.response), messageSize: info.messageSize };
	} finally {
		session.close();
	}
}

/** Credential test: EHLO, TLS and certificate check, and AUTH when a user is set; nothing is sent. */
export async function testSmtp(settings: SmtpSettings): Promise<string> {
	const session = await openSmtpSession(settings);
	session.close();
	const security = session.tlsProtocol ? `${describeSecurity(settings)}, ${session.tlsProtocol}` : 'no encryption';
	return `SMTP server ${settings.host}:${settings.port} answered (${security}); ${session.authenticated ? `login as "${settings.user}" works` : 'no login configured'}`;
}
