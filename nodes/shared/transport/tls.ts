/**
 * TLS settings shared by every HTTP node and credential of the package: verify against the
 * system CAs (default), against a custom CA (e.g. Proxmox's pve-root-ca.pem), pin the server
 * certificate's SHA-256 fingerprint (the value the Proxmox GUI shows), or — only as an explicit,
 * labelled choice — skip verification.
 */
import { createHash } from 'node:crypto';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';

import type { ICredentialDataDecryptedObject, INodeProperties } from 'n8n-workflow';

export type TlsMode = 'system' | 'customCa' | 'fingerprint' | 'insecure';

export interface TlsSettings {
	mode: TlsMode;
	/** PEM bundle, for mode customCa. */
	caPem?: string;
	/** Normalised upper-case colon form, for mode fingerprint. */
	fingerprint?: string;
}

export class TlsConfigurationError extends Error {
	constructor(
		message: string,
		readonly field: string,
	) {
		super(message);
		this.name = 'TlsConfigurationError';
	}
}

/** Raised when the server's certificate does not match the pinned fingerprint. */
export class TlsFingerprintMismatchError extends Error {
	readonly code = 'TLS_FINGERPRINT_MISMATCH';

	constructor(
		readonly expected: string,
		readonly presented: string,
		readonly host: string,
	) {
		super(
			`The certificate presented by ${host} has SHA-256 fingerprint ${presented}, which does not match the pinned fingerprint ${expected}. ` +
				'If the server certificate was renewed on purpose, copy the new fingerprint from the Proxmox GUI (node > System > Certificates) into the credential.',
		);
		this.name = 'TlsFingerprintMismatchError';
	}
}

/**
 * Credential fields for TLS, identical in every credential of the package (read them back with
 * readTlsSettings).
 */
export function tlsCredentialProperties(): INodeProperties[] {
	return [
		{
			displayName: 'TLS Certificate Verification',
			name: 'tlsMode',
			type: 'options',
			default: 'system',
			options: [
				{
					name: 'Verify with System CAs',
					value: 'system',
					description: 'The server certificate must be signed by a CA the system trusts (e.g. ACME/Let\'s Encrypt)',
				},
				{
					name: 'Verify with Custom CA',
					value: 'customCa',
					description: 'Trust the CA certificate you paste below, e.g. /etc/pve/pve-root-ca.pem of a Proxmox cluster',
				},
				{
					name: 'Pin Certificate Fingerprint',
					value: 'fingerprint',
					description: 'Accept only the certificate with this SHA-256 fingerprint (self-signed Proxmox certificates)',
				},
				{
					name: 'Do Not Verify (Insecure)',
					value: 'insecure',
					description: 'Accept any certificate. Anyone on the network path can read and change the traffic, including credentials.',
				},
			],
		},
		{
			displayName: 'CA Certificate (PEM)',
			name: 'caPem',
			type: 'string',
			typeOptions: { rows: 6 },
			default: '',
			placeholder: '-----BEGIN CERTIFICATE-----',
			description: 'One or more PEM certificates of the CA that signed the server certificate',
			displayOptions: { show: { tlsMode: ['customCa'] } },
		},
		{
			displayName: 'Certificate SHA-256 Fingerprint',
			name: 'fingerprint',
			type: 'string',
			default: '',
			placeholder: 'AB:CD:EF:...',
			description:
				'The SHA-256 fingerprint of the server certificate, with or without colons. Proxmox shows it under node > System > Certificates.',
			displayOptions: { show: { tlsMode: ['fingerprint'] } },
		},
		{
			displayName:
				'Certificate verification is off: credentials and data can be read or changed by anyone on the network path. Prefer pinning the fingerprint.',
			name: 'insecureNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { tlsMode: ['insecure'] } },
		},
	];
}

