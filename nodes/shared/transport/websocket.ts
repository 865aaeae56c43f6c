/**
 * WebSocket client (ws) with the package's TLS rules: for wss the TLS handshake and pin check
 * complete before the upgrade request (which carries the token) is written.
 */
import type { IncomingMessage } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';

import WebSocket from 'ws';

import { classifyTransportError, TransportError } from './errors';
import { Redactor } from './redact';
import { connectVerifiedTls, type TlsSettings } from './tls';

/** The server answered the upgrade with an HTTP error (e.g. 401 for a bad token). */
export class WebSocketHandshakeError extends Error {
	constructor(
		message: string,
		readonly status: number,
		readonly statusText: string,
		readonly body: string,
	) {
		super(message);
		this.name = 'WebSocketHandshakeError';
	}
}

export interface WebSocketOptions {
	tls: TlsSettings;
	headers?: Record<string, string>;
	/** Connect + TLS + upgrade budget (default 10 s). */
	timeoutMs?: number;
	redactor?: Redactor;
}

async function openSocket(url: URL, tls: TlsSettings, timeoutMs: number): Promise<Socket> {
	const port = Number(url.port) || (url.protocol === 'wss:' ? 443 : 80);
	const host = url.hostname.replace(/^\[|\]$/g, '');
	if (url.protocol === 'wss:') return await connectVerifiedTls(host, port, tls, { timeoutMs });
	return await new Promise<Socket>((resolve, reject) => {
		const socket = netConnect({ host, port });
		const timer = setTimeout(() => {
			socket.destroy();
			reject(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' }));
		}, timeoutMs);
		socket.once('connect', () => {
			clearTimeout(timer);
			resolve(socket);
		});
		socket.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
	});
}

/** Resolves with an open WebSocket; rejects with TransportError or WebSocketHandshakeError. */
export async function openWebSocket(address: string, options: WebSocketOptions): Promise<WebSocket> {
	const url = new URL(address);
	const timeoutMs = options.timeoutMs ?? 10000;
	const redactor = options.redactor ?? new Redactor();
	const target = url.host;
	let socket: Socket;
	try {
		socket = await openSocket(url, options.tls, timeoutMs);
	} catch (error) {
		const classified = classifyTransportError(error, target, timeoutMs);
		throw new TransportError(redactor.text(classified.message), classified.kind, false, classified.code, classified.presentedFingerprint);
	}
	return await new Promise<WebSocket>((resolve, reject) => {
		const ws = new WebSocket(address, {
			headers: options.headers,
			handshakeTimeout: timeoutMs,
			// The socket is already connected (and verified): hand it to ws as is.
			createConnection: () => socket,
			perMessageDeflate: false,
		});
		const fail = (error: Error) => {
			ws.removeAllListeners('open');
			ws.terminate();
			reject(error);
		};
		ws.once('unexpected-response', (_request, response: IncomingMessage) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => {
				const body = redactor.text(Buffer.concat(chunks).toString('utf8'));
				const status = response.statusCode ?? 0;
				fail(
					new WebSocketHandshakeError(
						`${target} refused the WebSocket upgrade: ${status} ${response.statusMessage ?? ''}`.trim(),
						status,
						response.statusMessage ?? '',
						body,
					),
				);
			});
			response.on('error', () => fail(new TransportError(`${target} closed the connection during the WebSocket upgrade`, 'reset', true)));
		});
		ws.once('open', () => {
			ws.removeAllListeners('error');
			// A frame that came in the same packet as the 101 answer is emitted on the next tick,
			// before the caller's `await` resumes and attaches its 'message' listener: hold the
			// socket until the caller had that turn, so such a first message is not lost.
			ws.pause();
			resolve(ws);
			setImmediate(() => ws.resume());
		});
		ws.once('error', (error) => {
			const classified = classifyTransportError(error, target, timeoutMs);
			fail(new TransportError(redactor.text(classified.message), classified.kind, true, classified.code));
		});
	});
}
