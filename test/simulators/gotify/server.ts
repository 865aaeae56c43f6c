/**
 * A Gotify server simulator (gotify/server v2.9.1 or v3.0.0 behaviour, protocols.md §1 and the
 * swagger files in /work/shared/reference/gotify-api): messages with paging, applications,
 * clients, health/version, and the /stream WebSocket with server pings and a read deadline.
 * Test controls cut or freeze streams and inject proxy answers (e.g. 429).
 */
import { createServer as createHttpServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

import WebSocket, { WebSocketServer } from 'ws';

import {
	externalApplication,
	externalMessage,
	FORBIDDEN,
	GotifyHttpError,
	goTime,
	newToken,
	UNAUTHORIZED,
	type GotifyApplication,
	type GotifyClient,
	type GotifyMessage,
	type GotifyUser,
	type GotifyVersion,
} from './model';

export type { GotifyApplication, GotifyClient, GotifyMessage, GotifyUser, GotifyVersion };

export interface GotifySimulatorOptions {
	host?: string;
	port?: number;
	tls?: { certPem: string; keyPem: string };
	version?: GotifyVersion;
	/** `server.stream.pingperiodseconds` (default 45 s). */
	pingPeriodMs?: number;
	/** Added to the ping period for the read deadline (gotify: 15 s). */
	readDeadlineExtraMs?: number;
	/** The first user (default admin/admin). */
	admin?: { name: string; pass: string };
}

type Principal =
	| { kind: 'app'; user: GotifyUser; app: GotifyApplication }
	| { kind: 'client'; user: GotifyUser; client: GotifyClient }
	| { kind: 'basic'; user: GotifyUser };

interface Stream {
	ws: WebSocket;
	user: GotifyUser;
	clientToken: string | null;
	ping: NodeJS.Timeout;
	deadline: NodeJS.Timeout;
	frozen: boolean;
}

export interface RecordedRequest {
	method: string;
	path: string;
	headers: IncomingMessage['headers'];
}

const VERSION_INFO: Record<GotifyVersion, { commit: string; buildDate: string }> = {
	'2.9.1': { commit: 'c6f5a4b0e1b5ff5e3f0b4d52b4ac2ba1c5a1e2f3', buildDate: '2025-08-10-12:00:00' },
	'3.0.0': { commit: '5d4b4c1a9f0e2e8c6a8b1f4d3c2e1a0b9c8d7e6f', buildDate: '2026-07-01-12:00:00' },
};

export class GotifySimulator {
	readonly version: GotifyVersion;
	readonly users: GotifyUser[] = [];
	readonly applications: GotifyApplication[] = [];
	readonly clients: GotifyClient[] = [];
	readonly messages: GotifyMessage[] = [];
	readonly requests: RecordedRequest[] = [];
	/** Pings received from stream clients (what keeps a healthy stream open). */
	clientPings = 0;
	private readonly streams = new Set<Stream>();
	private readonly sockets = new Set<Socket>();
	private readonly injected: Array<{ status: number; body: string; headers: Record<string, string> }> = [];
	private readonly server: Server;
	private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64, perMessageDeflate: false });
	private nextId = { user: 1, app: 1, client: 1, message: 1 };
	private baseUrl = '';

	constructor(private readonly options: GotifySimulatorOptions = {}) {
		this.version = options.version ?? '2.9.1';
		const handler = (request: IncomingMessage, response: ServerResponse) => void this.handle(request, response);
		this.server = options.tls ? createHttpsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, handler) : createHttpServer(handler);
		this.server.on('connection', (socket: Socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		this.server.on('secureConnection', (socket: Socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		this.server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => this.upgrade(request, socket, head));
		const admin = options.admin ?? { name: 'admin', pass: 'admin' };
		this.createUser(admin.name, admin.pass, true);
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
		for (const stream of this.streams) this.dropStream(stream);
		for (const socket of this.sockets) socket.destroy();
		this.wss.close();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	// ---- test controls ----

	createUser(name: string, pass: string, admin = false): GotifyUser {
		const user = { id: this.nextId.user++, name, pass, admin };
		this.users.push(user);
		return user;
	}

	createApplication(userName: string, name: string, options: { description?: string; defaultPriority?: number } = {}): GotifyApplication {
		const user = this.userNamed(userName);
		const app: GotifyApplication = {
			id: this.nextId.app++,
			token: newToken('A', this.version),
			userId: user.id,
			name,
			description: options.description ?? '',
			internal: false,
			image: 'static/defaultapp.png',
			defaultPriority: options.defaultPriority ?? 0,
			sortKey: `a${this.nextId.app}`,
			lastUsed: null,
			createdAt: goTime(new Date()),
		};
		this.applications.push(app);
		return app;
	}

	createClient(userName: string, name = 'n8n', elevated = false): GotifyClient {
		const user = this.userNamed(userName);
		const client: GotifyClient = { id: this.nextId.client++, token: newToken('C', this.version), userId: user.id, name, elevated };
		this.clients.push(client);
		return client;
	}

	/** Deletes a client; its streams close without a close frame (the client sees 1006). */
	deleteClient(token: string): void {
		const index = this.clients.findIndex((client) => client.token === token);
		if (index >= 0) this.clients.splice(index, 1);
		for (const stream of this.streams) if (stream.clientToken === token) this.dropStream(stream);
	}

	/** Posts a message as the application would (same path as `POST /message`). */
	postMessage(appToken: string, fields: { message: string; title?: string; priority?: number; extras?: Record<string, unknown> }): GotifyMessage {
		const app = this.applications.find((candidate) => candidate.token === appToken);
		if (!app) throw new Error('unknown application token');
		return this.storeMessage(app, fields);
	}

	get streamCount(): number {
		return [...this.streams].filter((stream) => !stream.frozen).length;
	}

	async waitForStreams(count: number, timeoutMs = 5000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (this.streamCount < count) {
			if (Date.now() > deadline) throw new Error(`Timed out waiting for ${count} Gotify stream(s)`);
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
	}

	/** Breaks every stream's TCP connection (network failure, server restart). */
	cutStreams(): void {
		for (const stream of this.streams) this.dropStream(stream);
	}

	/**
	 * Streams go silent while their sockets stay open: no pings, no messages, and the client's
	 * own pings are not read (a dead NAT mapping or a hung server).
	 */
	freezeStreams(): void {
		for (const stream of this.streams) {
			stream.frozen = true;
			clearInterval(stream.ping);
			clearTimeout(stream.deadline);
			(stream.ws as unknown as { _socket: Socket })._socket.pause();
		}
	}

	/** Answers the next HTTP request with this (e.g. a reverse proxy's 429 with Retry-After). */
	injectResponse(status: number, body: string, headers: Record<string, string> = {}): void {
		this.injected.push({ status, body, headers });
	}

	private userNamed(name: string): GotifyUser {
		const user = this.users.find((candidate) => candidate.name === name);
		if (!user) throw new Error(`unknown user ${name}`);
		return user;
	}

	// ---- auth ----

	/** Token precedence: ?token=, X-Gotify-Key, Authorization: Bearer; then basic auth. */
	private principal(request: IncomingMessage, url: URL): Principal | null {
		const bearer = /^bearer (.+)$/i.exec(request.headers.authorization ?? '');
		const token = url.searchParams.get('token') || (request.headers['x-gotify-key'] as string | undefined) || bearer?.[1]?.trim() || '';
		if (token) {
			const app = this.applications.find((candidate) => candidate.token === token);
			if (app) return { kind: 'app', app, user: this.users.find((user) => user.id === app.userId)! };
			const client = this.clients.find((candidate) => candidate.token === token);
			if (client) return { kind: 'client', client, user: this.users.find((user) => user.id === client.userId)! };
			return null;
		}
		const basic = /^basic (.+)$/i.exec(request.headers.authorization ?? '');
		if (basic) {
			const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
			const colon = decoded.indexOf(':');
			const user = this.users.find((candidate) => candidate.name === decoded.slice(0, colon) && candidate.pass === decoded.slice(colon + 1));
			return user ? { kind: 'basic', user } : null;
		}
		return null;
	}

	private requireClient(request: IncomingMessage, url: URL): Exclude<Principal, { kind: 'app' }> {
		const principal = this.principal(request, url);
		if (!principal) throw new GotifyHttpError(401, UNAUTHORIZED);
		if (principal.kind === 'app') throw new GotifyHttpError(403, FORBIDDEN);
		return principal;
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
		try {
			const body = await readBody(request);
			const result = this.route(request, url, body);
			if (result === undefined) {
				response.writeHead(200);
				response.end();
			} else {
				response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
				response.end(JSON.stringify(result));
			}
		} catch (error) {
			const failure = error instanceof GotifyHttpError ? error : new GotifyHttpError(500, (error as Error).message);
			response.writeHead(failure.status, { 'Content-Type': 'application/json; charset=utf-8' });
			response.end(failure.body());
		}
	}

	private route(request: IncomingMessage, url: URL, body: Buffer): unknown {
		const method = request.method ?? 'GET';
		const path = url.pathname.replace(/\/+$/, '') || '/';
		let match: RegExpExecArray | null;
		if (method === 'GET' && path === '/health') return { health: 'green', database: 'green' };
		if (method === 'GET' && path === '/version') return { version: this.version, ...VERSION_INFO[this.version] };
		if (method === 'GET' && path === '/stream') throw new StreamNotUpgraded();
		if (path === '/message') {
			if (method === 'POST') return this.createMessage(request, url, body);
			if (method === 'GET') return this.listMessages(this.requireClient(request, url).user, url, null, request);
			if (method === 'DELETE') {
				const { user } = this.requireClient(request, url);
				this.removeMessages((message) => this.appOf(message)?.userId === user.id);
				return undefined;
			}
		}
		if ((match = /^\/message\/([^/]+)$/.exec(path)) && method === 'DELETE') {
			const { user } = this.requireClient(request, url);
			const id = parseId(match[1]);
			const message = this.messages.find((candidate) => candidate.id === id && this.appOf(candidate)?.userId === user.id);
			if (!message) throw new GotifyHttpError(404, 'message does not exist');
			this.removeMessages((candidate) => candidate.id === id);
			return undefined;
		}
		if (path === '/application') {
			const { user } = this.requireClient(request, url);
			if (method === 'GET') return this.applications.filter((app) => app.userId === user.id).map((app) => externalApplication(app, this.version, false));
			if (method === 'POST') return this.createApplicationFromRequest(user, request, url, body);
		}
		if ((match = /^\/application\/([^/]+)\/message$/.exec(path))) {
			const principal = this.requireClient(request, url);
			const app = this.ownedApp(principal.user, match[1]);
			if (method === 'GET') return this.listMessages(principal.user, url, app, request);
			if (method === 'DELETE') {
				this.removeMessages((message) => message.appid === app.id);
				return undefined;
			}
		}
		if ((match = /^\/application\/([^/]+)$/.exec(path))) {
			const principal = this.requireClient(request, url);
			const app = this.ownedApp(principal.user, match[1]);
			if (method === 'PUT') return this.updateApplication(app, request, url, body);
			if (method === 'DELETE') {
				if (this.version === '3.0.0' && principal.kind === 'client' && !principal.client.elevated) {
					throw new GotifyHttpError(403, 'session not elevated, use basic auth or call /client:elevate');
				}
				this.applications.splice(this.applications.indexOf(app), 1);
				this.removeMessages((message) => message.appid === app.id);
				return undefined;
			}
		}
		if (path === '/current/user' && method === 'GET') {
			const { user } = this.requireClient(request, url);
			return { id: user.id, name: user.name, admin: user.admin };
		}
		if (path === '/client') {
			const { user } = this.requireClient(request, url);
			if (method === 'GET') return this.clients.filter((client) => client.userId === user.id).map(({ id, token, name }) => ({ id, token, name }));
			if (method === 'POST') {
				const params = bindParams(request, url, body);
				if (!params.name) throw new GotifyHttpError(400, "Field 'name' is required");
				const client = this.createClient(user.name, String(params.name));
				return { id: client.id, token: client.token, name: client.name };
			}
		}
		throw new GotifyHttpError(404, 'page not found');
	}

	private appOf(message: GotifyMessage): GotifyApplication | undefined {
		return this.applications.find((app) => app.id === message.appid);
	}

	private ownedApp(user: GotifyUser, rawId: string): GotifyApplication {
		const id = parseId(rawId);
		const app = this.applications.find((candidate) => candidate.id === id && candidate.userId === user.id);
		if (!app) throw new GotifyHttpError(404, 'application does not exist');
		return app;
	}

	private removeMessages(predicate: (message: GotifyMessage) => boolean): void {
		for (let i = this.messages.length - 1; i >= 0; i--) if (predicate(this.messages[i])) this.messages.splice(i, 1);
	}

	private createMessage(request: IncomingMessage, url: URL, body: Buffer): unknown {
		const principal = this.principal(request, url);
		if (!principal) throw new GotifyHttpError(401, UNAUTHORIZED);
		const params = bindParams(request, url, body);
		let app: GotifyApplication;
		if (principal.kind === 'app') app = principal.app;
		else if (this.version !== '3.0.0') {
			if (principal.kind === 'client') throw new GotifyHttpError(401, UNAUTHORIZED);
			throw new GotifyHttpError(403, FORBIDDEN);
		} else {
			if (params.appid === undefined) throw new GotifyHttpError(400, 'appid is required when not authenticating with an application token');
			const owned = this.applications.find((candidate) => candidate.id === Number(params.appid) && candidate.userId === principal.user.id);
			if (!owned) throw new GotifyHttpError(400, 'appid not found');
			app = owned;
		}
		if (typeof params.message !== 'string' || params.message === '') throw new GotifyHttpError(400, "Field 'message' is required");
		if (params.priority !== undefined && (typeof params.priority !== 'number' || !Number.isInteger(params.priority))) {
			throw new GotifyHttpError(400, 'json: cannot unmarshal string into Go struct field MessageExternal.priority of type int');
		}
		if (params.title !== undefined && typeof params.title !== 'string') {
			throw new GotifyHttpError(400, 'json: cannot unmarshal number into Go struct field MessageExternal.title of type string');
		}
		if (params.extras !== undefined && (typeof params.extras !== 'object' || params.extras === null || Array.isArray(params.extras))) {
			throw new GotifyHttpError(400, 'json: cannot unmarshal array into Go struct field MessageExternal.extras of type map[string]interface {}');
		}
		const message = this.storeMessage(app, params as { message: string; title?: string; priority?: number; extras?: Record<string, unknown> });
		return externalMessage(message);
	}

	private storeMessage(app: GotifyApplication, fields: { message: string; title?: string; priority?: number; extras?: Record<string, unknown> }): GotifyMessage {
		const now = new Date();
		app.lastUsed = goTime(now);
		const message: GotifyMessage = {
			id: this.nextId.message++,
			appid: app.id,
			message: fields.message,
			title: fields.title && fields.title.trim() !== '' ? fields.title : app.name,
			priority: fields.priority ?? app.defaultPriority,
			...(fields.extras ? { extras: fields.extras } : {}),
			date: goTime(now),
		};
		this.messages.push(message);
		const frame = JSON.stringify(externalMessage(message));
		for (const stream of this.streams) {
			if (!stream.frozen && stream.user.id === app.userId && stream.ws.readyState === WebSocket.OPEN) stream.ws.send(frame);
		}
		return message;
	}

	private listMessages(user: GotifyUser, url: URL, app: GotifyApplication | null, request: IncomingMessage): unknown {
		const limit = boundedInt(url.searchParams.get('limit'), 'limit', 100, 1, 200);
		const since = boundedInt(url.searchParams.get('since'), 'since', 0, 0, Number.MAX_SAFE_INTEGER);
		const rows = this.messages
			.filter((message) => (app ? message.appid === app.id : this.appOf(message)?.userId === user.id))
			.filter((message) => since === 0 || message.id < since)
			.sort((a, b) => b.id - a.id)
			.slice(0, limit + 1);
		const hasNext = rows.length > limit;
		const page = rows.slice(0, limit);
		const nextSince = hasNext ? page[page.length - 1].id : 0;
		const path = app ? `/application/${app.id}/message` : '/message';
		const relative = `${path}?limit=${limit}&since=${nextSince}`;
		const next = this.version === '3.0.0' ? relative : `http://${request.headers.host ?? 'localhost'}${relative}`;
		return {
			paging: { size: page.length, since: nextSince, limit, ...(hasNext ? { next } : {}) },
			messages: page.map(externalMessage),
		};
	}

	private createApplicationFromRequest(user: GotifyUser, request: IncomingMessage, url: URL, body: Buffer): unknown {
		const params = bindParams(request, url, body);
		if (typeof params.name !== 'string' || params.name === '') throw new GotifyHttpError(400, "Field 'name' is required");
		const app = this.createApplication(user.name, params.name, {
			description: typeof params.description === 'string' ? params.description : '',
			defaultPriority: typeof params.defaultPriority === 'number' ? params.defaultPriority : 0,
		});
		if (typeof params.sortKey === 'string') app.sortKey = params.sortKey;
		return externalApplication(app, this.version, true);
	}

	private updateApplication(app: GotifyApplication, request: IncomingMessage, url: URL, body: Buffer): unknown {
		const params = bindParams(request, url, body);
		if (typeof params.name !== 'string' || params.name === '') throw new GotifyHttpError(400, "Field 'name' is required");
		app.name = params.name;
		app.description = typeof params.description === 'string' ? params.description : '';
		app.defaultPriority = typeof params.defaultPriority === 'number' ? params.defaultPriority : 0;
		if (typeof params.sortKey === 'string') app.sortKey = params.sortKey;
		return externalApplication(app, this.version, false);
	}

	// ---- stream ----

	private upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
		const url = new URL(request.url ?? '/', 'http://localhost');
		this.requests.push({ method: 'GET', path: `${url.pathname}${url.search}`, headers: request.headers });
		const reject = (status: number, body: string, type = 'application/json; charset=utf-8') => {
			socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
		};
		if (url.pathname !== '/stream') return reject(404, new GotifyHttpError(404, 'page not found').body());
		const principal = this.principal(request, url);
		if (!principal) return reject(401, new GotifyHttpError(401, UNAUTHORIZED).body());
		if (principal.kind === 'app') return reject(403, new GotifyHttpError(403, FORBIDDEN).body());
		const origin = request.headers.origin;
		if (origin && new URL(origin).host !== request.headers.host) {
			return reject(403, 'websocket: request origin not allowed by Upgrader.CheckOrigin\n', 'text/plain; charset=utf-8');
		}
		this.wss.handleUpgrade(request, socket, head, (ws) => this.attach(ws, principal));
	}

	private attach(ws: WebSocket, principal: Exclude<Principal, { kind: 'app' }>): void {
		const pingPeriod = this.options.pingPeriodMs ?? 45000;
		const readDeadline = pingPeriod + (this.options.readDeadlineExtraMs ?? 15000);
		const stream: Stream = {
			ws,
			user: principal.user,
			clientToken: principal.kind === 'client' ? principal.client.token : null,
			frozen: false,
			ping: setInterval(() => ws.ping(), pingPeriod),
			deadline: setTimeout(() => this.dropStream(stream), readDeadline),
		};
		const extend = () => {
			clearTimeout(stream.deadline);
			stream.deadline = setTimeout(() => this.dropStream(stream), readDeadline);
		};
		ws.on('pong', extend);
		// The server reads and discards client frames; frames over 64 bytes close the connection (1009).
		ws.on('message', extend);
		ws.on('ping', () => {
			this.clientPings++;
			extend();
		});
		ws.on('close', () => this.forget(stream));
		ws.on('error', () => this.forget(stream));
		this.streams.add(stream);
	}

	private forget(stream: Stream): void {
		clearInterval(stream.ping);
		clearTimeout(stream.deadline);
		this.streams.delete(stream);
	}

	private dropStream(stream: Stream): void {
		this.forget(stream);
		(stream.ws as unknown as { _socket?: Socket })._socket?.destroy();
		stream.ws.terminate();
	}
}

class StreamNotUpgraded extends GotifyHttpError {
	constructor() {
		super(400, "websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header");
	}
}

function parseId(raw: string): number {
	if (!/^\d+$/.test(raw)) throw new GotifyHttpError(400, 'invalid id');
	return Number(raw);
}

function boundedInt(raw: string | null, field: string, fallback: number, min: number, max: number): number {
	if (raw === null || raw === '') return fallback;
	if (!/^-?\d+$/.test(raw)) throw new GotifyHttpError(400, `strconv.ParseInt: parsing "${raw}": invalid syntax`);
	const value = Number(raw);
	if (value > max) throw new GotifyHttpError(400, `Field '${field}' must be less or equal to ${max}`);
	if (value < min) throw new GotifyHttpError(400, `Field '${field}' must be more or equal to ${min}`);
	return value;
}

/** gin's Bind: JSON bodies for application/json, else form fields; query parameters bind too. */
function bindParams(request: IncomingMessage, url: URL, body: Buffer): Record<string, unknown> {
	const params: Record<string, unknown> = {};
	const numeric = new Set(['priority', 'appid', 'defaultPriority']);
	const fromForm = (entries: URLSearchParams) => {
		for (const [key, value] of entries) {
			if (key === 'extras' || key === 'token') continue;
			if (numeric.has(key)) {
				if (!/^-?\d+$/.test(value)) throw new GotifyHttpError(400, `strconv.ParseInt: parsing "${value}": invalid syntax`);
				params[key] = Number(value);
			} else params[key] = value;
		}
	};
	fromForm(url.searchParams);
	const type = request.headers['content-type'] ?? '';
	if (/application\/json/i.test(type)) {
		if (body.length === 0) throw new GotifyHttpError(400, 'EOF');
		let parsed: unknown;
		try {
			parsed = JSON.parse(body.toString('utf8'));
		} catch (error) {
			throw new GotifyHttpError(400, `invalid character in JSON: ${(error as Error).message}`);
		}
		if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new GotifyHttpError(400, 'json: cannot unmarshal array into Go value of type model.MessageExternal');
		Object.assign(params, parsed);
	} else if (/application\/x-www-form-urlencoded/i.test(type)) {
		fromForm(new URLSearchParams(body.toString('utf8')));
	}
	return params;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

export async function startGotifySimulator(options: GotifySimulatorOptions = {}): Promise<GotifySimulator> {
	return await new GotifySimulator(options).start();
}