/** Accepts `AB:CD:..`, `abcd..`, `sha256 Fingerprint=AB:..` (openssl) or `SHA256:..`; returns `AB:CD:..`. */
export function normaliseFingerprint(value: string): string {
	const hex = value
		.trim()
		.replace(/^sha-?256\s*(fingerprint)?\s*[=:]?\s*/i, '')
		.replace(/[:\s-]/g, '')
		.toUpperCase();
	if (!/^[0-9A-F]{64}$/.test(hex)) {
		throw new TlsConfigurationError(
			'Certificate SHA-256 Fingerprint must be 64 hexadecimal digits (32 bytes), optionally separated by colons',
			'fingerprint',
		);
	}
	return hex.match(/../g)!.join(':');
}

export function fingerprintOfDer(der: Buffer): string {
	return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

export function readTlsSettings(credentials: ICredentialDataDecryptedObject): TlsSettings {
	const mode = ((credentials.tlsMode as string) || 'system') as TlsMode;
	switch (mode) {
		case 'system':
		case 'insecure':
			return { mode };
		case 'customCa': {
			const caPem = ((credentials.caPem as string) ?? '').trim();
			if (!caPem.includes('-----BEGIN CERTIFICATE-----')) {
				throw new TlsConfigurationError('CA Certificate (PEM) must contain at least one "-----BEGIN CERTIFICATE-----" block', 'caPem');
			}
			return { mode, caPem };
		}
		case 'fingerprint':
			return { mode, fingerprint: normaliseFingerprint((credentials.fingerprint as string) ?? '') };
		default:
			throw new TlsConfigurationError(`Unknown TLS Certificate Verification mode "${mode as string}"`, 'tlsMode');
	}
}

/** Options for tls.connect / undici's connector, before any pin check. */
export function tlsConnectionOptions(settings: TlsSettings): ConnectionOptions {
	switch (settings.mode) {
		case 'customCa':
			return { ca: settings.caPem, rejectUnauthorized: true };
		// The pinned certificate is usually self-signed, so the chain cannot validate: the pin
		// check in verifyPinnedPeer replaces it and runs before any request byte is written.
		case 'fingerprint':
		case 'insecure':
			return { rejectUnauthorized: false };
		default:
			return { rejectUnauthorized: true };
	}
}

/** Throws TlsFingerprintMismatchError when a pinned connection presents another certificate. */
export function verifyPinnedPeer(socket: TLSSocket, settings: TlsSettings, host: string): void {
	if (settings.mode !== 'fingerprint' || !settings.fingerprint) return;
	const certificate = socket.getPeerCertificate();
	const presented = certificate?.raw ? fingerprintOfDer(certificate.raw) : 'none';
	if (presented !== settings.fingerprint) throw new TlsFingerprintMismatchError(settings.fingerprint, presented, host);
}

/**
 * Opens a TLS connection and completes the handshake and pin check before resolving, so the
 * caller writes nothing (no token, no password) to an unverified peer.
 */
export async function connectVerifiedTls(
	host: string,
	port: number,
	settings: TlsSettings,
	options: { servername?: string; timeoutMs?: number; alpnProtocols?: string[] } = {},
): Promise<TLSSocket> {
	return await new Promise<TLSSocket>((resolve, reject) => {
		const isIp = /^[\d.]+$|:/.test(host);
		const socket = tlsConnect({
			host,
			port,
			servername: options.servername ?? (isIp ? undefined : host),
			ALPNProtocols: options.alpnProtocols,
			...tlsConnectionOptions(settings),
		});
		const timer = setTimeout(() => {
			socket.destroy();
			reject(Object.assign(new Error(`Connecting to ${host}:${port} timed out after ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
		}, options.timeoutMs ?? 10000);
		socket.once('secureConnect', () => {
			clearTimeout(timer);
			try {
				verifyPinnedPeer(socket, settings, `${host}:${port}`);
				resolve(socket);
			} catch (error) {
				socket.destroy();
				reject(error);
			}
		});
		socket.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
	});
}

/** Stable text for cache keys (never includes secrets). */
export function tlsCacheKey(settings: TlsSettings): string {
	return createHash('sha256')
		.update(JSON.stringify([settings.mode, settings.caPem ?? '', settings.fingerprint ?? '']))
		.digest('hex')
		.slice(0, 16);
}
