/**
 * Token bucket that paces instead of refusing: `perSecond` messages a second on average, bursts up
 * to one second's worth. A batch may take more tokens than are left (the bucket goes into debt), so
 * batches larger than a second's worth still go out, at the same average rate.
 */
export class RateLimiter {
	private tokens: number;
	private last = Date.now();

	constructor(private readonly perSecond: number) {
		this.tokens = perSecond;
	}

	/** Milliseconds until a message (or batch) may go out; 0 = now. */
	waitMs(): number {
		this.refill();
		return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
	}

	/** Takes `count` tokens; call only when waitMs() is 0. */
	take(count: number): void {
		this.refill();
		this.tokens -= count;
	}

	private refill(): void {
		const now = Date.now();
		this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
		this.last = now;
	}
}
