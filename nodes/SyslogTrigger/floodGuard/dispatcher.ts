export interface DispatcherOptions {
	/** Items per execution (1 = one execution per message). */
	batchSize: number;
	/** Longest an item waits for its batch to fill. */
	maxWaitMs: number;
	/** Items waiting at most; more are dropped (never unbounded memory). */
	maxQueue: number;
	/** Approximate bytes waiting at most (see `sizeOf`), so large messages cannot fill memory either. */
	maxQueueBytes: number;
	/** Executions running at once (0 = no limit); needs `deliver` to return a promise that settles when done. */
	maxInFlight: number;
}

/**
 * Bounded queue in front of n8n: batches items by count and wait time, keeps at most
 * `maxInFlight` executions running, and refuses what does not fit.
 */
export class Dispatcher<T> {
	private queue: T[] = [];
	private queuedBytes = 0;
	private timer: NodeJS.Timeout | undefined;
	private waitExpired = false;
	private inFlight = 0;
	private closed = false;
	private congested = false;
	private pressureListener: ((congested: boolean) => void) | undefined;

	constructor(
		private readonly options: DispatcherOptions,
		private readonly deliver: (batch: T[]) => Promise<unknown> | void,
		private readonly sizeOf: (item: T) => number = () => 0,
	) {}

	get queued(): number {
		return this.queue.length;
	}

	get bytes(): number {
		return this.queuedBytes;
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

	/** False when the item did not fit (the caller counts the drop). */
	push(item: T): boolean {
		if (this.closed) return false;
		const size = this.sizeOf(item);
		if (this.queue.length >= this.options.maxQueue || this.queuedBytes + size > this.options.maxQueueBytes) return false;
		this.queue.push(item);
		this.queuedBytes += size;
		this.pump();
		this.updatePressure();
		return true;
	}

	close(): void {
		this.closed = true;
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		this.queue = [];
		this.queuedBytes = 0;
	}

	private pump(): void {
		const { batchSize, maxInFlight } = this.options;
		while (!this.closed && this.queue.length > 0 && (maxInFlight === 0 || this.inFlight < maxInFlight)) {
			if (this.queue.length < batchSize && !this.waitExpired) {
				this.startTimer();
				return;
			}
			const batch = this.queue.length <= batchSize ? this.queue : this.queue.slice(0, batchSize);
			this.queue = this.queue.length <= batchSize ? [] : this.queue.slice(batchSize);
			for (const item of batch) this.queuedBytes -= this.sizeOf(item);
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
		const bytes = this.queuedBytes;
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
}
