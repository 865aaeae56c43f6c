/**
 * Gotify's `/stream` WebSocket as a resumable source. The stream has no replay, so after every
 * (re)connect the messages newer than the cursor are fetched through `GET /message` paging
 * (newest first, `since` = exclusive upper bound) and delivered oldest first. Message ids grow
 * monotonically, so anything at or below the cursor was already delivered.
 */
import type WebSocket from 'ws';

import { openWebSocket, TransportError, WebSocketHandshakeError } from '../shared/transport';
import { watchWebSocket, type LiveConnection, type StreamCursor, type StreamEvents, type StreamSource } from '../shared/stream';
import { gotifyRequest, GotifyServerError, pageMessages, tokenFor, type GotifyConnection, type GotifyMessage, type GotifyPage } from './transport';

export class GotifyStreamSource implements StreamSource<GotifyMessage> {
	constructor(
		private readonly connection: GotifyConnection,
		/** The client pings this often; Gotify's own pings (45 s by default) count too. */
		private readonly pingEveryMs: number,
	) {}

	idOf(message: GotifyMessage): string {
		return String(message.id);
	}

	isOld(message: GotifyMessage, cursor: StreamCursor): boolean {
		return cursor.lastId !== undefined && message.id <= Number(cursor.lastId);
	}

	/** Bad or wrong-kind tokens, a missing client token, or a certificate that fails verification. */
	isFatal(error: Error): boolean {
		if (error instanceof TransportError) return error.kind === 'tls';
		if (error instanceof WebSocketHandshakeError) return error.status === 401 || error.status === 403 || error.status === 404;
		if (error instanceof GotifyServerError) return error.isAuthFailure;
		return error.name === 'GotifyConfigurationError';
	}

	/** Starts after the newest stored message, so the first activation does not replay history. */
	async initialCursor(): Promise<StreamCursor> {
		const page = await gotifyRequest<GotifyPage>(this.connection, { method: 'GET', path: '/message', token: 'client', query: { limit: 1 } });
		return { lastId: String(page.messages[0]?.id ?? 0) };
	}

	async missedSince(cursor: StreamCursor): Promise<GotifyMessage[]> {
		const lastId = Number(cursor.lastId ?? 0);
		const pages = await pageMessages(this.connection, { pageSize: 200 }, (_all, page) => page.some((message) => message.id <= lastId));
		return pages.filter((message) => message.id > lastId).sort((a, b) => a.id - b.id);
	}

	async open(_cursor: StreamCursor, events: StreamEvents<GotifyMessage>): Promise<LiveConnection> {
		const token = tokenFor(this.connection, 'client')!;
		const url = `${this.connection.baseUrl.replace(/^http/, 'ws')}/stream`;
		const ws: WebSocket = await openWebSocket(url, {
			tls: this.connection.tls,
			headers: { 'X-Gotify-Key': token },
			redactor: this.connection.redactor,
			timeoutMs: this.connection.timeoutMs,
		});
		const close = watchWebSocket(ws, events, {
			pingEveryMs: this.pingEveryMs,
			onText: (text) => {
				let message: GotifyMessage;
				try {
					message = JSON.parse(text) as GotifyMessage;
				} catch {
					events.alive();
					return;
				}
				if (typeof message.id === 'number') events.message(message);
				else events.alive();
			},
			closedError: (code) => new Error(`The Gotify stream closed (code ${code})`),
		});
		return { close };
	}
}
