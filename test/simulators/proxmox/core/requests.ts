/** Counts API requests by `METHOD /path` (after the /api2/json prefix), for request-budget tests and benches. */
export class RequestCounter {
	private readonly counts = new Map<string, number>();

	count(method: string, path: string): void {
		const key = `${method} ${path}`;
		this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
	}

	snapshot(): Record<string, number> {
		return Object.fromEntries(this.counts);
	}

	reset(): void {
		this.counts.clear();
	}
}
