/**
 * The package's one HTTP client (undici). One connection pool per credential, keep-alive shorter
 * than the server's idle timeout (pveproxy closes idle sockets after 5 s), per-request timeouts,
 * the HTTP reason phrase kept (Proxmox puts its error message there), TLS per tls.ts.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';

import { buildConnector, EnvHttpProxyAgent, Pool, type Dispatcher } from 'undici';

import { classifyTransportError, hostAndPort, markConnectionSetupFailure, TransportError } from './errors';
import { Redactor } from './redact';
import { tlsCacheKey, tlsConnectionOptions, verifyPinnedPeer, type TlsSettings } from './tls';

export interface PoolOptions {
	tls: TlsSettings;
	/** Idle keep-alive sockets are closed after this (default 4000 ms, under pveproxy's 5 s). */
	keepAliveTimeoutMs?: number;
	/** Connections per origin (default 4: pveproxy runs 3 workers). */
	connections?: number;
	connectTimeoutMs?: number;
}

const DEFAULT_KEEP_ALIVE_MS = 4000;
const MAX_POOLS = 64;
const pools = new Map<string, Dispatcher>();

/**
 * The pool for one credential. `identity` distinguishes credentials (e.g. hosts + user); it is
 * hashed, so secrets may be part of it without being kept in clear.
 */
export function getPool(identity: string, options: PoolOptions): Dispatcher {
	const key = createHash('sha256')
		.update(identity)
		.update(tlsCacheKey(options.tls))
		.update(String(options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_MS))
		.update(proxyEnvironment())
		.digest('hex');
	const existing = pools.get(key);
	if (existing) {
		// Map order doubles as recency for eviction.
		pools.delete(key);
		pools.set(key, existing);
		return existing;
	}
	const agent = createAgent(options);
	pools.set(key, agent);
	if (pools.size > MAX_POOLS) {
		const [oldestKey, oldest] = pools.entries().next().value as [string, Dispatcher];
		pools.delete(oldestKey);
		void oldest.close().catch(() => undefined);
	}
	return agent;
}

/** Closes every pool (tests, shutdown). */
export async function closeAllPools(): Promise<void> {
	const all = [...pools.values()];
	pools.clear();
	await Promise.all(all.map(async (agent) => await agent.close().catch(() => undefined)));
}

/** The proxy settings of the environment (as n8n's own requests read them), part of a pool's identity. */
export function proxyEnvironment(): string {
	const env = process.env;
	return [env.https_proxy ?? env.HTTPS_PROXY, env.http_proxy ?? env.HTTP_PROXY, env.no_proxy ?? env.NO_PROXY].map((value) => value ?? '').join('|');
}

/**
 * Wraps a connector so a pinned certificate is checked on the TLS connection to the origin,
 * also when that connection runs through a proxy's CONNECT tunnel.
 */
function pinChecking(connect: buildConnector.connector, tls: TlsSettings): buildConnector.connector {
	return (connectOptions, callback) => {
		connect(connectOptions, (error, socket) => {
			if (error || !socket) {
				// Failed before the socket was handed to undici: nothing of the request was written.
				callback(markConnectionSetupFailure(error ?? new Error('connect failed')), null);
				return;
			}
			if (connectOptions.protocol === 'https:') {
				try {
					verifyPinnedPeer(socket as TLSSocket, tls, `${connectOptions.hostname}:${connectOptions.port || 443}`);
				} catch (pinError) {
					socket.destroy();
					callback(markConnectionSetupFailure(pinError as Error), null);
					return;
				}
			}
			callback(null, socket);
		});
	};
}

/**
 * A pooled agent that honours HTTP_PROXY / HTTPS_PROXY / NO_PROXY (undici's EnvHttpProxyAgent,
 * CONNECT tunnels). Direct connections use our connector; tunnelled ones get the same TLS
 * options for the origin, and every pool checks the pin on the socket it is handed.
 */
