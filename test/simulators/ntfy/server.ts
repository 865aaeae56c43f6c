/**
 * An ntfy server simulator (binwiederhier/ntfy v2.13 behaviour, protocols.md §2, plus the
 * v2.16 sequence-id additions of §2.10): publish by path, GET or JSON; the JSON/SSE/raw
 * subscribe streams with open and keepalive events; polling; auth; rate limits; size limits.
 * Test controls cut or freeze streams mid-way.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

import { NtfyAuth, type NtfyPermission, type NtfyUser } from './auth';
import { ERR, NtfyHttpError, type NtfyErrorSpec } from './errors';
import { parseActions, parseDelay, parsePriority, parseTags, readBoolParam, readParam } from './params';
import { MessageStore, parseSince, randomId, type NtfyMessage, type SinceMarker } from './store';

export type { NtfyUser, NtfyPermission, NtfyMessage };

export interface NtfySimulatorOptions {
	host?: string;
	port?: number;
	tls?: { certPem: string; keyPem: string };
	/** `auth-default-access` (default read-write, as a server without auth). */
	defaultAccess?: NtfyPermission;
	users?: NtfyUser[];
	/** `keepalive-interval` (default 45 s). */
	keepaliveMs?: number;
	/** `message-size-limit` (default 4096 bytes). */
	messageSizeLimit?: number;
	/** Attachment cache configured (default false, like a server without `attachment-cache-dir`). */
	attachments?: boolean;
	attachmentSizeLimit?: number;
	/** `visitor-request-limit-burst` (default 60) and the refill interval (default 5 s). */
	requestBurst?: number;
	requestRefillMs?: number;
	authFailureBurst?: number;
	/** `visitor-subscription-limit` (default 30). */
	subscriptionLimit?: number;
	/** `cache-duration` (default 12 h). */
	cacheDurationS?: number;
	/** SMTP sender configured (e-mail forwarding accepted). */
	smtp?: boolean;
	/**
	 * Runs in a stream subscription after the subscriber is registered and `open` is sent, before
	 * the cached messages are read and sent: what a publish lands in when it comes during that
	 * window (see `subscribe`). Called for every non-poll subscription.
	 */
	beforeOldMessages?: (topics: string[]) => void | Promise<void>;
}

interface Filters {
	id: string;
	message: string;
	title: string;
	priorities: number[];
	tags: string[];
}

interface Subscriber {
	topics: string[];
	filters: Filters;
	format: 'json' | 'sse' | 'raw';
	response: ServerResponse;
	socket: Socket;
	keepalive: NodeJS.Timeout;
	frozen: boolean;
	ip: string;
}

export interface RecordedRequest {
	method: string;
	path: string;
	headers: IncomingMessage['headers'];
}

const TOPIC = /^[-_A-Za-z0-9]{1,64}$/;
const DISALLOWED = new Set(['docs', 'static', 'file', 'app', 'metrics', 'account', 'settings', 'signup', 'login', 'v1']);

export class NtfySimulator {
	readonly store = new MessageStore();
	readonly requests: RecordedRequest[] = [];
	/** Keepalive lines sent to subscribers. */
	keepalivesSent = 0;
	/** E-mails the server would have sent (with `smtp: true`). */
	readonly emails: Array<{ to: string; message: NtfyMessage }> = [];
	private readonly subscribers = new Set<Subscriber>();
	private readonly sockets = new Set<Socket>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly buckets = new Map<string, { tokens: number; last: number }>();
	private readonly files = new Map<string, { body: Buffer; type: string }>();
	private readonly auth: NtfyAuth;
	private readonly server: Server;
	private baseUrl = '';
	/** Answers for the next requests, before any processing (e.g. a proxy's 502). */
	private readonly injected: Array<{ status: number; body: string; headers: Record<string, string> }> = [];

