interface DedupeEntry<T> {
	first: T;
	repeats: number;
	expiresAt: number;
}

/**
 * Suppresses identical messages within a window. The first one passes at once; when its window
 * ends, `onRepeats` gets it back with the number of identical messages that were held back, so
 * nothing is hidden. Keys are bounded: the oldest window is closed early when `maxKeys` is hit.
 */
export class Deduper<T> {
	private readonly entries = new Map<string, DedupeEntry<T>>();
	private timer: NodeJS.Timeout | undefined;

	constructor(
		private readonly windowMs: number,
		private readonly maxKeys: number,
		private readonly onRepeats: (first: T, repeats: number) => void,
	) {}

	get size(): number {
		return this.entries.size;
	}

	/** True when the message should pass (first in its window). */
	offer(key: string, item: T): boolean {
		const now = Date.now();
		this.expire(now);
		const entry = this.entries.get(key);
		if (entry) {
			entry.repeats++;
			return false;
		}
		if (this.entries.size >= this.maxKeys) this.closeOldest();
		this.entries.set(key, { first: item, repeats: 0, expiresAt: now + this.windowMs });
		this.schedule();
		return true;
	}

	close(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		this.entries.clear();
	}

	private closeOldest(): void {
		const oldest = this.entries.entries().next();
		if (oldest.done) return;
		const [key, entry] = oldest.value;
		this.entries.delete(key);
		if (entry.repeats > 0) this.onRepeats(entry.first, entry.repeats);
	}

	private expire(now: number): void {
		// Entries are in insertion order, which is expiry order (same window for all).
		for (const [key, entry] of this.entries) {
			if (entry.expiresAt > now) break;
			this.entries.delete(key);
			if (entry.repeats > 0) this.onRepeats(entry.first, entry.repeats);
		}
	}

	private schedule(): void {
		if (this.timer) return;
		const oldest = this.entries.values().next();
		if (oldest.done) return;
		this.timer = setTimeout(
			() => {
				this.timer = undefined;
				this.expire(Date.now());
				this.schedule();
			},
			Math.max(0, oldest.value.expiresAt - Date.now()),
		);
	}
}
