/**
 * The ntfy JSON stream as a resumable source. ntfy subscribes a client before it sends the cached
 * messages (server.go: handleSubscribeHTTP subscribes, then sendOldMessages), so on a stream opened
 * with `since` a message published meanwhile can arrive before older ones, and nothing marks where
 * the backlog ends. So the live stream is opened without `since`, and what was missed is fetched
 * with a poll (`GET /<topics>/json?poll=1&since=<last id>`, which ends with the backlog) while the
 * resumable stream holds the live messages back until that backlog is delivered, as for Gotify.
 * `open` and `keepalive` lines prove the connection is alive.
 */
import { httpStream, LineSplitter, TransportError } from '../shared/transport';
import type { LiveConnection, StreamCursor, StreamEvents, StreamSource } from '../shared/stream';
import { authHeaders, ntfyErrorFrom, ntfyRequest, ntfyUrl, NtfyServerError, parseNdjson, type NtfyConnection } from './transport';

export interface NtfyStreamMessage {
	id: string;
	time: number;
	event: string;
	topic: string;
	title?: string;
	message?: string;
	priority?: number;
	tags?: string[];
	[field: string]: unknown;
}

export interface NtfyFilters {
	priority?: string;
	tags?: string;
	title?: string;
	message?: string;
}

export class NtfyStreamSource implements StreamSource<NtfyStreamMessage> {
	constructor(
		private readonly connection: NtfyConnection,
		private readonly topics: string[],
		private readonly filters: NtfyFilters,
		private readonly deadAfterMs: number,
	) {}

	idOf(message: NtfyStreamMessage): string {
		return message.id;
	}

	timeOf(message: NtfyStreamMessage): number {
		return message.time;
	}

	/**
	 * A replay after an id the server no longer caches starts from its oldest message: anything
	 * older than the newest time already delivered was delivered (same-second ones are caught by
	 * the recent-id list).
	 */
	isOld(message: NtfyStreamMessage, cursor: StreamCursor): boolean {
		return cursor.lastTime !== undefined && message.time < cursor.lastTime;
	}

	async initialCursor(): Promise<StreamCursor> {
		return { startedAt: Math.floor(Date.now() / 1000) };
	}

	/** Bad credentials, no permission, an invalid request or a certificate that fails verification. */
	isFatal(error: Error): boolean {
		if (error instanceof TransportError) return error.kind === 'tls';
		return error instanceof NtfyServerError && (error.isAuthFailure || error.status === 400 || error.status === 404);
	}

	/** The cached messages after the cursor, oldest first (ntfy's poll answer ends with the backlog). */
	async missedSince(cursor: StreamCursor): Promise<NtfyStreamMessage[]> {
		const since = cursor.lastId ?? (cursor.startedAt !== undefined ? String(cursor.startedAt) : undefined);
		if (since === undefined) return [];
		const response = await ntfyRequest(this.connection, {
			method: 'GET',
			path: `/${this.topics.join(',')}/json`,
			query: { poll: '1', since, ...this.filters },
			headers: { Accept: 'application/x-ndjson' },
		});
		return parseNdjson(response.text()).filter((line) => line.event === 'message') as NtfyStreamMessage[];
	}

	/** Live messages only: the backlog comes from missedSince. */
	async open(_cursor: StreamCursor, events: StreamEvents<NtfyStreamMessage>): Promise<LiveConnection> {
		const url = ntfyUrl(this.connection, `/${this.topics.join(',')}/json`, { ...this.filters });
		// Chunks can arrive before the awaited head is known: hold them until the status is.
		let pending: Buffer[] | null = [];
		let status = 0;
		let ended = false;
		const end = (error: Error) => {
			if (ended) return;
			ended = true;
			events.ended(error);
		};
		const splitter = new LineSplitter((line) => {
			let parsed: NtfyStreamMessage;
			try {
				parsed = JSON.parse(line) as NtfyStreamMessage;
			} catch {
				return;
			}
			// poll_request, message_clear, message_delete and future events only prove liveness.
			if (parsed.event === 'message') events.message(parsed);
			else events.alive();
		});
		const head = await httpStream(
			{
				method: 'GET',
				url,
				headers: { ...authHeaders(this.connection), Accept: 'application/x-ndjson' },
				// The dead-connection timer of the resumable stream fires first; this only bounds a hang.
				timeoutMs: this.deadAfterMs * 2,
				dispatcher: this.connection.dispatcher,
				redactor: this.connection.redactor,
			},
			(chunk) => {
				if (pending) pending.push(chunk);
				else if (status === 200) splitter.push(chunk);
			},
		);
		status = head.status;
		if (status !== 200) {
			await head.done.catch(() => undefined);
			const text = Buffer.concat(pending).toString('utf8');
			pending = null;
			throw ntfyErrorFrom(head, text, this.connection.redactor);
		}
		const early = pending;
		pending = null;
		for (const chunk of early) splitter.push(chunk);
		head.done.then(
			() => end(new Error('The ntfy server closed the stream')),
			(error: Error) => end(error),
		);
		const opened = head;
		return {
			close: () => {
				ended = true;
				opened.abort();
			},
		};
	}
}
