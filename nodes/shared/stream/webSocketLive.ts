/**
 * A WebSocket as a resumable stream's live connection, the one way the Gotify and Proxmox Stream
 * triggers watch theirs: it pings every `pingEveryMs` so the stream's dead-connection timer sees
 * the pongs, reports pings and pongs as signs of life, ends the connection on the first close or
 * error, and tears the socket down once, whichever side ends it.
 */
import type WebSocket from 'ws';

import type { StreamEvents } from './resumable';

export interface WebSocketLiveOptions {
	pingEveryMs: number;
	/** Each frame as text (binary frames decoded as UTF-8). */
	onText(text: string): void;
	/** The error `ended` reports when the peer closes the socket. */
	closedError(code: number, reason: Buffer): Error;
}

/** Wires `ws` to `events`; returns the close that stops pinging and drops the socket. */
export function watchWebSocket<M>(ws: WebSocket, events: StreamEvents<M>, options: WebSocketLiveOptions): () => void {
	let ended = false;
	/** Stops pinging and drops the socket; false when that already happened. */
	const teardown = (): boolean => {
		if (ended) return false;
		ended = true;
		clearInterval(pinger);
		ws.removeAllListeners();
		ws.on('error', () => undefined);
		ws.terminate();
		return true;
	};
	const end = (error: Error) => {
		if (teardown()) events.ended(error);
	};
	const pinger = setInterval(() => {
		if (ws.readyState === ws.OPEN) ws.ping();
	}, options.pingEveryMs);
	ws.on('message', (data, isBinary) => options.onText(isBinary ? Buffer.from(data as Buffer).toString('utf8') : String(data)));
	ws.on('ping', () => events.alive());
	ws.on('pong', () => events.alive());
	ws.on('close', (code, reason) => end(options.closedError(code, reason)));
	ws.on('error', (error) => end(error));
	return () => void teardown();
}