	constructor(private readonly options: NtfySimulatorOptions = {}) {
		this.auth = new NtfyAuth(options.users ?? [], options.defaultAccess ?? 'read-write', options.authFailureBurst ?? 30);
		const handler = (request: IncomingMessage, response: ServerResponse) => void this.handle(request, response);
		this.server = options.tls ? createHttpsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, handler) : createHttpServer(handler);
		this.server.on('connection', (socket: Socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
	}

	get url(): string {
		return this.baseUrl;
	}

	async start(): Promise<this> {
		await new Promise<void>((resolve) => this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', resolve));
		const address = this.server.address() as AddressInfo;
		this.baseUrl = `${this.options.tls ? 'https' : 'http'}://${this.options.host ?? '127.0.0.1'}:${address.port}`;
		return this;
	}

	async close(): Promise<void> {
		for (const timer of this.timers) clearTimeout(timer);
		for (const subscriber of this.subscribers) clearInterval(subscriber.keepalive);
		this.subscribers.clear();
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	// ---- test controls ----

	/** Number of live subscriptions (not frozen). */
	get subscriberCount(): number {
		return [...this.subscribers].filter((subscriber) => !subscriber.frozen).length;
	}

	async waitForSubscribers(count: number, timeoutMs = 5000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (this.subscriberCount < count) {
			if (Date.now() > deadline) throw new Error(`Timed out waiting for ${count} ntfy subscriber(s)`);
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
	}

	/** Breaks every subscription's connection, as a network failure or server restart would. */
	cutStreams(): void {
		for (const subscriber of this.subscribers) {
			clearInterval(subscriber.keepalive);
			subscriber.socket.destroy();
		}
		this.subscribers.clear();
	}

	/** Subscriptions stay open but go silent: no keepalives, no messages (a dead NAT mapping). */
	freezeStreams(): void {
		for (const subscriber of this.subscribers) {
			subscriber.frozen = true;
			clearInterval(subscriber.keepalive);
		}
	}

	/** Answers the next request with this status and body before the normal handling. */
	injectResponse(status: number, body: string, headers: Record<string, string> = {}): void {
		this.injected.push({ status, body, headers });
	}

	/** Publishes as an anonymous client would over HTTP (headers as on `PUT /<topic>`). */
	publishDirect(topic: string, message: string, headers: Record<string, string> = {}): NtfyMessage {
		const lower = Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
		return this.publish(topic, Buffer.from(message), lower, new URLSearchParams(), null, false);
	}

	// ---- HTTP ----

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const url = new URL(request.url ?? '/', 'http://localhost');
		this.requests.push({ method: request.method ?? 'GET', path: `${url.pathname}${url.search}`, headers: request.headers });
		const injected = this.injected.shift();
		if (injected) {
			request.resume();
			response.writeHead(injected.status, { 'Content-Type': 'application/json', ...injected.headers });
			response.end(injected.body);
			return;
		}
		const ip = request.socket.remoteAddress ?? '';
		try {
			await this.route(request, response, url, ip);
		} catch (error) {
			const failure = error instanceof NtfyHttpError ? error : new NtfyHttpError(ERR.internal);
			if (!response.headersSent) {
				response.writeHead(failure.spec.http, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
				response.end(failure.body());
			} else response.destroy();
			request.resume();
		}
	}

	private async route(request: IncomingMessage, response: ServerResponse, url: URL, ip: string): Promise<void> {
		const method = request.method ?? 'GET';
		const parts = url.pathname.split('/').filter((part) => part !== '');
		const query = url.searchParams;
		if (method === 'GET' && url.pathname === '/v1/health') return this.json(response, { healthy: true });
		if (method === 'GET' && parts[0] === 'file' && parts.length === 2) return this.serveFile(response, parts[1]);
		if ((method === 'PUT' || method === 'POST') && parts.length === 0) {
			this.limitRequests(ip);
			return await this.publishJson(request, response, ip);
		}
		if (parts.length === 1 && (method === 'PUT' || method === 'POST')) {
			this.limitRequests(ip);
			const topic = this.checkTopic(parts[0]);
			const user = this.auth.authenticate(request.headers, query, ip);
			this.auth.authorize(user, topic, 'write');
			const body = await readBody(request, this.attachmentLimit() + 1);
			return this.json(response, this.publish(topic, body, request.headers, query, user, true));
		}
		if (parts.length === 2 && method === 'GET' && ['publish', 'send', 'trigger'].includes(parts[1])) {
			this.limitRequests(ip);
			const topic = this.checkTopic(parts[0]);
			const user = this.auth.authenticate(request.headers, query, ip);
			this.auth.authorize(user, topic, 'write');
			request.resume();
			return this.json(response, this.publish(topic, Buffer.alloc(0), request.headers, query, user, true));
		}
		if (parts.length === 2 && method === 'GET' && ['json', 'sse', 'raw', 'ws', 'auth'].includes(parts[1])) {
			this.limitRequests(ip);
			const topics = parts[0].split(',').map((topic) => this.checkTopic(topic));
			const user = this.auth.authenticate(request.headers, query, ip);
			for (const topic of topics) this.auth.authorize(user, topic, 'read');
			if (parts[1] === 'auth') return this.json(response, { success: true });
			if (parts[1] === 'ws') throw new NtfyHttpError(ERR.notWebSocket);
			return await this.subscribe(request, response, parts[0], topics, parts[1] as Subscriber['format'], ip);
		}
		if (parts.length === 3 && method === 'PUT' && parts[2] === 'clear') {
			return this.sequenceEvent(request, response, parts[0], parts[1], 'message_clear', ip);
		}
		if (parts.length === 2 && method === 'DELETE') {
			return this.sequenceEvent(request, response, parts[0], parts[1], 'message_delete', ip);
		}
		throw new NtfyHttpError(ERR.notFound);
	}

	private json(response: ServerResponse, value: unknown): void {
		response.writeHead(200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
		response.end(`${JSON.stringify(value)}\n`);
	}

	private checkTopic(topic: string): string {
		if (!TOPIC.test(topic)) throw new NtfyHttpError(ERR.topicInvalid);
		if (DISALLOWED.has(topic)) throw new NtfyHttpError(ERR.topicDisallowed);
		return topic;
	}

	private limitRequests(ip: string): void {
		const burst = this.options.requestBurst ?? 60;
		const refillMs = this.options.requestRefillMs ?? 5000;
		const now = Date.now();
		const bucket = this.buckets.get(ip) ?? { tokens: burst, last: now };
		const refilled = Math.floor((now - bucket.last) / refillMs);
		if (refilled > 0) {
			bucket.tokens = Math.min(burst, bucket.tokens + refilled);
			bucket.last += refilled * refillMs;
		}
		if (bucket.tokens <= 0) {
			this.buckets.set(ip, bucket);
			throw new NtfyHttpError(ERR.tooManyRequests);
		}
		bucket.tokens -= 1;
		this.buckets.set(ip, bucket);
	}

	private attachmentLimit(): number {
		return this.options.attachmentSizeLimit ?? 15 * 1024 * 1024;
	}

	// ---- publishing ----

	private async publishJson(request: IncomingMessage, response: ServerResponse, ip: string): Promise<void> {
		const limit = 2 * (this.options.messageSizeLimit ?? 4096);
		const body = await readBody(request, limit, ERR.jsonTooLarge);
		let parsed: Record<string, unknown>;
		try {
			parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
		} catch {
			throw new NtfyHttpError(ERR.jsonInvalid);
		}
		const headers = jsonToHeaders(parsed);
		const topic = this.checkTopic(typeof parsed.topic === 'string' ? parsed.topic : '');
		const user = this.auth.authenticate(request.headers, new URLSearchParams(), ip);
		this.auth.authorize(user, topic, 'write');
		const message = typeof parsed.message === 'string' ? parsed.message : '';
		this.json(response, this.publish(topic, Buffer.from(message), { ...request.headers, ...headers }, new URLSearchParams(), user, true));
	}

	private publish(
		topic: string,
		body: Buffer,
		headers: IncomingMessage['headers'],
		query: URLSearchParams,
		_user: NtfyUser | null,
		fromHttp: boolean,
	): NtfyMessage {
		const nowS = Math.floor(Date.now() / 1000);
		const param = (...aliases: string[]) => readParam(headers, query, ...aliases);
		const cache = param('x-cache', 'cache') !== 'no';
		const firebase = param('x-firebase', 'firebase') !== 'no';
		void firebase;
		const email = param('x-email', 'x-e-mail', 'email', 'e-mail', 'mail', 'e');
		const call = param('x-call', 'call');
		const delayText = param('x-delay', 'delay', 'x-at', 'at', 'x-in', 'in');
		const message: NtfyMessage = { id: randomId(), time: nowS, event: 'message', topic };
		const title = param('x-title', 'title', 't');
		const priority = parsePriority(param('x-priority', 'priority', 'prio', 'p'));
		const tags = parseTags(param('x-tags', 'tags', 'tag', 'ta'));
		const click = param('x-click', 'click');
		const icon = param('x-icon', 'icon');
		const attach = param('x-attach', 'attach', 'a');
		const filename = param('x-filename', 'filename', 'file', 'f');
		const markdown = readBoolParam(headers, query, false, 'x-markdown', 'markdown', 'md') || /^text\/markdown/.test(headers['content-type'] ?? '');
		const sequenceId = param('x-sequence-id', 'sequence-id', 'sid');
		const actions = parseActions(param('x-actions', 'actions', 'action'), () => randomId(10));
		if (attach && !/^https?:\/\//.test(attach)) throw new NtfyHttpError(ERR.attachUrlInvalid);
		if (icon && !/^https?:\/\//.test(icon)) throw new NtfyHttpError(ERR.iconUrlInvalid);
		if (email && !this.options.smtp) throw new NtfyHttpError(ERR.emailDisabled);
		if (call) throw new NtfyHttpError({ code: 40032, http: 400, error: 'invalid request: calling is disabled' });
		let delayUntil = 0;
		if (delayText) {
			if (!cache) throw new NtfyHttpError(ERR.delayNoCache);
			if (email) throw new NtfyHttpError(ERR.delayNoEmail);
			delayUntil = parseDelay(delayText, nowS);
			if (delayUntil < nowS + 10) throw new NtfyHttpError(ERR.delayTooSmall);
			if (delayUntil > nowS + 3 * 86400) throw new NtfyHttpError(ERR.delayTooLarge);
		}
		let text = param('x-message', 'message', 'm').replace(/\\n/g, '\n');
		const sizeLimit = this.options.messageSizeLimit ?? 4096;
		const utf8 = isUtf8(body);
		if (attach) {
			if (body.length > 0) {
				if (!utf8) throw new NtfyHttpError(ERR.messageNotUtf8);
				text = body.toString('utf8').trim();
			}
			const name = filename || new URL(attach).pathname.split('/').filter(Boolean).pop() || 'attachment';
			message.attachment = { name, url: attach };
		} else if (body.length > 0 && (filename !== '' || body.length > sizeLimit || !utf8)) {
			if (!this.options.attachments) throw new NtfyHttpError(ERR.attachmentsNotAllowed);
			if (body.length > this.attachmentLimit()) throw new NtfyHttpError(ERR.attachmentTooLarge);
			const fileId = message.id;
			const type = sniffType(body);
			this.files.set(fileId, { body, type });
			message.attachment = { name: filename || 'attachment', type, size: body.length, expires: nowS + 3 * 3600, url: `${this.baseUrl}/file/${fileId}` };
			if (!text) text = `You received a file: ${message.attachment.name}`;
		} else if (body.length > 0) {
			text = body.toString('utf8').trim();
		}
		if (!text) text = 'triggered';
		if (delayUntil) message.time = delayUntil;
		if (cache) message.expires = message.time + (this.options.cacheDurationS ?? 43200);
		const ordered: NtfyMessage = {
			id: message.id,
			time: message.time,
			...(message.expires ? { expires: message.expires } : {}),
			event: 'message',
			topic,
			...(title ? { title } : {}),
			message: text,
			...(priority ? { priority } : {}),
			...(tags.length ? { tags } : {}),
			...(click ? { click } : {}),
			...(icon ? { icon } : {}),
			...(actions.length ? { actions } : {}),
			...(message.attachment ? { attachment: message.attachment } : {}),
			...(markdown ? { content_type: 'text/markdown' } : {}),
			...(sequenceId ? { sequence_id: sequenceId } : {}),
		};
		void fromHttp;
		if (email) this.emails.push({ to: email, message: ordered });
		if (delayUntil) {
			this.store.add(ordered, false);
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				this.store.markPublished(ordered.id);
				this.fanOut(ordered);
			}, (delayUntil - nowS) * 1000);
			this.timers.add(timer);
		} else {
			if (cache) this.store.add(ordered, true);
			this.fanOut(ordered);
		}
		return ordered;
	}

	private sequenceEvent(request: IncomingMessage, response: ServerResponse, rawTopic: string, sequenceId: string, event: string, ip: string): void {
		this.limitRequests(ip);
		const topic = this.checkTopic(rawTopic);
		const user = this.auth.authenticate(request.headers, new URL(request.url ?? '/', 'http://x').searchParams, ip);
		this.auth.authorize(user, topic, 'write');
		request.resume();
		const nowS = Math.floor(Date.now() / 1000);
		const message: NtfyMessage = { id: randomId(), time: nowS, expires: nowS + (this.options.cacheDurationS ?? 43200), event, topic, sequence_id: sequenceId };
		this.store.add(message, true);
		this.fanOut(message);
		this.json(response, message);
	}

	private serveFile(response: ServerResponse, id: string): void {
		const file = this.files.get(id);
		if (!file) throw new NtfyHttpError(ERR.notFound);
		response.writeHead(200, { 'Content-Type': file.type, 'Content-Length': String(file.body.length) });
		response.end(file.body);
	}

	// ---- subscribing ----

	private async subscribe(request: IncomingMessage, response: ServerResponse, rawTopics: string, topics: string[], format: Subscriber['format'], ip: string): Promise<void> {
		const query = new URL(request.url ?? '/', 'http://x').searchParams;
		const headers = request.headers;
		const poll = readBoolParam(headers, query, false, 'x-poll', 'poll', 'po');
		const scheduled = readBoolParam(headers, query, false, 'x-scheduled', 'scheduled', 'sched');
		const since = parseSince(readParam(headers, query, 'x-since', 'since', 'si'), poll ? { kind: 'all' } : ({ kind: 'none' } as SinceMarker), Date.now());
		const filters: Filters = {
			id: readParam(headers, query, 'x-id', 'id'),
			message: readParam(headers, query, 'x-message', 'message', 'm'),
			title: readParam(headers, query, 'x-title', 'title', 't'),
			priorities: readParam(headers, query, 'x-priority', 'priority', 'prio', 'p')
				.split(',')
				.filter((value) => value.trim() !== '')
				.map((value) => parsePriority(value.trim())),
			tags: parseTags(readParam(headers, query, 'x-tags', 'tags', 'tag', 'ta')),
		};
		if (!poll) {
			const active = [...this.subscribers].filter((subscriber) => subscriber.ip === ip).length;
			if (active >= (this.options.subscriptionLimit ?? 30)) throw new NtfyHttpError(ERR.tooManySubscriptions);
		}
		const contentType = { json: 'application/x-ndjson; charset=utf-8', sse: 'text/event-stream; charset=utf-8', raw: 'text/plain; charset=utf-8' }[format];
		response.writeHead(200, { 'Content-Type': contentType, 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-cache' });
		const oldMessages = () => {
			this.store.prune(Math.floor(Date.now() / 1000));
			return this.store.since(topics, since, scheduled).filter((message) => matches(message, filters));
		};
		if (poll) {
			for (const message of oldMessages()) response.write(encode(format, message));
			response.end();
			return;
		}
		// ntfy's handleSubscribeHTTP (server/server.go) subscribes the client to its topics first,
		// sends `open`, and only then sendOldMessages reads the cache and writes what it finds. A
		// message published in between goes out live before the older cached ones (and, being cached
		// as well, may come again among them).
		const subscriber: Subscriber = {
			topics,
			filters,
			format,
			response,
			socket: request.socket,
			frozen: false,
			ip,
			keepalive: setInterval(() => {
				if (subscriber.frozen) return;
				this.keepalivesSent++;
				response.write(encode(format, { id: randomId(), time: Math.floor(Date.now() / 1000), event: 'keepalive', topic: rawTopics }));
			}, this.options.keepaliveMs ?? 45000),
		};
		this.subscribers.add(subscriber);
		const remove = () => {
			clearInterval(subscriber.keepalive);
			this.subscribers.delete(subscriber);
		};
		request.socket.once('close', remove);
		response.once('close', remove);
		response.write(encode(format, { id: randomId(), time: Math.floor(Date.now() / 1000), event: 'open', topic: rawTopics }));
		await this.options.beforeOldMessages?.(topics);
		if (response.destroyed) return;
		for (const message of oldMessages()) response.write(encode(format, message));
	}

	private fanOut(message: NtfyMessage): void {
		for (const subscriber of this.subscribers) {
			if (subscriber.frozen || !subscriber.topics.includes(message.topic)) continue;
			if (message.event === 'message' && !matches(message, subscriber.filters)) continue;
			subscriber.response.write(encode(subscriber.format, message));
		}
	}
}

function matches(message: NtfyMessage, filters: Filters): boolean {
	if (message.event !== 'message') return true;
	if (filters.id && message.id !== filters.id) return false;
	if (filters.message && message.message !== filters.message) return false;
	if (filters.title && message.title !== filters.title) return false;
	if (filters.priorities.length && !filters.priorities.includes(message.priority || 3)) return false;
	if (filters.tags.length && !filters.tags.every((tag) => message.tags?.includes(tag))) return false;
	return true;
}

function encode(format: Subscriber['format'], message: NtfyMessage): string {
	const json = JSON.stringify(message);
	if (format === 'json') return `${json}\n`;
	if (format === 'sse') return message.event === 'message' ? `data: ${json}\n\n` : `event: ${message.event}\ndata: ${json}\n\n`;
	return message.event === 'message' ? `${(message.message ?? '').replace(/\n/g, ' ')}\n` : '\n';
}

/** The JSON publishing fields, as the headers ntfy turns them into (transformBodyJSON). */
function jsonToHeaders(body: Record<string, unknown>): Record<string, string> {
	const headers: Record<string, string> = {};
	const stringField = (field: string, header: string) => {
		const value = body[field];
		if (value === undefined || value === null || value === '') return;
		if (typeof value !== 'string') throw new NtfyHttpError(ERR.jsonInvalid);
		headers[header] = value;
	};
	if (typeof body.topic !== 'string') throw new NtfyHttpError(ERR.jsonInvalid);
	if (body.message !== undefined && typeof body.message !== 'string') throw new NtfyHttpError(ERR.jsonInvalid);
	stringField('title', 'x-title');
	stringField('click', 'x-click');
	stringField('icon', 'x-icon');
	stringField('attach', 'x-attach');
	stringField('filename', 'x-filename');
	stringField('email', 'x-email');
	stringField('call', 'x-call');
	stringField('cache', 'x-cache');
	stringField('firebase', 'x-firebase');
	stringField('delay', 'x-delay');
	stringField('sequence_id', 'x-sequence-id');
	if (body.priority !== undefined) {
		if (typeof body.priority !== 'number' || !Number.isInteger(body.priority)) throw new NtfyHttpError(ERR.jsonInvalid);
		if (body.priority !== 0) headers['x-priority'] = String(body.priority);
	}
	if (body.tags !== undefined) {
		if (!Array.isArray(body.tags) || body.tags.some((tag) => typeof tag !== 'string')) throw new NtfyHttpError(ERR.jsonInvalid);
		headers['x-tags'] = body.tags.join(',');
	}
	if (body.markdown !== undefined) {
		if (typeof body.markdown !== 'boolean') throw new NtfyHttpError(ERR.jsonInvalid);
		if (body.markdown) headers['x-markdown'] = 'yes';
	}
	if (body.actions !== undefined) {
		if (!Array.isArray(body.actions)) throw new NtfyHttpError(ERR.jsonInvalid);
		headers['x-actions'] = JSON.stringify(body.actions);
	}
	return headers;
}

function isUtf8(body: Buffer): boolean {
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(body);
		return true;
	} catch {
		return false;
	}
}

function sniffType(body: Buffer): string {
	if (body.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
	if (body.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) return 'image/jpeg';
	if (body.subarray(0, 4).toString('latin1') === '%PDF') return 'application/pdf';
	return isUtf8(body) ? 'text/plain; charset=utf-8' : 'application/octet-stream';
}

async function readBody(request: IncomingMessage, limit: number, tooLarge: NtfyErrorSpec = ERR.attachmentTooLarge): Promise<Buffer> {
	const declared = Number(request.headers['content-length'] ?? 0);
	if (declared > limit) {
		request.resume();
		throw new NtfyHttpError(tooLarge);
	}
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of request) {
		size += (chunk as Buffer).length;
		if (size > limit) {
			request.resume();
			throw new NtfyHttpError(tooLarge);
		}
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}

export async function startNtfySimulator(options: NtfySimulatorOptions = {}): Promise<NtfySimulator> {
	return await new NtfySimulator(options).start();
}
