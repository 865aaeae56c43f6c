/**
 * Discord webhooks over the package's HTTP module (protocols.md §3): the webhook URL checked and
 * turned into a connection, requests on API v10 (seconds in `retry_after`, errors with field
 * paths), 429 waits of `retry_after` and 5xx retries, both bounded and reported to the caller.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import type { Dispatcher } from 'undici';

import { getPool, httpRequest, readTlsSettings, Redactor, type HttpMethod, type TlsSettings } from '../shared/transport';
import { retryAfterSeconds } from '../shared/transport/retryAfter';

export const DISCORD_CREDENTIAL = 'proxmoxMcpDiscordWebhookApi';

/** Discord's API version the node speaks: v8+ gives seconds in retry_after and errors with paths. */
export const API_VERSION = 10;

export interface DiscordConnection {
	/** `<origin>/api/v10/webhooks/<id>/<token>` */
	webhookUrl: string;
	webhookId: string;
	dispatcher: Dispatcher;
	redactor: Redactor;
	tls: TlsSettings;
	timeoutMs: number;
}

export class DiscordConfigurationError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'DiscordConfigurationError';
	}
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Accepts the URL Discord shows (`https://discord.com/api/webhooks/<id>/<token>`), also with
 * `/api/v<N>/`, the ptb./canary. hosts, discordapp.com, or any other host (a proxy); plain http
 * only on loopback.
 */
export function parseWebhookUrl(raw: string): { origin: string; id: string; token: string } {
	const value = raw.trim();
	if (!URL.canParse(value)) throw new DiscordConfigurationError('Webhook URL is not a valid URL: copy it from Discord (channel settings > Integrations > Webhooks > Copy Webhook URL)');
	const url = new URL(value);
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) {
		throw new DiscordConfigurationError('Webhook URL must start with https:// (plain http only for a local test server)');
	}
	const match = /^\/api(?:\/v\d+)?\/webhooks\/(\d{15,25})\/([A-Za-z0-9_-]{20,120})\/?$/.exec(url.pathname);
	if (!match) {
		throw new DiscordConfigurationError('Webhook URL must look like https://discord.com/api/webhooks/<webhook ID>/<token> (the ID is a number, the token follows it)');
	}
	return { origin: url.origin, id: match[1], token: match[2] };
}

export function discordConnection(credentials: ICredentialDataDecryptedObject): DiscordConnection {
	const { origin, id, token } = parseWebhookUrl(String(credentials.webhookUrl ?? ''));
	const tls = readTlsSettings(credentials);
	const webhookUrl = `${origin}/api/v${API_VERSION}/webhooks/${id}/${token}`;
	return {
		webhookUrl,
		webhookId: id,
		tls,
		dispatcher: getPool(`discord|${webhookUrl}`, { tls }),
		redactor: new Redactor([token]),
		timeoutMs: Math.max(1, Number(credentials.timeoutSeconds ?? 30) || 30) * 1000,
	};
}

/** An answer of Discord other than 2xx, with the failing fields as dotted paths. */
export class DiscordApiError extends Error {
	constructor(
		message: string,
		readonly status: number,
		readonly code: number | undefined,
		readonly body: Record<string, unknown> | undefined,
		/** `embeds.0.title: Must be 256 or fewer in length. (BASE_TYPE_MAX_LENGTH)` */
		readonly fieldErrors: string[],
		readonly retryAfterSeconds?: number,
	) {
		super(message);
		this.name = 'DiscordApiError';
	}
}

/** Flattens `{"embeds": {"0": {"title": {"_errors": [{code, message}]}}}}` into path lines. */
export function flattenFieldErrors(errors: unknown, path: string[] = []): string[] {
	if (!errors || typeof errors !== 'object') return [];
	const out: string[] = [];
	for (const [key, value] of Object.entries(errors as Record<string, unknown>)) {
		if (key === '_errors' && Array.isArray(value)) {
			for (const entry of value as Array<{ code?: string; message?: string }>) {
				out.push(`${path.join('.') || '(body)'}: ${entry.message ?? 'invalid'}${entry.code ? ` (${entry.code})` : ''}`);
			}
		} else out.push(...flattenFieldErrors(value, [...path, key]));
	}
	return out;
}

