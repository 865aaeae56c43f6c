/**
 * A Discord webhook simulator (protocols.md §3, from discord/discord-api-docs @c98d64b):
 * execute (JSON or multipart `payload_json` + `files[n]`), `wait=true` message objects, threads
 * and forum threads, edit / get / delete of webhook messages, validation errors in the v8+
 * format (`{"code": 50035, "errors": {<field path>: {"_errors": [...]}}}`) on versioned paths and
 * the legacy format on unversioned ones, 401 Invalid Webhook Token / 404 Unknown Webhook, and
 * rate limits: the 5-per-2-s bucket in headers on every answer and 429s with `retry_after`
 * (float seconds) plus `Retry-After`.
 *
 * Character counts use code points (Discord's limit unit is not documented, protocols.md §6).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ChannelType = 'text' | 'forum';

export interface SimWebhook {
	id: string;
	token: string;
	name: string;
	channelId: string;
	guildId: string;
	channelType: ChannelType;
}

export interface SimAttachment {
	id: string;
	filename: string;
	size: number;
	content_type?: string;
	data: Buffer;
}

export interface SimMessage {
	id: string;
	channel_id: string;
	webhook_id: string;
	content: string;
	embeds: Array<Record<string, unknown>>;
	attachments: SimAttachment[];
	flags: number;
	tts: boolean;
	timestamp: string;
	edited_timestamp: string | null;
	mention_everyone: boolean;
	mentions: Array<{ id: string }>;
	mention_roles: string[];
	author: { id: string; username: string; avatar: string | null; discriminator: '0000'; bot: true };
	/** The allowed_mentions the message was sent with (as sent). */
	allowed_mentions: unknown;
}

export interface RecordedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: IncomingMessage['headers'];
	body: Buffer;
	status: number;
}

interface FieldError {
	path: string[];
	code: string;
	message: string;
}

const LIMITS = {
	content: 2000,
	embeds: 10,
	title: 256,
	description: 4096,
	fields: 25,
	fieldName: 256,
	fieldValue: 1024,
	footer: 2048,
	author: 256,
	total: 6000,
	username: 80,
};

const ALLOWED_FLAGS = 4 | 4096 | (1 << 15);

function cp(text: unknown): number {
	return typeof text === 'string' ? [...text.trim()].length : 0;
}

