/**
 * One design for every push-stream trigger (Gotify WebSocket, ntfy JSON stream, WebSocket relay):
 * a cursor kept in the workflow's static data, resume after a reconnect or an n8n restart, dedupe
 * by message id, reconnect with backoff and jitter, a dead-connection timer, and a bounded queue
 * in front of n8n (the shared pacing Dispatcher) so a burst never starts more than `maxInFlight`
 * executions at once. Sources only say how to open a stream and, where the server cannot replay,
 * how to fetch what was missed.
 */
import { DEFAULT_QUEUE_SIZE, Dispatcher } from '../pacing';
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
	/**
	 * Stop reading (TCP flow control: the server holds what follows), for sources that cannot
	 * replay. Sources with `missedSince` need not: the stream closes them and catches up later.
	 */
	pause?(): void;
	resume?(): void;
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
	/**
	 * Called for each new message, in order, when it is handed to n8n (the cursor moved past it
	 * just before). With `maxInFlight`, return a promise that settles when its execution finished.
	 */
	deliver(message: M): Promise<unknown> | void;
	/** Executions started by the stream that may run at once; 0 = no limit (default 0). */
	maxInFlight?: number;
	/**
	 * Messages waiting for an execution slot at most (default 10,000). Past three quarters the
	 * stream stops reading: a source that can replay is closed and caught up from the cursor once
	 * the queue is empty, one that cannot is paused until the queue is half empty. Nothing is lost.
	 */
	maxQueue?: number;
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
	private readonly dispatcher: Dispatcher<M>;
	/** Ids waiting in the queue (not yet in the cursor), so a catch-up does not queue them twice. */
	private readonly queuedIds = new Set<string>();
	/** The live connection is paused (flow control) because the queue is congested. */
	private paused = false;
	/** Closed for congestion: reconnect (and catch up from the cursor) once the queue is empty. */
	private reconnectWhenDrained = false;

	private readonly maxQueue: number;

	constructor(private readonly options: ResumableStreamOptions<M>) {
		this.backoff = options.backoff ?? new Backoff({ initialMs: 1000, maxMs: 60000 });
		this.maxQueue = Math.max(1, options.maxQueue ?? DEFAULT_QUEUE_SIZE);
		this.dispatcher = new Dispatcher<M>(
			{
				batchSize: 1,
				maxWaitMs: 0,
				maxQueue: this.maxQueue,
				maxQueueBytes: Number.POSITIVE_INFINITY,
				maxInFlight: Math.max(0, options.maxInFlight ?? 0),
				ratePerSecond: 0,
			},
			([message]) => this.handOver(message),
		);
		this.dispatcher.onPressure((congested) => (congested ? this.congest() : this.decongest()));
	}

	/** Messages waiting for an execution slot. */
	get queued(): number {
		return this.dispatcher.queued;
	}

	/** Executions started by the stream that have not finished (counted only with `maxInFlight`). */
	get running(): number {
		return this.dispatcher.running;
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

	/**
	 * Stops for good. Messages still queued were not handed to n8n, so the cursor is before them:
	 * the next activation catches them up (sources that can replay).
	 */
	stop(): void {
		this.stopped = true;
		this.session += 1;
		clearTimeout(this.deadTimer);
		clearTimeout(this.retryTimer);
		this.connection?.close();
		this.connection = undefined;
		this.dispatcher.close();
		this.queuedIds.clear();
	}

	private async connect(): Promise<void> {
		const { source, store, resume } = this.options;
		if (resume && source.missedSince && this.dispatcher.queued > 0) {
			// The catch-up reads from the cursor, which is behind the queue: start it once the queue
			// is empty, so every message it returns is either in the cursor or new.
			this.reconnectWhenDrained = true;
			return;
		}
		this.paused = false;
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
		if (connection.pause && this.dispatcher.queued >= Math.max(1, Math.floor(this.maxQueue * 0.75))) {
			// Reconnected while the queue is still congested: read on only once it is half empty.
			this.paused = true;
			clearTimeout(this.deadTimer);
			connection.pause();
		}
		if (buffered && source.missedSince) {
			try {
				const missed = await source.missedSince(cursor);
				if (!current()) return;
				// handle() may close the connection (congestion): what is left comes back in the next catch-up.
				for (const message of missed) if (current()) this.handle(message);
				// A message published while the catch-up ran is in both lists (ntfy: the live stream has no
				// `since`); by id, not through the cursor's recent ids, which a burst in one second outgrows.
				const caughtUp = new Set(missed.map((message) => source.idOf(message)));
				for (const message of buffered) if (current() && !caughtUp.has(source.idOf(message))) this.handle(message);
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

	/** A new message: dedupe against the cursor and the queue, then queue it. */
	private handle(message: M): void {
		const { source, store, resume } = this.options;
		const id = source.idOf(message);
		if (resume) {
			const cursor = store.read();
			if (this.queuedIds.has(id) || cursor.recentIds?.includes(id) || source.isOld?.(message, cursor)) return;
			this.queuedIds.add(id);
		}
		if (this.dispatcher.push(message)) return;
		// The queue is full (data arrived faster than the congestion pause took effect).
		this.queuedIds.delete(id);
		if (resume && source.missedSince) this.closeUntilDrained();
		else this.options.log?.('The queue is full: a message was dropped (raise Queue Size or Max Concurrent Executions)');
	}

	/** The queue hands a message to n8n: only now does the cursor move past it. */
	private handOver(message: M): Promise<unknown> | void {
		const { source, store, resume } = this.options;
		if (resume) {
			const id = source.idOf(message);
			this.queuedIds.delete(id);
			store.remember(id, source.timeOf?.(message));
		}
		if (this.reconnectWhenDrained && this.dispatcher.queued === 0) {
			this.reconnectWhenDrained = false;
			// After this delivery returned (connect() checks the queue is empty).
			setImmediate(() => {
				if (!this.stopped) this.connect().catch((failure: Error) => this.onFailure(failure));
			});
		}
		return this.options.deliver(message);
	}

	/** The queue is three quarters full: stop reading. */
	private congest(): void {
		if (this.stopped || this.paused || this.reconnectWhenDrained) return;
		const { source, resume } = this.options;
		if (this.connection?.pause) {
			this.paused = true;
			clearTimeout(this.deadTimer);
			this.connection.pause();
		} else if (resume && source.missedSince) {
			this.closeUntilDrained();
		}
	}

	/** The queue is half empty again: a paused connection reads on. */
	private decongest(): void {
		if (!this.paused || this.stopped) return;
		this.paused = false;
		if (this.connection?.resume) {
			this.connection.resume();
			this.armDeadTimer(this.session);
		}
	}

	/** Drops the live connection without losing anything: the catch-up after the queue drained re-reads it. */
	private closeUntilDrained(): void {
		if (this.reconnectWhenDrained) return;
		this.session += 1;
		clearTimeout(this.deadTimer);
		clearTimeout(this.retryTimer);
		this.connection?.close();
		this.connection = undefined;
		this.reconnectWhenDrained = true;
		this.options.log?.(`${this.dispatcher.queued} messages wait for an execution: reading pauses until they have been handed to n8n`);
	}

	private armDeadTimer(session: number): void {
		clearTimeout(this.deadTimer);
		// A paused connection is silent on purpose (frames already received may still trickle in).
		if (this.paused) return;
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
