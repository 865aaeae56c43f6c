/**
 * One design for every push-stream trigger (Gotify WebSocket, ntfy JSON stream): a cursor kept
 * in the workflow's static data, resume after a reconnect or an n8n restart, dedupe by message
 * id, reconnect with backoff and jitter, and a dead-connection timer. Sources only say how to
 * open a stream and, where the server cannot replay, how to fetch what was missed.
 */
import { Backoff } from '../transport/backoff';
import { CursorStore, type StreamCursor } from './cursor';

export interface StreamEvents<M> {
	message(message: M): void;
	/** Any sign of life: open, keepalive, ping or pong. */
	alive(): void;
	/** The connection ended (cleanly or not); called at most once per connection. */
	ended(error: Error): void;
}

export interface LiveConnection {
	close(): void;
}

export interface StreamSource<M> {
	idOf(message: M): string;
	/** Opens the live stream (resuming after `cursor` when the server can replay); resolves once open. */
	open(cursor: StreamCursor, events: StreamEvents<M>): Promise<LiveConnection>;
	/** Messages after `cursor` the live stream does not replay, oldest first (Gotify). */
	missedSince?(cursor: StreamCursor): Promise<M[]>;
	/** The cursor of a first activation, so a gap before the first message is covered too. */
	initialCursor?(): Promise<StreamCursor>;
	/** True when the message is at or before the cursor, i.e. already delivered (ordered ids, times). */
	isOld?(message: M, cursor: StreamCursor): boolean;
	/** The message's time on the source's clock, kept as `lastTime` in the cursor. */
	timeOf?(message: M): number | undefined;
	/** Errors a retry cannot fix (bad credentials, no permission): stop instead of looping. */
	isFatal(error: Error): boolean;
}

export interface ResumableStreamOptions<M> {
	source: StreamSource<M>;
	store: CursorStore;
	/** Called for each new message, in order, after the cursor moved past it. */
	deliver(message: M): void;
	/** Called once with a fatal error; the stream has stopped. */
	fail(error: Error): void;
	/** No sign of life for this long means the connection is dead. */
	deadAfterMs: number;
	/** False for manual "Test step" runs: live messages only, cursor untouched. */
	resume: boolean;
	backoff?: Backoff;
	/** A connection that lived this long resets the backoff (default 30 s). */
	healthyAfterMs?: number;
	log?(message: string): void;
}

export class ResumableStream<M> {
	private stopped = false;
	private connection: LiveConnection | undefined;
	private session = 0;
	private deadTimer: NodeJS.Timeout | undefined;
	private retryTimer: NodeJS.Timeout | undefined;
	private readonly backoff: Backoff;

	constructor(private readonly options: ResumableStreamOptions<M>) {
		this.backoff = options.backoff ?? new Backoff({ initialMs: 1000, maxMs: 60000 });
	}

	/**
	 * Connects once. Fatal errors reject (the activation fails with a clear message); other
	 * failures reject in manual runs and are retried in the background otherwise.
	 */
	async start(): Promise<void> {
		const { source, store, resume } = this.options;
		try {
			if (resume && store.read().lastId === undefined && source.initialCursor) store.write(await source.initialCursor());
			await this.connect();
		} catch (error) {
			if (!resume || source.isFatal(error as Error)) {
				this.stop();
				throw error;
			}
			this.scheduleReconnect(error as Error);
		}
	}

	stop(): void {
		this.stopped = true;
		this.session += 1;
		clearTimeout(this.deadTimer);
		clearTimeout(this.retryTimer);
		this.connection?.close();
		this.connection = undefined;
	}

	private async connect(): Promise<void> {
		const { source, store, resume } = this.options;
		const session = ++this.session;
		const cursor = resume ? store.read() : {};
		const openedAt = Date.now();
		let buffered: M[] | null = resume && source.missedSince ? [] : null;
		const current = () => session === this.session && !this.stopped;
		const connection = await source.open(cursor, {
			message: (message) => {
				if (!current()) return;
				this.armDeadTimer(session);
				if (buffered) buffered.push(message);
				else this.handle(message);
			},
			alive: () => {
				if (current()) this.armDeadTimer(session);
			},
			ended: (error) => {
				if (!current()) return;
				this.session += 1;
				clearTimeout(this.deadTimer);
				this.connection = undefined;
				if (Date.now() - openedAt >= (this.options.healthyAfterMs ?? 30000)) this.backoff.reset();
				this.onFailure(error);
			},
		});
		if (!current()) {
			connection.close();
			return;
		}
		this.connection = connection;
		this.armDeadTimer(session);
		if (buffered && source.missedSince) {
			try {
				const missed = await source.missedSince(cursor);
				if (!current()) return;
				for (const message of missed) this.handle(message);
				for (const message of buffered) this.handle(message);
				buffered = null;
			} catch (error) {
				if (!current()) return;
				this.session += 1;
				connection.close();
				this.connection = undefined;
				throw error;
			}
		}
	}

	private handle(message: M): void {
		const { source, store, resume } = this.options;
		const id = source.idOf(message);
		if (resume) {
			const cursor = store.read();
			if (cursor.recentIds?.includes(id) || source.isOld?.(message, cursor)) return;
			store.remember(id, source.timeOf?.(message));
		}
		this.options.deliver(message);
	}

	private armDeadTimer(session: number): void {
		clearTimeout(this.deadTimer);
		this.deadTimer = setTimeout(() => {
			if (session !== this.session || this.stopped) return;
			this.session += 1;
			this.connection?.close();
			this.connection = undefined;
			this.onFailure(new Error(`No data or keepalive for ${Math.round(this.options.deadAfterMs / 1000)} s: the connection is considered dead`));
		}, this.options.deadAfterMs);
	}

	private onFailure(error: Error): void {
		if (this.stopped) return;
		if (this.options.source.isFatal(error)) {
			this.stop();
			this.options.fail(error);
			return;
		}
		this.scheduleReconnect(error);
	}

	private scheduleReconnect(error: Error): void {
		if (this.stopped) return;
		const delay = this.backoff.next();
		this.options.log?.(`Stream interrupted (${error.message}); reconnecting in ${delay} ms`);
		clearTimeout(this.retryTimer);
		this.retryTimer = setTimeout(() => {
			if (this.stopped) return;
			this.connect().catch((failure: Error) => this.onFailure(failure));
		}, delay);
	}
}
