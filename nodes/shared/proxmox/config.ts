/**
 * Reads a Proxmox credential (credentials/ProxmoxMcpApi.credentials.ts) into the settings the
 * client needs, validating what a user typed before any connection is made.
 */
import { createHash } from 'node:crypto';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { readTlsSettings, type TlsSettings } from '../transport';

export type ProxmoxProduct = 'pve' | 'pbs';

export interface ProxmoxEndpoint {
	host: string;
	port: number;
	/** `https://host:port` (IPv6 in brackets). */
	origin: string;
}

export type ProxmoxAuth =
	| { method: 'token'; tokenId: string; secret: string }
	| { method: 'password'; username: string; password: string };

export interface ProxmoxConfig {
	product: ProxmoxProduct;
	endpoints: ProxmoxEndpoint[];
	auth: ProxmoxAuth;
	tls: TlsSettings;
}

export class ProxmoxConfigError extends Error {
	constructor(
		message: string,
		readonly field: string,
	) {
		super(message);
		this.name = 'ProxmoxConfigError';
	}
}

/** `host:port` as users write it (IPv6 in brackets): two hosts on one address stay distinct. */
export function endpointLabel(endpoint: ProxmoxEndpoint): string {
	return `${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
}

export const DEFAULT_PORTS: Record<ProxmoxProduct, number> = { pve: 8006, pbs: 8007 };

/** Splits `a, b:8006, [fe80::1]:8006, https://c:8006/` into endpoints. */
export function parseHosts(value: string, defaultPort: number): ProxmoxEndpoint[] {
	const entries = value
		.split(/[\s,;]+/)
		.map((entry) => entry.trim())
		.filter(Boolean);
	if (entries.length === 0) throw new ProxmoxConfigError('Hosts must name at least one Proxmox host', 'hosts');
	return entries.map((entry) => {
		const withoutScheme = entry.replace(/^https?:\/\//i, '').replace(/\/.*$/, '');
		let host: string;
		let port = defaultPort;
		const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(withoutScheme);
		if (bracketed) {
			host = bracketed[1];
			if (bracketed[2]) port = Number(bracketed[2]);
		} else if ((withoutScheme.match(/:/g) ?? []).length > 1) {
			host = withoutScheme; // bare IPv6 address without port
		} else {
			const [name, portText] = withoutScheme.split(':');
			host = name;
			if (portText !== undefined) port = Number(portText);
		}
		if (!host || !/^[a-zA-Z0-9.:_-]+$/.test(host)) throw new ProxmoxConfigError(`"${entry}" is not a valid host name or address`, 'hosts');
		if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ProxmoxConfigError(`"${entry}" has an invalid port`, 'hosts');
		const hostPart = host.includes(':') ? `[${host}]` : host;
		return { host, port, origin: `https://${hostPart}:${port}` };
	});
}

function text(credentials: ICredentialDataDecryptedObject, key: string): string {
	const value = credentials[key];
	return typeof value === 'string' ? value.trim() : value === undefined || value === null ? '' : String(value);
}

export function readProxmoxConfig(credentials: ICredentialDataDecryptedObject, product: ProxmoxProduct = 'pve'): ProxmoxConfig {
	const port = Number(credentials.port) || DEFAULT_PORTS[product];
	const endpoints = parseHosts(text(credentials, 'hosts'), port);
	const tls = readTlsSettings(credentials);
	const method = text(credentials, 'authMethod') || 'token';
	if (method === 'token') {
		const tokenId = text(credentials, 'tokenId');
		const secret = text(credentials, 'tokenSecret');
		if (!/^[^@!\s]+@[^@!\s]+![A-Za-z][A-Za-z0-9._-]*$/.test(tokenId)) {
			throw new ProxmoxConfigError('Token ID must look like user@realm!tokenname, e.g. n8n@pve!automation', 'tokenId');
		}
		if (!secret) throw new ProxmoxConfigError('Token Secret is empty', 'tokenSecret');
		return { product, endpoints, tls, auth: { method: 'token', tokenId, secret } };
	}
	if (method === 'password') {
		let username = text(credentials, 'username');
		const realm = text(credentials, 'realm') || 'pam';
		const password = typeof credentials.password === 'string' ? credentials.password : '';
		if (!username) throw new ProxmoxConfigError('Username is empty', 'username');
		if (!username.includes('@')) username = `${username}@${realm}`;
		if (!password) throw new ProxmoxConfigError('Password is empty', 'password');
		return { product, endpoints, tls, auth: { method: 'password', username, password } };
	}
	throw new ProxmoxConfigError(`Unknown authentication method "${method}"`, 'authMethod');
}

/** Identity of a credential for pools and ticket caches: a hash, so no secret is kept in clear. */
export function configIdentity(config: ProxmoxConfig): string {
	const who =
		config.auth.method === 'token'
			? `token\0${config.auth.tokenId}\0${config.auth.secret}`
			: `user\0${config.auth.username}\0${config.auth.password}`;
	return createHash('sha256')
		.update(`${config.product}\0${config.endpoints.map((e) => e.origin).join(',')}\0${who}`)
		.digest('hex');
}