/** Discord's JSON spacing (`", "` / `": "`), as its examples show. */
function discordJson(value: unknown): string {
	return JSON.stringify(value).replace(/","/g, '", "').replace(/":/g, '": ').replace(/,"/g, ', "').replace(/\},\{/g, '}, {');
}

let snowflakeCounter = 0;
function snowflake(): string {
	// Discord epoch 2015-01-01; timestamp << 22 | worker/process/increment.
	const ms = BigInt(Date.now() - 1420070400000);
	snowflakeCounter = (snowflakeCounter + 1) % 4096;
	return ((ms << 22n) | BigInt(snowflakeCounter)).toString();
}

export interface DiscordSimulatorOptions {
	/** Requests per window per webhook (Discord: about 5 per 2 s). */
	bucketLimit?: number;
	bucketWindowMs?: number;
	/** Messages per channel per window, not shown in headers (observed: about 30 per 60 s, protocols.md §3.5). */
	channelLimit?: number;
	channelWindowMs?: number;
	/** Address and port to listen on (default 127.0.0.1, a random free port). */
	host?: string;
	port?: number;
	/** Called with each message a webhook posts (`npm run sim` prints it). */
	onMessage?: (message: SimMessage, webhook: SimWebhook) => void;
}

export class DiscordSimulator {
	readonly webhooks: SimWebhook[] = [];
	/** Messages per channel or thread id. */
	readonly messages = new Map<string, SimMessage[]>();
	readonly threads = new Map<string, { parentId: string; name: string }>();
	readonly requests: RecordedRequest[] = [];
	private readonly server: Server;
	private readonly sockets = new Set<Socket>();
	private readonly injected: Array<{ status: number; body: unknown; headers?: Record<string, string> }> = [];
	private readonly buckets = new Map<string, number[]>();
	private readonly channelPosts = new Map<string, number[]>();
	private baseUrl = '';

	constructor(private readonly options: DiscordSimulatorOptions = {}) {
		this.server = createServer((request, response) => void this.handle(request, response));
		this.server.on('connection', (socket: Socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
	}

	get url(): string {
		return this.baseUrl;
	}

	async start(): Promise<this> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', resolve);
		});
		const host = this.options.host && this.options.host !== '0.0.0.0' && this.options.host !== '::' ? this.options.host : '127.0.0.1';
		this.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	async close(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	// ---- test controls ----

	createWebhook(name = 'Proxmox', channelType: ChannelType = 'text'): SimWebhook {
		const webhook: SimWebhook = {
			id: snowflake(),
			token: `${Buffer.from(snowflake()).toString('base64url')}${'x'.repeat(40)}`.slice(0, 68),
			name,
			channelId: snowflake(),
			guildId: snowflake(),
			channelType,
		};
		this.webhooks.push(webhook);
		this.messages.set(webhook.channelId, []);
		return webhook;
	}

	/** The webhook URL as Discord shows it (unversioned path). */
	webhookUrl(webhook: SimWebhook, version?: number): string {
		return `${this.baseUrl}/api${version ? `/v${version}` : ''}/webhooks/${webhook.id}/${webhook.token}`;
	}

	createThread(webhook: SimWebhook, name: string): string {
		const id = snowflake();
		this.threads.set(id, { parentId: webhook.channelId, name });
		this.messages.set(id, []);
		return id;
	}

	/** Answers the next request with this status and body (e.g. a 429 of the hidden channel limit, a 502). */
	inject(status: number, body: unknown, headers?: Record<string, string>): void {
		this.injected.push({ status, body, headers });
	}

	/** The next request gets a 429 as Discord sends it. */
	injectRateLimit(retryAfterSeconds: number, scope: 'user' | 'global' | 'shared' = 'user'): void {
		this.inject(
			429,
			{ message: 'You are being rate limited.', retry_after: retryAfterSeconds, global: scope === 'global' },
			{ 'Retry-After': String(Math.ceil(retryAfterSeconds)), 'X-RateLimit-Scope': scope, ...(scope === 'global' ? { 'X-RateLimit-Global': 'true' } : {}) },
		);
	}

	messagesOf(channelOrThread: string): SimMessage[] {
		return this.messages.get(channelOrThread) ?? [];
	}

	// ---- HTTP ----

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of request) chunks.push(chunk as Buffer);
		const body = Buffer.concat(chunks);
		const url = new URL(request.url ?? '/', 'http://localhost');
		const record: RecordedRequest = { method: request.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: request.headers, body, status: 0 };
		this.requests.push(record);
		const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
			record.status = status;
			const text = payload === undefined ? '' : discordJson(payload);
			response.writeHead(status, { ...(payload === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers });
			response.end(text);
		};
		try {
			await this.route(request.method ?? 'GET', url, request.headers, body, send);
		} catch (error) {
			send(500, { message: `simulator: ${(error as Error).message}`, code: 0 });
		}
	}

	private rateHeaders(webhook: SimWebhook, remaining: number, resetAfterMs: number): Record<string, string> {
		const limit = this.options.bucketLimit ?? 5;
		return {
			'X-RateLimit-Limit': String(limit),
			'X-RateLimit-Remaining': String(Math.max(0, remaining)),
			'X-RateLimit-Reset': ((Date.now() + resetAfterMs) / 1000).toFixed(3),
			'X-RateLimit-Reset-After': (resetAfterMs / 1000).toFixed(3),
			'X-RateLimit-Bucket': Buffer.from(`webhook:${webhook.id}`).toString('hex').slice(0, 32),
		};
	}

	private async route(
		method: string,
		url: URL,
		headers: IncomingMessage['headers'],
		body: Buffer,
		send: (status: number, payload?: unknown, headers?: Record<string, string>) => void,
	): Promise<void> {
		const match = /^\/api(?:\/v(\d+))?\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?\/?$/.exec(url.pathname);
		if (!match) return send(404, { message: '404: Not Found', code: 0 });
		const version = match[1] ? Number(match[1]) : 6;
		const [, , id, token, messageId] = match;
		const webhook = this.webhooks.find((candidate) => candidate.id === id);
		if (!webhook) return send(404, { message: 'Unknown Webhook', code: 10015 });
		if (webhook.token !== token) return send(401, { message: 'Invalid Webhook Token', code: 50027 });

		// Rate limit bucket per webhook, headers on every answer.
		const limit = this.options.bucketLimit ?? 5;
		const windowMs = this.options.bucketWindowMs ?? 2000;
		const now = Date.now();
		const hits = (this.buckets.get(webhook.id) ?? []).filter((at) => at > now - windowMs);
		const resetAfter = hits.length > 0 ? hits[0] + windowMs - now : windowMs;
		const injected = this.injected.shift();
		if (injected) {
			return send(injected.status, injected.body, { ...this.rateHeaders(webhook, limit - hits.length, resetAfter), ...(injected.headers ?? {}) });
		}
		if (hits.length >= limit) {
			const retryAfter = Math.max(0.001, resetAfter / 1000);
			return send(
				429,
				{ message: 'You are being rate limited.', retry_after: Number(retryAfter.toFixed(3)), global: false },
				{ ...this.rateHeaders(webhook, 0, resetAfter), 'Retry-After': String(Math.ceil(retryAfter)), 'X-RateLimit-Scope': 'user' },
			);
		}
		hits.push(now);
		this.buckets.set(webhook.id, hits);
		const rate = this.rateHeaders(webhook, limit - hits.length, hits[0] + windowMs - now);
		const booleanQuery = (name: string) => /^(true|True|1)$/.test(url.searchParams.get(name) ?? '');
		const threadId = url.searchParams.get('thread_id');
		if (threadId !== null) {
			const thread = this.threads.get(threadId);
			if (!thread || thread.parentId !== webhook.channelId) return send(404, { message: 'Unknown Channel', code: 10003 }, rate);
		}
		const channel = threadId ?? webhook.channelId;

		if (!messageId) {
			if (method === 'GET') {
				return send(200, { application_id: null, avatar: null, channel_id: webhook.channelId, guild_id: webhook.guildId, id: webhook.id, name: webhook.name, type: 1, token: webhook.token }, rate);
			}
			if (method !== 'POST') return send(405, { message: '405: Method Not Allowed', code: 0 }, rate);
			const parsed = await this.parseBody(headers, body);
			if ('error' in parsed) return send(400, parsed.error, rate);
			const errors = this.validate(parsed.payload, parsed.files.length, true);
			if (errors.length > 0) return send(400, this.errorBody(errors, version), rate);
			const payload = parsed.payload;
			if (!payload.content && !(Array.isArray(payload.embeds) && payload.embeds.length) && parsed.files.length === 0 && !payload.poll && !payload.components) {
				return send(400, { message: 'Cannot send an empty message', code: 50006 }, rate);
			}
			// The hidden per-channel limit: a 429 with a long retry_after while the headers still show the webhook bucket.
			const channelLimit = this.options.channelLimit ?? 30;
			const channelWindow = this.options.channelWindowMs ?? 60_000;
			const posts = (this.channelPosts.get(webhook.channelId) ?? []).filter((at) => at > now - channelWindow);
			if (posts.length >= channelLimit) {
				const retryAfter = Math.max(0.001, (posts[0] + channelWindow - now) / 1000);
				return send(429, { message: 'You are being rate limited.', retry_after: Number(retryAfter.toFixed(3)), global: false }, { ...rate, 'Retry-After': String(Math.ceil(retryAfter)), 'X-RateLimit-Scope': 'shared' });
			}
			posts.push(now);
			this.channelPosts.set(webhook.channelId, posts);
			let target = channel;
			if (webhook.channelType === 'forum' && threadId === null) {
				if (typeof payload.thread_name !== 'string' || payload.thread_name.trim() === '') {
					return send(400, { message: 'Webhooks posted to forum channels must have a thread_name or thread_id', code: 220001 }, rate);
				}
				target = snowflake();
				this.threads.set(target, { parentId: webhook.channelId, name: payload.thread_name });
				this.messages.set(target, []);
			} else if (payload.thread_name !== undefined && threadId === null) {
				return send(400, this.errorBody([{ path: ['thread_name'], code: 'INVALID_THREAD_NAME', message: 'Webhooks can only create threads in forum channels' }], version), rate);
			}
			const message = this.store(webhook, target, payload, parsed.files);
			if (!booleanQuery('wait')) return send(204, undefined, rate);
			return send(200, this.external(message), rate);
		}

		const list = this.messages.get(channel) ?? [];
		const message = list.find((candidate) => candidate.id === messageId && candidate.webhook_id === webhook.id);
		if (!message) return send(404, { message: 'Unknown Message', code: 10008 }, rate);
		if (method === 'GET') return send(200, this.external(message), rate);
		if (method === 'DELETE') {
			list.splice(list.indexOf(message), 1);
			return send(204, undefined, rate);
		}
		if (method !== 'PATCH') return send(405, { message: '405: Method Not Allowed', code: 0 }, rate);
		const parsed = await this.parseBody(headers, body);
		if ('error' in parsed) return send(400, parsed.error, rate);
		const errors = this.validate(parsed.payload, parsed.files.length, false);
		if (errors.length > 0) return send(400, this.errorBody(errors, version), rate);
		const payload = parsed.payload;
		if (payload.content !== undefined) message.content = String(payload.content ?? '');
		if (payload.embeds !== undefined) message.embeds = this.normaliseEmbeds(payload.embeds);
		if (payload.allowed_mentions !== undefined) message.allowed_mentions = payload.allowed_mentions;
		if (parsed.files.length) message.attachments.push(...this.attachments(parsed.files));
		message.edited_timestamp = new Date().toISOString().replace('Z', '000+00:00');
		this.applyMentions(message, payload.allowed_mentions);
		return send(200, this.external(message), rate);
	}

	private async parseBody(
		headers: IncomingMessage['headers'],
		body: Buffer,
	): Promise<{ payload: Record<string, unknown>; files: Array<{ name: string; filename: string; type: string; data: Buffer }> } | { error: unknown }> {
		const type = headers['content-type'] ?? '';
		if (type.startsWith('multipart/form-data')) {
			const form = await new Response(new Uint8Array(body), { headers: { 'content-type': type } }).formData();
			let payload: Record<string, unknown> = {};
			const files: Array<{ name: string; filename: string; type: string; data: Buffer }> = [];
			for (const [name, value] of form.entries()) {
				if (name === 'payload_json' && typeof value === 'string') {
					try {
						payload = JSON.parse(value) as Record<string, unknown>;
					} catch {
						return { error: { message: 'The request body contains invalid JSON.', code: 50109 } };
					}
				} else if (typeof value !== 'string') {
					files.push({ name, filename: value.name, type: value.type, data: Buffer.from(await value.arrayBuffer()) });
				} else if (name === 'content') {
					payload.content = value;
				}
			}
			return { payload, files };
		}
		if (!type.startsWith('application/json')) return { error: { message: 'Cannot send an empty message', code: 50006 } };
		try {
			const payload = JSON.parse(body.toString('utf8')) as unknown;
			if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return { error: { message: 'The request body contains invalid JSON.', code: 50109 } };
			return { payload: payload as Record<string, unknown>, files: [] };
		} catch {
			return { error: { message: 'The request body contains invalid JSON.', code: 50109 } };
		}
	}

	private validate(payload: Record<string, unknown>, fileCount: number, executing: boolean): FieldError[] {
		const errors: FieldError[] = [];
		const max = (path: string[], value: unknown, limit: number) => {
			if (cp(value) > limit) errors.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${limit} or fewer in length.` });
		};
		max(['content'], payload.content, LIMITS.content);
		if (executing && payload.username !== undefined) {
			const name = String(payload.username);
			if (cp(name) < 1 || cp(name) > LIMITS.username) errors.push({ path: ['username'], code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 80 in length.' });
			else if (/clyde|discord/i.test(name)) errors.push({ path: ['username'], code: 'USERNAME_INVALID_CONTAINS', message: 'Username cannot contain "discord"' });
		}
		if (payload.flags !== undefined && (typeof payload.flags !== 'number' || (payload.flags & ~ALLOWED_FLAGS) !== 0)) {
			errors.push({ path: ['flags'], code: 'MESSAGE_FLAGS_INVALID', message: 'Invalid flags' });
		}
		const mentions = payload.allowed_mentions as Record<string, unknown> | undefined;
		if (mentions && typeof mentions === 'object') {
			const parse = Array.isArray(mentions.parse) ? (mentions.parse as string[]) : [];
			for (const kind of ['users', 'roles'] as const) {
				if (parse.includes(kind) && Array.isArray(mentions[kind]) && (mentions[kind] as unknown[]).length > 0) {
					errors.push({ path: ['allowed_mentions', kind], code: 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', message: `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.` });
				}
			}
		}
		if (payload.embeds !== undefined && payload.embeds !== null) {
			if (!Array.isArray(payload.embeds)) errors.push({ path: ['embeds'], code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' });
			else {
				if (payload.embeds.length > LIMITS.embeds) errors.push({ path: ['embeds'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.embeds} or fewer in length.` });
				let total = 0;
				payload.embeds.forEach((raw, i) => {
					const embed = (raw ?? {}) as Record<string, unknown>;
					const at = ['embeds', String(i)];
					max([...at, 'title'], embed.title, LIMITS.title);
					max([...at, 'description'], embed.description, LIMITS.description);
					if (embed.color !== undefined && (typeof embed.color !== 'number' || !Number.isInteger(embed.color) || embed.color < 0 || embed.color > 0xffffff)) {
						errors.push({ path: [...at, 'color'], code: 'NUMBER_TYPE_COERCE', message: `Value "${String(embed.color)}" is not int.` });
					}
					if (embed.timestamp !== undefined && Number.isNaN(Date.parse(String(embed.timestamp)))) {
						errors.push({ path: [...at, 'timestamp'], code: 'DATE_TYPE_PARSE', message: `Could not parse ${String(embed.timestamp)}. Should be ISO8601.` });
					}
					const footer = embed.footer as Record<string, unknown> | undefined;
					const author = embed.author as Record<string, unknown> | undefined;
					max([...at, 'footer', 'text'], footer?.text, LIMITS.footer);
					max([...at, 'author', 'name'], author?.name, LIMITS.author);
					const fields = Array.isArray(embed.fields) ? (embed.fields as Array<Record<string, unknown>>) : [];
					if (fields.length > LIMITS.fields) errors.push({ path: [...at, 'fields'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${LIMITS.fields} or fewer in length.` });
					fields.forEach((field, j) => {
						const fat = [...at, 'fields', String(j)];
						if (!field || cp(field.name) === 0) errors.push({ path: [...fat, 'name'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
						if (!field || cp(field.value) === 0) errors.push({ path: [...fat, 'value'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
						max([...fat, 'name'], field?.name, LIMITS.fieldName);
						max([...fat, 'value'], field?.value, LIMITS.fieldValue);
						total += cp(field?.name) + cp(field?.value);
					});
					total += cp(embed.title) + cp(embed.description) + cp(footer?.text) + cp(author?.name);
				});
				if (total > LIMITS.total) errors.push({ path: ['embeds'], code: 'MAX_EMBED_SIZE_EXCEEDED', message: `Embed size exceeds maximum size of ${LIMITS.total}` });
			}
		}
		if (fileCount > 10) errors.push({ path: ['files'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 10 or fewer in length.' });
		return errors;
	}

	/** v8+: nested `_errors` per field path; v6 (unversioned): the legacy `{"field": ["message"]}`. */
	private errorBody(errors: FieldError[], version: number): unknown {
		if (version < 8) {
			const legacy: Record<string, unknown> = {};
			for (const error of errors) {
				const key = error.path[0];
				if (error.path.length === 1) legacy[key] = [...((legacy[key] as string[]) ?? []), error.message];
				else legacy[key] = [...((legacy[key] as string[]) ?? []), error.path[1]];
			}
			return legacy;
		}
		const tree: Record<string, unknown> = {};
		for (const error of errors) {
			let node = tree;
			for (const part of error.path) node = (node[part] ??= {}) as Record<string, unknown>;
			((node._errors ??= []) as unknown[]).push({ code: error.code, message: error.message });
		}
		return { message: 'Invalid Form Body', code: 50035, errors: tree };
	}

	private normaliseEmbeds(raw: unknown): Array<Record<string, unknown>> {
		if (!Array.isArray(raw)) return [];
		return raw.map((embed) => {
			// Webhook embeds are always "rich"; provider and video are ignored (protocols.md §3.1).
			const out: Record<string, unknown> = { type: 'rich', ...((embed ?? {}) as Record<string, unknown>) };
			delete out.provider;
			delete out.video;
			if (typeof out.timestamp === 'string') out.timestamp = new Date(out.timestamp).toISOString().replace('Z', '+00:00');
			return out;
		});
	}

	private attachments(files: Array<{ filename: string; type: string; data: Buffer }>): SimAttachment[] {
		return files.map((file) => ({ id: snowflake(), filename: file.filename, size: file.data.length, content_type: file.type || undefined, data: file.data }));
	}

	/** Mentions Discord would resolve: webhooks parse users by default; `{"parse": []}` resolves none. */
	private applyMentions(message: SimMessage, allowed: unknown): void {
		const parse = allowed && typeof allowed === 'object' && Array.isArray((allowed as { parse?: unknown }).parse) ? ((allowed as { parse: string[] }).parse) : allowed ? [] : ['users'];
		const explicitUsers = allowed && typeof allowed === 'object' && Array.isArray((allowed as { users?: unknown }).users) ? (allowed as { users: string[] }).users : [];
		message.mention_everyone = parse.includes('everyone') && /@(everyone|here)/.test(message.content);
		message.mentions = [...message.content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]).filter((id) => parse.includes('users') || explicitUsers.includes(id)).map((id) => ({ id }));
		message.mention_roles = parse.includes('roles') ? [...message.content.matchAll(/<@&(\d+)>/g)].map((m) => m[1]) : [];
	}

	private store(webhook: SimWebhook, channel: string, payload: Record<string, unknown>, files: Array<{ filename: string; type: string; data: Buffer }>): SimMessage {
		const message: SimMessage = {
			id: snowflake(),
			channel_id: channel,
			webhook_id: webhook.id,
			content: typeof payload.content === 'string' ? payload.content : '',
			embeds: this.normaliseEmbeds(payload.embeds),
			attachments: this.attachments(files),
			flags: typeof payload.flags === 'number' ? payload.flags : 0,
			tts: payload.tts === true,
			timestamp: new Date().toISOString().replace('Z', '000+00:00'),
			edited_timestamp: null,
			mention_everyone: false,
			mentions: [],
			mention_roles: [],
			author: { id: webhook.id, username: typeof payload.username === 'string' ? payload.username : webhook.name, avatar: null, discriminator: '0000', bot: true },
			allowed_mentions: payload.allowed_mentions,
		};
		this.applyMentions(message, payload.allowed_mentions);
		this.messages.get(channel)!.push(message);
		this.options.onMessage?.(message, webhook);
		return message;
	}

	/** The message object as the API returns it (message.mdx "Message Structure"). */
	private external(message: SimMessage): Record<string, unknown> {
		return {
			type: 0,
			channel_id: message.channel_id,
			content: message.content,
			attachments: message.attachments.map((a) => ({ id: a.id, filename: a.filename, size: a.size, url: `${this.baseUrl}/attachments/${message.channel_id}/${a.id}/${a.filename}`, proxy_url: `${this.baseUrl}/attachments/${message.channel_id}/${a.id}/${a.filename}`, ...(a.content_type ? { content_type: a.content_type } : {}) })),
			embeds: message.embeds,
			timestamp: message.timestamp,
			edited_timestamp: message.edited_timestamp,
			flags: message.flags,
			components: [],
			id: message.id,
			author: message.author,
			mentions: message.mentions,
			mention_roles: message.mention_roles,
			mention_everyone: message.mention_everyone,
			pinned: false,
			tts: message.tts,
			webhook_id: message.webhook_id,
			nonce: null,
		};
	}
}

export async function startDiscordSimulator(options: DiscordSimulatorOptions = {}): Promise<DiscordSimulator> {
	return await new DiscordSimulator(options).start();
}
