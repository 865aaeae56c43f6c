/**
 * Reconnect delays for long-lived streams: exponential with full jitter (so many n8n instances
 * do not reconnect in lockstep after a server restart), capped, reset after a healthy period.
 */
export interface BackoffOptions {
	initialMs?: number;
	maxMs?: number;
	factor?: number;
	/** Random source in [0,1), injectable for tests. */
	random?: () => number;
}

export class Backoff {
	private attempt = 0;
	private readonly initialMs: number;
	private readonly maxMs: number;
	private readonly factor: number;
	private readonly random: () => number;

	constructor(options: BackoffOptions = {}) {
		this.initialMs = options.initialMs ?? 1000;
		this.maxMs = options.maxMs ?? 60000;
		this.factor = options.factor ?? 2;
		this.random = options.random ?? Math.random;
	}

	/** Delay before the next attempt: uniform in [ceiling/2, ceiling], ceiling growing per attempt. */
	next(): number {
		const ceiling = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
		this.attempt += 1;
		return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
	}

	get attempts(): number {
		return this.attempt;
	}

	reset(): void {
		this.attempt = 0;
	}
}
