/**
 * Gotify over the package's HTTP module: credential → connection, requests with the application
 * or client token, and Gotify's error body ({error, errorCode, errorDescription}) as clear errors.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { Dispatcher } from 'undici';

import { getPool, httpRequest, readTlsSettings, Redactor, type HttpMethod, type HttpResponse, type TlsSettings } from '../shared/transport';
import { retryAfterSeconds } from '../shared/transport/retryAfter';

export const GOTIFY_CREDENTIAL = 'proxmoxMcpGotifyApi';

export type GotifyTokenKind = 'app' | 'client' | 'none';

export interface GotifyConnection {
	baseUrl: string;
	appToken: string;
	clientToken: string;
	tls: TlsSettings;
	dispatcher: Dispatcher;
	redactor: Redactor;
	/** Default answer budget of a request (credential "Timeout"). */
	timeoutMs: number;
}

/** A credential value that cannot work, or a token the operation needs is missing. */
export class GotifyConfigurationError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'GotifyConfigurationError';
	}
}

export function gotifyConnection(credentials: ICredentialDataDecryptedObject): GotifyConnection {
	const raw = String(credentials.serverUrl ?? '').trim();
	if (!URL.canParse(raw)) throw new GotifyConfigurationError(`Server URL "${raw}" is not a valid URL`);
	const url = new URL(raw);
	if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new GotifyConfigurationError('Server URL must start with http:// or https://');
	const baseUrl = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
	const appToken = String(credentials.appToken ?? '').trim();
	const clientToken = String(credentials.clientToken ?? '').trim();
	const tls = readTlsSettings(credentials);
	return {
		baseUrl,
		appToken,
		clientToken,
		tls,
		dispatcher: getPool(`gotify|${baseUrl}|${appToken}|${clientToken}`, { tls }),
		redactor: new Redactor([appToken, clientToken]),
		timeoutMs: Math.max(1, Number(credentials.timeoutSeconds ?? 30) || 30) * 1000,
	};
}

/** An answer of the Gotify server (or a proxy in front of it) other than 2xx. */
export class GotifyServerError extends Error {
	constructor(
		message: string,
		readonly status: number,
		readonly body: Record<string, unknown> | undefined,
		readonly retryAfterSeconds: number | undefined,
	) {
		super(message);
		this.name = 'GotifyServerError';
	}

	get isAuthFailure(): boolean {
		return this.status === 401 || this.status === 403;
	}
}

export function gotifyErrorFrom(
	response: { status: number; statusText: string; headers: HttpResponse['headers'] },
	text: string,
	redactor: Redactor,
	token: GotifyTokenKind = 'none',
): GotifyServerError {
	let body: Record<string, unknown> | undefined;
	try {
		body = JSON.parse(text) as Record<string, unknown>;
	} catch {
		body = undefined;
	}
	const detail =
		typeof body?.errorDescription === 'string'
			? body.errorDescription
			: typeof body?.error === 'string'
				? body.error
				: text.trim().slice(0, 300) || response.statusText;
	let message = `Gotify answered ${response.status}: ${detail}`;
	const retryAfter = retryAfterSeconds(response.headers);
	if (response.status === 429) {
		message += retryAfter !== undefined ? `. Retry after ${retryAfter} s.` : '. A proxy in front of Gotify limits requests; retry later.';
	}
	const tokenName = token === 'app' ? 'application token' : 'client token';
	if (response.status === 401 && token !== 'none') message += `. Check the ${tokenName} of the Gotify credential.`;
	if (response.status === 403 && token !== 'none') {
		message += token === 'app' ? '. The application token cannot be used for this; sending needs an application token, everything else a client token.' : `. The ${tokenName} is not allowed to do this.`;
	}
	return new GotifyServerError(redactor.text(message), response.status, body ? redactor.value(body) : undefined, retryAfter);
}

export interface GotifyRequest {
	method: HttpMethod;
	path: string;
	token: GotifyTokenKind;
	query?: Record<string, string | number | undefined>;
	json?: unknown;
	timeoutMs?: number;
}

export function tokenFor(connection: GotifyConnection, kind: GotifyTokenKind): string | undefined {
	if (kind === 'none') return undefined;
	const token = kind === 'app' ? connection.appToken : connection.clientToken;
	if (!token) {
		throw new GotifyConfigurationError(
			kind === 'app'
				? 'Sending needs the Application Token in the Gotify credential'
				: 'This operation needs the Client Token in the Gotify credential (Gotify web UI > Clients)',
		);
	}
	return token;
}

export function gotifyUrl(connection: GotifyConnection, path: string, query: GotifyRequest['query'] = {}): string {
	const url = new URL(`${connection.baseUrl}${path}`);
	for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
	return url.toString();
}

/** Sends a request with the right token; returns the parsed JSON (or undefined for an empty 200). */
export async function gotifyRequest<T = unknown>(connection: GotifyConnection, request: GotifyRequest): Promise<T> {
	const token = tokenFor(connection, request.token);
	const headers: Record<string, string> = { Accept: 'application/json' };
	if (token) headers['X-Gotify-Key'] = token;
	if (request.json !== undefined) headers['Content-Type'] = 'application/json';
	const response = await httpRequest({
		method: request.method,
		url: gotifyUrl(connection, request.path, request.query),
		headers,
		body: request.json === undefined ? undefined : JSON.stringify(request.json),
		timeoutMs: request.timeoutMs ?? connection.timeoutMs,
		dispatcher: connection.dispatcher,
		redactor: connection.redactor,
	});
	if (response.status < 200 || response.status >= 300) throw gotifyErrorFrom(response, response.text(), connection.redactor, request.token);
	return response.json<T>() as T;
}

export interface GotifyMessage {
	id: number;
	appid: number;
	message: string;
	title?: string;
	priority?: number;
	extras?: Record<string, unknown>;
	date: string;
}

export interface GotifyPage {
	paging: { size: number; since: number; limit: number; next?: string };
	messages: GotifyMessage[];
}

/**
 * Messages newest first, following Gotify's paging (`since` = exclusive upper id bound) until
 * `enough` says stop or there is no next page.
 */
export async function pageMessages(
	connection: GotifyConnection,
	options: { applicationId?: number; since?: number; pageSize: number },
	enough: (collected: GotifyMessage[], page: GotifyMessage[]) => boolean,
): Promise<GotifyMessage[]> {
	const path = options.applicationId !== undefined ? `/application/${options.applicationId}/message` : '/message';
	const collected: GotifyMessage[] = [];
	let since = options.since ?? 0;
	for (;;) {
		const page = await gotifyRequest<GotifyPage>(connection, {
			method: 'GET',
			path,
			token: 'client',
			query: { limit: options.pageSize, since: since > 0 ? since : undefined },
		});
		collected.push(...page.messages);
		if (enough(collected, page.messages) || !page.paging.next || page.paging.since <= 0) return collected;
		since = page.paging.since;
	}
}
