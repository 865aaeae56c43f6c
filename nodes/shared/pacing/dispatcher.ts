import { RankedQueue } from './rankedQueue';
import { RateLimiter } from './rateLimit';

export interface DispatcherOptions {
	/** Items per execution (1 = one execution per message). */
	batchSize: number;
	/** Longest an item waits for its batch to fill. */
	maxWaitMs: number;
	/** Items waiting at most; beyond it the lowest-ranked are shed (never unbounded memory). */
	maxQueue: number;
	/** Approximate bytes waiting at most (see `sizeOf`), so large messages cannot fill memory either. */
	maxQueueBytes: number;
	/** Executions running at once (0 = no limit); needs `deliver` to return a promise that settles when done. */
	maxInFlight: number;
	/** Items delivered per second on average, bursts up to one second's worth (0 = no limit); the rest wait in the queue. */
	ratePerSecond: number;
}

export interface DispatcherHooks<T> {
	/** Approximate memory an item holds (counted against `maxQueueBytes`). */
	sizeOf?: (item: T) => number;
	/** 0 = most important; when the queue is full, the worst rank is shed first. */
	rankOf?: (item: T) => number;
	/** Ranks there are (`rankOf` results are clamped to 0 … ranks − 1). */
	ranks?: number;
	/** A queued item was shed to make room for a more important one (the caller counts it). */
	onShed?: (item: T) => void;
}

/**
 * Bounded queue in front of n8n: batches items by count and wait time, paces them to the rate
 * limit, keeps at most `maxInFlight` executions running, and when full sheds the least important
 * items first (a newcomer no more important than everything queued is the one refused).
 */
export class Dispatcher<T> {
	private readonly queue: RankedQueue<T>;
	private readonly limiter: RateLimiter | null;
	private readonly sizeOf: (item: T) => number;
	private readonly rankOf: (item: T) => number;
	private timer: NodeJS.Timeout | undefined;
	private paceTimer: NodeJS.Timeout | undefined;
	private waitExpired = false;
	private inFlight = 0;
	private closed = false;
	private congested = false;
	private pressureListener: ((congested: boolean) => void) | undefined;

	constructor(
		private readonly options: DispatcherOptions,
		private readonly deliver: (batch: T[]) => Promise<unknown> | void,
		private readonly hooks: DispatcherHooks<T> = {},
	) {
		this.queue = new RankedQueue<T>(hooks.ranks ?? 1);
		this.limiter = options.ratePerSecond > 0 ? new RateLimiter(options.ratePerSecond) : null;
		this.sizeOf = hooks.sizeOf ?? (() => 0);
		this.rankOf = hooks.rankOf ?? (() => 0);
	}

	get queued(): number {
		return this.queue.length;
	}

	get bytes(): number {
		return this.queue.bytes;
	}

	get running(): number {
		return this.inFlight;
	}

	/**
	 * Told `true` when the queue is three quarters full (headroom for data already read) and
	 * `false` once it has drained to half, so stream sources (TCP) stop reading instead of losing
	 * messages.
	 */
	onPressure(listener: (congested: boolean) => void): void {
		this.pressureListener = listener;
	}

	/** False when the item was refused (the caller counts the drop); items shed for it go to `onShed`. */
	push(item: T): boolean {
		if (this.closed) return false;
		const size = this.sizeOf(item);
		const rank = this.rankOf(item);
		if (!this.makeRoom(size, rank)) return false;
		this.queue.push(item, rank, size);
		this.pump();
		this.updatePressure();
		return true;
	}

	close(): void {
		this.closed = true;
		if (this.timer) clearTimeout(this.timer);
		if (this.paceTimer) clearTimeout(this.paceTimer);
		this.timer = undefined;
		this.paceTimer = undefined;
		this.queue.clear();
	}

	private fits(count: number, bytes: number): boolean {
		return count <= this.options.maxQueue && bytes <= this.options.maxQueueBytes;
	}

	/** Sheds worse-ranked items when that makes room; false when the newcomer must be refused. */
	private makeRoom(size: number, rank: number): boolean {
		const queue = this.queue;
		if (this.fits(queue.length + 1, queue.bytes + size)) return true;
		const worse = queue.worseThan(rank);
		if (!this.fits(queue.length - worse.count + 1, queue.bytes - worse.bytes + size)) return false;
		while (!this.fits(queue.length + 1, queue.bytes + size)) {
			const shed = queue.popWorst() as T;
			this.hooks.onShed?.(shed);
		}
		return true;
	}

	private pump(): void {
		const { batchSize, maxInFlight } = this.options;
		while (!this.closed && this.queue.length > 0 && (maxInFlight === 0 || this.inFlight < maxInFlight)) {
			if (this.queue.length < batchSize && !this.waitExpired) {
				this.startTimer();
				return;
			}
			if (this.limiter) {
				const waitMs = this.limiter.waitMs();
				if (waitMs > 0) {
					this.startPaceTimer(waitMs);
					return;
				}
			}
			const batch: T[] = [];
			while (batch.length < batchSize && this.queue.length > 0) batch.push(this.queue.shift() as T);
			this.limiter?.take(batch.length);
			this.waitExpired = false;
			if (this.timer) clearTimeout(this.timer);
			this.timer = undefined;
			this.send(batch);
		}
	}

	private send(batch: T[]): void {
		let done: Promise<unknown> | void;
		try {
			done = this.deliver(batch);
		} catch {
			return;
		}
		if (this.options.maxInFlight > 0 && done) {
			this.inFlight++;
			const release = () => {
				this.inFlight--;
				this.pump();
			};
			done.then(release, release);
		}
		this.updatePressure();
	}

	private updatePressure(): void {
		const { maxQueue, maxQueueBytes } = this.options;
		const length = this.queue.length;
		const bytes = this.queue.bytes;
		if (!this.congested && (length >= Math.max(1, Math.floor(maxQueue * 0.75)) || bytes >= maxQueueBytes * 0.75)) {
			this.congested = true;
			this.pressureListener?.(true);
		} else if (this.congested && length <= Math.floor(maxQueue / 2) && bytes <= maxQueueBytes / 2) {
			this.congested = false;
			this.pressureListener?.(false);
		}
	}

	private startTimer(): void {
		if (this.timer) return;
		this.timer = setTimeout(() => {
			this.timer = undefined;
			this.waitExpired = true;
			this.pump();
		}, this.options.maxWaitMs);
	}

	/** The rate limit holds the queue: try again when the next item may go out. */
	private startPaceTimer(waitMs: number): void {
		if (this.paceTimer) return;
		this.paceTimer = setTimeout(() => {
			this.paceTimer = undefined;
			this.pump();
			this.updatePressure();
		}, waitMs);
	}
}