export function discordErrorFrom(status: number, statusText: string, text: string, headers: Record<string, string | string[] | undefined>, redactor: Redactor): DiscordApiError {
	let body: Record<string, unknown> | undefined;
	try {
		const parsed = JSON.parse(text) as unknown;
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
	} catch {
		body = undefined;
	}
	const code = typeof body?.code === 'number' ? body.code : undefined;
	let fieldErrors = flattenFieldErrors(body?.errors);
	if (!body?.message && body && fieldErrors.length === 0) {
		// Legacy (v6) shape: {"embeds": ["Embed size exceeds maximum size of 6000"]}
		fieldErrors = Object.entries(body).map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join('; ') : String(value)}`);
	}
	const detail = typeof body?.message === 'string' ? body.message : text.trim().slice(0, 300) || statusText;
	let message = `Discord answered ${status}${code ? ` (code ${code})` : ''}: ${detail}`;
	if (fieldErrors.length > 0) message += `: ${fieldErrors.join('; ')}`;
	let retryAfter: number | undefined;
	if (status === 429) {
		retryAfter = typeof body?.retry_after === 'number' ? body.retry_after : retryAfterSeconds(headers);
		if (retryAfter !== undefined) message += `. Retry after ${retryAfter} s`;
		const scope = headers['x-ratelimit-scope'];
		if (scope) message += ` (${String(scope)} limit)`;
	}
	if (status === 401) message += '. The webhook token is wrong: copy the webhook URL again from Discord.';
	if (status === 404 && code === 10015) message += '. The webhook was deleted or the URL is wrong.';
	return new DiscordApiError(redactor.text(message), status, code, body ? redactor.value(body) : undefined, fieldErrors, retryAfter);
}

export interface RetryPolicy {
	/** Retries after a 429 or 5xx (default 3). */
	maxRetries: number;
	/** Longest 429 wait accepted, in seconds; a longer one fails at once (default 60). */
	maxWaitSeconds: number;
}

/** One wait made before a retry, shown in the node's output. */
export interface RetryRecord {
	status: number;
	waitedSeconds: number;
	scope?: string;
	reason: string;
}

export interface DiscordRequest {
	method: HttpMethod;
	/** Appended to the webhook URL, e.g. `/messages/123`. */
	path?: string;
	query?: Record<string, string | undefined>;
	json?: unknown;
	multipart?: { body: Buffer; contentType: string };
}

export interface DiscordResponse<T> {
	status: number;
	data: T | undefined;
	retries: RetryRecord[];
}

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

export function discordUrl(connection: DiscordConnection, request: Pick<DiscordRequest, 'path' | 'query'>): string {
	const url = new URL(`${connection.webhookUrl}${request.path ?? ''}`);
	for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined && value !== '') url.searchParams.set(key, value);
	return url.toString();
}

/**
 * Sends a request; on 429 waits `retry_after` (when within policy), on 5xx waits 1 s, 2 s, 4 s...,
 * and tries again up to `maxRetries` times. Every wait is returned so the output shows it.
 */
export async function discordRequest<T = unknown>(connection: DiscordConnection, request: DiscordRequest, policy: RetryPolicy): Promise<DiscordResponse<T>> {
	const retries: RetryRecord[] = [];
	for (let attempt = 0; ; attempt++) {
		const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'DiscordBot (https://github.com/n8n-nodes-proxmox-mcp, 0.1)' };
		let body: string | Buffer | undefined;
		if (request.multipart) {
			headers['Content-Type'] = request.multipart.contentType;
			body = request.multipart.body;
		} else if (request.json !== undefined) {
			headers['Content-Type'] = 'application/json';
			body = JSON.stringify(request.json);
		}
		const response = await httpRequest({
			method: request.method,
			url: discordUrl(connection, request),
			headers,
			body,
			timeoutMs: connection.timeoutMs,
			dispatcher: connection.dispatcher,
			redactor: connection.redactor,
		});
		if (response.status >= 200 && response.status < 300) return { status: response.status, data: response.json<T>(), retries };
		const error = discordErrorFrom(response.status, response.statusText, response.text(), response.headers, connection.redactor);
		const retryable = response.status === 429 || response.status >= 500;
		if (!retryable || attempt >= policy.maxRetries) {
			if (retryable && attempt > 0) error.message += ` (after ${attempt} ${attempt === 1 ? 'retry' : 'retries'})`;
			throw error;
		}
		let waitSeconds: number;
		if (response.status === 429) {
			waitSeconds = error.retryAfterSeconds ?? 1;
			if (waitSeconds > policy.maxWaitSeconds) {
				error.message += `, longer than the Max Rate Limit Wait of ${policy.maxWaitSeconds} s`;
				throw error;
			}
		} else waitSeconds = 2 ** attempt;
		const scope = response.headers['x-ratelimit-scope'];
		retries.push({
			status: response.status,
			waitedSeconds: waitSeconds,
			...(scope ? { scope: String(scope) } : {}),
			reason: response.status === 429 ? 'rate limited' : `server error${error.code ? ` ${error.code}` : ''}`,
		});
		await sleep(Math.ceil(waitSeconds * 1000));
	}
}
