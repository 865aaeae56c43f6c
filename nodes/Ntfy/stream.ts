/**
 * The ntfy JSON stream as a resumable source: `GET /<topics>/json?since=<last id>` replays what
 * the subscriber missed (the server caches messages for 12 h by default), then streams live;
 * `open` and `keepalive` lines prove the connection is alive.
 */
import { httpStream, LineSplitter, TransportError } from '../shared/transport';
import type { LiveConnection, StreamCursor, StreamEvents, StreamSource } from '../shared/stream';
import { authHeaders, ntfyErrorFrom, ntfyUrl, NtfyServerError, type NtfyConnection } from './transport';

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

	async open(cursor: StreamCursor, events: StreamEvents<NtfyStreamMessage>): Promise<LiveConnection> {
		const since = cursor.lastId ?? (cursor.startedAt !== undefined ? String(cursor.startedAt) : undefined);
		const url = ntfyUrl(this.connection, `/${this.topics.join(',')}/json`, { since, ...this.filters });
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