export function createAgent(options: PoolOptions): Dispatcher {
	const keepAlive = options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_MS;
	const originTls = {
		...tlsConnectionOptions(options.tls),
		// A resumed TLS session carries no peer certificate to check against the pin: always
		// do a full handshake when pinning.
		...(options.tls.mode === 'fingerprint' ? { maxCachedSessions: 0 } : {}),
	};
	const connectTimeout = options.connectTimeoutMs ?? 10000;
	const connect = pinChecking(buildConnector({ ...originTls, timeout: connectTimeout }), options.tls);
	return new EnvHttpProxyAgent({
		connect,
		// For tunnelled requests undici builds the origin's TLS connector from these.
		requestTls: { ...originTls, timeout: connectTimeout },
		factory: (origin, poolOptions) => {
			const opts = poolOptions as Pool.Options;
			return new Pool(origin, { ...opts, connect: pinChecking(opts.connect as buildConnector.connector, options.tls) });
		},
		connections: options.connections ?? 4,
		keepAliveTimeout: keepAlive,
		keepAliveMaxTimeout: keepAlive,
		// Never pipeline: a failed pipelined request makes its successors' fate unknown.
		pipelining: 1,
	});
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD';

export interface HttpRequest {
	method: HttpMethod;
	url: string;
	headers?: Record<string, string>;
	body?: string | Buffer | Uint8Array | Readable | null;
	/** Whole-request budget: no answer headers, or a stall between body chunks, longer than this fails. */
	timeoutMs?: number;
	dispatcher: Dispatcher;
	signal?: AbortSignal;
	/** Values to mask in any error text. */
	redactor?: Redactor;
	/** Largest response body accepted (default 64 MiB). */
	maxBodyBytes?: number;
}

export interface HttpResponse {
	status: number;
	/** The reason phrase as sent by the server. */
	statusText: string;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
	text(): string;
	/** Parsed JSON body, or undefined when the body is not JSON. */
	json<T = unknown>(): T | undefined;
}

function makeResponse(status: number, statusText: string, headers: HttpResponse['headers'], body: Buffer): HttpResponse {
	return {
		status,
		statusText,
		headers,
		body,
		text: () => body.toString('utf8'),
		json: <T>() => {
			if (body.length === 0) return undefined;
			try {
				return JSON.parse(body.toString('utf8')) as T;
			} catch {
				return undefined;
			}
		},
	};
}

function origin(url: URL): string {
	return `${url.protocol}//${url.host}`;
}

/** Sends a request and buffers the answer. Network failures become TransportError. */
export async function httpRequest(request: HttpRequest): Promise<HttpResponse> {
	const chunks: Buffer[] = [];
	let size = 0;
	const limit = request.maxBodyBytes ?? 64 * 1024 * 1024;
	const head = await httpStream(request, (chunk) => {
		size += chunk.length;
		if (size > limit) throw new TransportError(`Response from ${hostAndPort(new URL(request.url))} exceeds ${limit} bytes`, 'reset', true);
		chunks.push(chunk);
	});
	await head.done;
	return makeResponse(head.status, head.statusText, head.headers, Buffer.concat(chunks));
}

export interface StreamHead {
	status: number;
	statusText: string;
	headers: HttpResponse['headers'];
	/** Resolves when the body ended; rejects with TransportError if it broke. */
	done: Promise<void>;
	/** Stops reading and closes this request's connection. */
	abort(): void;
}

/**
 * Sends a request and streams the answer's body to `onData` as it arrives (ntfy/Gotify streams,
 * large downloads). Resolves once headers are in. `timeoutMs` bounds the wait for headers and any
 * silence between chunks, so a dead stream is noticed.
 */
export async function httpStream(request: HttpRequest, onData: (chunk: Buffer) => void): Promise<StreamHead> {
	const url = new URL(request.url);
	const timeoutMs = request.timeoutMs ?? 30000;
	const redactor = request.redactor ?? new Redactor();
	const target = redactor.text(hostAndPort(url));
	let controllerRef: { abort(reason: Error): void } | undefined;
	let settleHead: (head: StreamHead) => void;
	let failHead: (error: Error) => void;
	let endBody: () => void;
	let failBody: (error: Error) => void;
	const headPromise = new Promise<StreamHead>((resolve, reject) => {
		settleHead = resolve;
		failHead = reject;
	});
	const done = new Promise<void>((resolve, reject) => {
		endBody = resolve;
		failBody = reject;
	});
	done.catch(() => undefined);
	let headersIn = false;
	const fail = (error: unknown) => {
		const classified = classifyTransportError(error, target, timeoutMs);
		const safe = new TransportError(
			redactor.text(classified.message),
			classified.kind,
			classified.requestMayHaveReachedServer,
			classified.code,
			classified.presentedFingerprint,
			target,
		);
		if (headersIn) failBody(safe);
		else failHead(safe);
	};
	const onAbort = () => controllerRef?.abort(Object.assign(new Error('aborted'), { code: 'UND_ERR_ABORTED' }));
	request.signal?.addEventListener('abort', onAbort, { once: true });
	const cleanup = () => request.signal?.removeEventListener('abort', onAbort);
	try {
		request.dispatcher.dispatch(
			{
				origin: origin(url),
				path: `${url.pathname}${url.search}`,
				method: request.method,
				headers: request.headers,
				body: request.body ?? null,
				headersTimeout: timeoutMs,
				bodyTimeout: timeoutMs,
			},
			{
				onRequestStart(controller) {
					controllerRef = controller;
					if (request.signal?.aborted) onAbort();
				},
				onResponseStart(_controller, statusCode, headers, statusMessage) {
					headersIn = true;
					settleHead({
						status: statusCode,
						statusText: statusMessage ?? '',
						headers: headers as HttpResponse['headers'],
						done,
						abort: () => controllerRef?.abort(Object.assign(new Error('aborted'), { code: 'UND_ERR_ABORTED' })),
					});
				},
				onResponseData(controller, chunk) {
					try {
						onData(chunk);
					} catch (error) {
						controller.abort(error as Error);
					}
				},
				onResponseEnd() {
					cleanup();
					endBody();
				},
				onResponseError(_controller, error) {
					cleanup();
					fail(error);
				},
			},
		);
	} catch (error) {
		cleanup();
		fail(error);
	}
	return await headPromise;
}
