/**
 * A WebSocket event relay as a source of the shared ResumableStream (reconnect with backoff,
 * dead-connection timer, dedupe of recent ids). Relays do not replay, so there is no catch-up: the
 * stream resumes with live messages after a reconnect.
 */
import type WebSocket from 'ws';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { openWebSocket, readTlsSettings, Redactor, TlsConfigurationError, TransportError, WebSocketHandshakeError, type TlsSettings } from '../shared/transport';
import { watchWebSocket, type LiveConnection, type StreamEvents, type StreamSource } from '../shared/stream';
import type { MappedMessage } from './mapping';

export interface RelayConnection {
	url: string;
	headers: Record<string, string>;
	tls: TlsSettings;
	redactor: Redactor;
}

/** The credential's relay address, header and TLS settings, or what is wrong with them (and which field). */
export function readRelayConnection(credentials: ICredentialDataDecryptedObject): RelayConnection | { error: string; field: string } {
	const url = String(credentials.url ?? '').trim();
	if (!/^wss?:\/\/[^/\s]+/i.test(url)) return { error: `URL "${url}" must start with ws:// or wss://`, field: 'url' };
	const headerName = String(credentials.headerName ?? '').trim();
	const headerValue = String(credentials.headerSecret ?? '');
	if (headerName && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(headerName)) return { error: `Header Name "${headerName}" is not a valid HTTP header name`, field: 'headerName' };
	let tls: TlsSettings;
	try {
		tls = readTlsSettings(credentials);
	} catch (error) {
		if (error instanceof TlsConfigurationError) return { error: error.message, field: error.field };
		return { error: (error as Error).message, field: 'tlsMode' };
	}
	return { url, headers: headerName ? { [headerName]: headerValue } : {}, tls, redactor: new Redactor([headerValue]) };
}

export class WebSocketRelaySource implements StreamSource<MappedMessage> {
	constructor(
		private readonly connection: RelayConnection,
		private readonly pingEveryMs: number,
		private readonly map: (raw: string) => MappedMessage,
	) {}

	idOf(message: MappedMessage): string {
		return message.id;
	}

	/** Refused credentials or a certificate that fails verification: retrying cannot help. */
	isFatal(error: Error): boolean {
		if (error instanceof TransportError) return error.kind === 'tls';
		if (error instanceof WebSocketHandshakeError) return error.status === 401 || error.status === 403 || error.status === 404;
		return false;
	}

	async open(_cursor: unknown, events: StreamEvents<MappedMessage>): Promise<LiveConnection> {
		const ws: WebSocket = await openWebSocket(this.connection.url, { tls: this.connection.tls, headers: this.connection.headers, redactor: this.connection.redactor });
		const close = watchWebSocket(ws, events, {
			pingEveryMs: this.pingEveryMs,
			onText: (raw) => events.message(this.map(raw)),
			closedError: (code, reason) => new Error(`The relay closed the connection (${code}${reason.length ? ` ${reason.toString('utf8')}` : ''})`),
		});
		events.alive();
		// A relay cannot replay: under congestion the socket stops reading and TCP holds the rest.
		return { close, pause: () => ws.pause(), resume: () => ws.resume() };
	}
}
