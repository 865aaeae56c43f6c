/**
 * ntfy over the package's HTTP module: credential → connection, requests with auth, and ntfy's
 * error bodies ({code, http, error, link}) turned into clear errors with a retry hint for 429.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { getPool, httpRequest, readTlsSettings, Redactor, type HttpMethod, type HttpResponse, type TlsSettings } from '../shared/transport';
import { retryAfterSeconds } from '../shared/transport/retryAfter';
import type { Dispatcher } from 'undici';

export const NTFY_CREDENTIAL = 'proxmoxMcpNtfyApi';

export interface NtfyConnection {
	baseUrl: string;
	/** `Authorization` header value, or undefined for anonymous access. */
	authorization: string | undefined;
	tls: TlsSettings;
	dispatcher: Dispatcher;
	redactor: Redactor;
	/** Default answer budget of a request (credential "Timeout"). */
	timeoutMs: number;
}

export function ntfyConnection(credentials: ICredentialDataDecryptedObject): NtfyConnection {
	const raw = String(credentials.serverUrl ?? '').trim() || 'https://ntfy.sh';
	if (!URL.canParse(raw)) throw new NtfyConfigurationError(`Server URL "${raw}" is not a valid URL`);
	const url = new URL(raw);
	if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new NtfyConfigurationError('Server URL must start with http:// or https://');
	const baseUrl = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
	let authorization: string | undefined;
	const secrets: string[] = [];
	switch (credentials.authentication) {
		case 'basic': {
			const user = String(credentials.username ?? '');
			const password = String(credentials.password ?? '');
			authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
			secrets.push(password, authorization.slice(6));
			break;
		}
		case 'token': {
			const token = String(credentials.accessToken ?? '').trim();
			authorization = `Bearer ${token}`;
			secrets.push(token);
			break;
		}
		default:
			break;
	}
	const tls = readTlsSettings(credentials);
	return {
		baseUrl,
		authorization,
		tls,
		dispatcher: getPool(`ntfy|${baseUrl}|${authorization ?? ''}`, { tls }),
		redactor: new Redactor(secrets),
		timeoutMs: Math.max(1, Number(credentials.timeoutSeconds ?? 30) || 30) * 1000,
	};
}

/** A credential value that cannot work (reported before any request). */
export class NtfyConfigurationError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'NtfyConfigurationError';
	}
}

/** An answer of the ntfy server other than 2xx. */
export class NtfyServerError extends Error {
	constructor(
		message: string,
		readonly status: number,
		/** ntfy's error code, e.g. 42901. */
		readonly code: number | undefined,
		readonly body: Record<string, unknown> | undefined,
		readonly retryAfterSeconds: number | undefined,
	) {
		super(message);
		this.name = 'NtfyServerError';
	}

	get isAuthFailure(): boolean {
		return this.status === 401 || this.status === 403;
	}
}

/** How long to wait after an ntfy 429, by error code (defaults of server/config.go). */
function rateLimitHint(code: number | undefined, retryAfter: number | undefined): string {
	if (retryAfter !== undefined) return `Retry after ${retryAfter} s.`;
	switch (code) {
		case 42901:
			return 'ntfy allows a burst of requests, then one every few seconds per client (default: 60, then 1 per 5 s); retry in a few seconds.';
		case 42909:
			return 'Too many failed logins from this address: check the credential, then retry after a minute.';
		case 42908:
			return 'The daily message quota of this account is used up; it resets the next day.';
		case 42902:
			return 'The e-mail limit is reached (default: 16, then one per hour).';
		default:
			return 'The server limits this client; retry later.';
	}
}

export function ntfyErrorFrom(response: { status: number; statusText: string; headers: HttpResponse['headers'] }, text: string, redactor: Redactor): NtfyServerError {
	let body: Record<string, unknown> | undefined;
	try {
		body = JSON.parse(text.split('\n')[0]) as Record<string, unknown>;
	} catch {
		body = undefined;
	}
	const code = typeof body?.code === 'number' ? body.code : undefined;
	const detail = typeof body?.error === 'string' ? body.error : text.trim().slice(0, 300) || response.statusText;
	let message = `ntfy answered ${response.status}${code ? ` (code ${code})` : ''}: ${detail}`;
	const retryAfter = retryAfterSeconds(response.headers);
	if (response.status === 429) message += `. ${rateLimitHint(code, retryAfter)}`;
	if (response.status === 401) message += '. Check the username and password or access token of the ntfy credential.';
	if (response.status === 403) message += '. The credential has no permission for this topic (or the topic needs a login).';
	if (typeof body?.link === 'string') message += ` See ${body.link}`;
	return new NtfyServerError(redactor.text(message), response.status, code, body ? redactor.value(body) : undefined, retryAfter);
}

export interface NtfyRequest {
	method: HttpMethod;
	path: string;
	query?: Record<string, string | undefined>;
	headers?: Record<string, string>;
	body?: string | Buffer;
	timeoutMs?: number;
}

export function ntfyUrl(connection: NtfyConnection, path: string, query: Record<string, string | undefined> = {}): string {
	const url = new URL(`${connection.baseUrl}${path}`);
	for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') url.searchParams.set(key, value);
	return url.toString();
}

export function authHeaders(connection: NtfyConnection): Record<string, string> {
	return connection.authorization ? { Authorization: connection.authorization } : {};
}

/** Sends a request; resolves with the answer when it is 2xx, else throws NtfyServerError. */
export async function ntfyRequest(connection: NtfyConnection, request: NtfyRequest): Promise<HttpResponse> {
	const response = await httpRequest({
		method: request.method,
		url: ntfyUrl(connection, request.path, request.query),
		headers: { ...authHeaders(connection), ...(request.headers ?? {}) },
		body: request.body,
		timeoutMs: request.timeoutMs ?? connection.timeoutMs,
		dispatcher: connection.dispatcher,
		redactor: connection.redactor,
	});
	if (response.status < 200 || response.status >= 300) throw ntfyErrorFrom(response, response.text(), connection.redactor);
	return response;
}

/** Parses an NDJSON body (ntfy's /json stream and poll answers). */
export function parseNdjson(text: string): Array<Record<string, unknown>> {
	return text
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** RFC 2047 encoded word for header values outside printable ASCII (Node rejects them otherwise). */
export function headerValue(value: string): string {
	const clean = value.replace(/\r?\n/g, ' ');
	return /^[\x20-\x7e]*$/.test(clean) ? clean : `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`;
}
