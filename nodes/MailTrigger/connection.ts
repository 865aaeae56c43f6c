/**
 * The IMAP credential turned into an imapflow client: implicit TLS, STARTTLS (required, never
 * opportunistic) or none for loopback servers only, the package's TLS modes (system CAs, custom
 * CA, fingerprint pin checked on the connected socket before the login is written, insecure),
 * password or OAuth2 access token. Errors are turned into messages that name the field to fix.
 */
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { readTlsSettings, tlsConnectionOptions, TlsConfigurationError, TlsFingerprintMismatchError, verifyPinnedPeer, type TlsSettings } from '../shared/transport/tls';

export const IMAP_CREDENTIAL = 'proxmoxMcpImapApi';

export type ImapSecurity = 'tls' | 'starttls' | 'none';

export interface ImapSettings {
	host: string;
	port: number;
	security: ImapSecurity;
	user: string;
	password?: string;
	accessToken?: string;
	tls: TlsSettings;
}

/** A credential value that cannot work; `field` is the credential field to fix. */
export class ImapConfigurationError extends Error {
	constructor(
		message: string,
		readonly field: string,
	) {
		super(message);
		this.name = 'ImapConfigurationError';
	}
}

/** localhost, 127.0.0.0/8, ::1 (literal names only: a DNS name is never trusted to stay local). */
export function isLoopbackHost(host: string): boolean {
	const bare = host.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase();
	return bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

export function readImapSettings(data: ICredentialDataDecryptedObject): ImapSettings {
	const host = String(data.host ?? '').trim();
	if (!host) throw new ImapConfigurationError('Host is empty: enter the IMAP server name or address', 'host');
	const security = (String(data.security ?? 'tls') || 'tls') as ImapSecurity;
	if (!['tls', 'starttls', 'none'].includes(security)) throw new ImapConfigurationError(`Unknown Security "${security}"`, 'security');
	if (security === 'none' && !isLoopbackHost(host)) {
		throw new ImapConfigurationError(
			`Security "None" is allowed only for a server on this machine (localhost, 127.0.0.0/8, ::1), not for "${host}": the password would cross the network in clear text. Choose TLS or STARTTLS.`,
			'security',
		);
	}
	const port = Number(data.port ?? (security === 'tls' ? 993 : 143));
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ImapConfigurationError(`Port must be a whole number from 1 to 65535, not "${String(data.port)}"`, 'port');
	const user = String(data.user ?? '').trim();
	if (!user) throw new ImapConfigurationError('User is empty: enter the mailbox login', 'user');
	const settings: ImapSettings = { host, port, security, user, tls: security === 'none' ? { mode: 'system' } : readTlsSettings(data) };
	if (data.authentication === 'accessToken') {
		settings.accessToken = String(data.accessToken ?? '');
		if (!settings.accessToken) throw new ImapConfigurationError('Access Token is empty', 'accessToken');
	} else {
		settings.password = String(data.password ?? '');
		if (!settings.password) throw new ImapConfigurationError('Password is empty', 'password');
	}
	return settings;
}

/** imapflow transport whose TLS sockets pass the fingerprint pin before imapflow reads or writes a byte. */
function pinningTransport(settings: ImapSettings, failure: { error?: Error }): NonNullable<ImapFlowOptions['transport']> {
	const where = `${settings.host}:${settings.port}`;
	const secure = (socket: TLSSocket, done: () => void) => () => {
		try {
			verifyPinnedPeer(socket, settings.tls, where);
		} catch (error) {
			failure.error = error as Error;
			socket.destroy(error as Error);
			return;
		}
		done();
	};
	return {
		connect(options, onConnect) {
			if (!options.secure) return netConnect({ host: options.host, port: options.port }, onConnect);
			const socket: TLSSocket = tlsConnect({ ...options.tls, host: options.host, port: options.port, servername: options.servername }, () => secure(socket, onConnect)());
			return socket;
		},
		upgrade(plain, options, onSecure) {
			const socket: TLSSocket = tlsConnect({ ...options.tls, socket: plain as never, host: options.host, port: options.port, servername: options.servername }, () => secure(socket, onSecure)());
			return socket;
		},
	};
}

export interface ImapClientHandle {
	client: ImapFlow;
	/** A pin mismatch seen by the transport (imapflow reports it only as a closed socket). */
	pinFailure(): Error | undefined;
}

export function createImapClient(settings: ImapSettings, options: { connectionTimeoutMs?: number } = {}): ImapClientHandle {
	const failure: { error?: Error } = {};
	const client = new ImapFlow({
		host: settings.host,
		port: settings.port,
		secure: settings.security === 'tls',
		doSTARTTLS: settings.security === 'starttls' ? true : settings.security === 'none' ? false : undefined,
		auth: settings.accessToken ? { user: settings.user, accessToken: settings.accessToken } : { user: settings.user, pass: settings.password ?? '' },
		tls: settings.security === 'none' ? undefined : tlsConnectionOptions(settings.tls),
		transport: settings.security !== 'none' && settings.tls.mode === 'fingerprint' ? pinningTransport(settings, failure) : undefined,
		logger: false,
		disableAutoIdle: true,
		connectionTimeout: options.connectionTimeoutMs ?? 30000,
		greetingTimeout: options.connectionTimeoutMs ?? 16000,
		// The watcher's own NOOP check detects dead links sooner; this is the last resort.
		socketTimeout: 10 * 60 * 1000,
		clientInfo: { name: 'n8n-nodes-proxmox-mcp' },
	} as ImapFlowOptions);
	// imapflow emits 'error' at most once before closing; the watcher learns of it through 'close'.
	client.on('error', () => undefined);
	return { client, pinFailure: () => failure.error };
}

type ImapError = Error & {
	code?: string;
	authenticationFailed?: boolean;
	tlsFailed?: boolean;
	responseText?: string;
	serverResponseCode?: string;
	mailboxMissing?: boolean;
	path?: string;
};

const CERTIFICATE_CODES = new Set([
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'UNABLE_TO_GET_ISSUER_CERT',
	'CERT_HAS_EXPIRED',
	'CERT_NOT_YET_VALID',
	'ERR_TLS_CERT_ALTNAME_INVALID',
	'CERT_SIGNATURE_FAILURE',
	'CERT_UNTRUSTED',
]);

/** An error retrying cannot fix: wrong login, TLS that fails verification, a missing mailbox. */
export class ImapFatalError extends Error {
	constructor(
		message: string,
		readonly field: string | null,
	) {
		super(message);
		this.name = 'ImapFatalError';
	}
}

/**
 * A message for the user that names the cause (never the password or token); fatal errors
 * come back as ImapFatalError so the trigger stops instead of looping on them.
 */
export function explainImapError(raw: unknown, settings: ImapSettings, pinFailure?: Error): Error {
	const error = (pinFailure ?? raw) as ImapError;
	const where = `${settings.host}:${settings.port}`;
	if (error instanceof ImapFatalError) return error;
	if (error instanceof ImapConfigurationError || error instanceof TlsConfigurationError) return new ImapFatalError(error.message, error.field);
	if (error instanceof TlsFingerprintMismatchError) {
		return new ImapFatalError(
			`The certificate presented by ${where} has SHA-256 fingerprint ${error.presented}, which does not match the pinned fingerprint ${error.expected} of the IMAP credential. Nothing was sent to the server.`,
			'fingerprint',
		);
	}
	if (error.authenticationFailed || error.serverResponseCode === 'AUTHENTICATIONFAILED') {
		const how = settings.accessToken ? 'the access token (it may have expired)' : 'the user and password';
		const server = error.responseText ? ` The server said: "${error.responseText}".` : '';
		return new ImapFatalError(`Authentication failed for user "${settings.user}" on ${where}: check ${how} of the IMAP credential.${server}`, settings.accessToken ? 'accessToken' : 'password');
	}
	if (error.code && CERTIFICATE_CODES.has(error.code)) {
		return new ImapFatalError(
			`The TLS certificate of ${where} was rejected (${error.code}: ${error.message}). Choose "Verify with Custom CA" with the server's CA, or pin the certificate fingerprint, in the IMAP credential.`,
			'tlsMode',
		);
	}
	if (error.tlsFailed && /STARTTLS/i.test(error.message)) {
		return new ImapFatalError(`${where} does not offer STARTTLS (${error.message}). Choose implicit TLS (usually port 993) in the IMAP credential.`, 'security');
	}
	if (error.tlsFailed || /wrong version number|packet length too long|EPROTO/i.test(`${error.code} ${error.message}`)) {
		return new ImapFatalError(
			`The TLS handshake with ${where} failed (${error.message}). Check Security and Port in the IMAP credential: implicit TLS is usually port 993, STARTTLS port 143.`,
			'security',
		);
	}
	if (error.mailboxMissing || error.serverResponseCode === 'NONEXISTENT') {
		return new ImapFatalError(`Mailbox "${error.path ?? ''}" does not exist on ${where} for user "${settings.user}"`, 'mailbox');
	}
	if (error.code === 'ECONNREFUSED') return new Error(`Connection to ${where} was refused: is the IMAP server running on that port?`);
	if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return new Error(`Host "${settings.host}" could not be resolved (${error.code})`);
	if (error.code === 'ETIMEDOUT' || error.code === 'CONNECT_TIMEOUT' || error.code === 'GREETING_TIMEOUT') return new Error(`Connecting to ${where} timed out (${error.message})`);
	return new Error(`IMAP ${where}: ${error.message || String(error)}`);
}
