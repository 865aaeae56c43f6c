interface Lane<T> {
	items: T[];
	sizes: number[];
	seqs: number[];
	head: number;
	bytes: number;
}

/**
 * FIFO queue whose items carry a rank (0 = most important). Items leave in arrival order whatever
 * their rank; when something must be shed, the newest item of the worst rank goes first. Every
 * operation is O(number of ranks), so a full queue under a flood costs no more than an empty one.
 */
export class RankedQueue<T> {
	private readonly lanes: Array<Lane<T>>;
	private seq = 0;
	private count = 0;
	private totalBytes = 0;

	constructor(ranks: number) {
		this.lanes = Array.from({ length: ranks }, () => ({ items: [], sizes: [], seqs: [], head: 0, bytes: 0 }));
	}

	get length(): number {
		return this.count;
	}

	get bytes(): number {
		return this.totalBytes;
	}

	/** `rank` is clamped to the ranks the queue has. */
	push(item: T, rank: number, size: number): void {
		const lane = this.lanes[this.clamp(rank)];
		lane.items.push(item);
		lane.sizes.push(size);
		lane.seqs.push(this.seq++);
		lane.bytes += size;
		this.count++;
		this.totalBytes += size;
	}

	/** Removes and returns the oldest item of any rank. */
	shift(): T | undefined {
		let oldest: Lane<T> | undefined;
		for (const lane of this.lanes) {
			if (lane.head < lane.items.length && (!oldest || lane.seqs[lane.head] < oldest.seqs[oldest.head])) oldest = lane;
		}
		if (!oldest) return undefined;
		const index = oldest.head++;
		const item = oldest.items[index];
		this.release(oldest, oldest.sizes[index]);
		this.compact(oldest);
		return item;
	}

	/** Items and bytes held in ranks worse than `rank`, which shedding may free for an item of `rank`. */
	worseThan(rank: number): { count: number; bytes: number } {
		let count = 0;
		let bytes = 0;
		for (let r = this.clamp(rank) + 1; r < this.lanes.length; r++) {
			const lane = this.lanes[r];
			count += lane.items.length - lane.head;
			bytes += lane.bytes;
		}
		return { count, bytes };
	}

	/** Removes and returns the newest item of the worst rank held. */
	popWorst(): T | undefined {
		for (let r = this.lanes.length - 1; r >= 0; r--) {
			const lane = this.lanes[r];
			if (lane.head >= lane.items.length) continue;
			const item = lane.items.pop() as T;
			lane.seqs.pop();
			this.release(lane, lane.sizes.pop() as number);
			this.compact(lane);
			return item;
		}
		return undefined;
	}

	clear(): void {
		for (const lane of this.lanes) Object.assign(lane, { items: [], sizes: [], seqs: [], head: 0, bytes: 0 });
		this.count = 0;
		this.totalBytes = 0;
	}

	private clamp(rank: number): number {
		return Math.min(this.lanes.length - 1, Math.max(0, Math.trunc(rank)));
	}

	private release(lane: Lane<T>, size: number): void {
		lane.bytes -= size;
		this.count--;
		this.totalBytes -= size;
	}

	/** Drops consumed slots so a lane's arrays do not grow with everything that ever passed. */
	private compact(lane: Lane<T>): void {
		if (lane.head === lane.items.length) {
			lane.items = [];
			lane.sizes = [];
			lane.seqs = [];
			lane.head = 0;
		} else if (lane.head > 1024 && lane.head * 2 > lane.items.length) {
			lane.items = lane.items.slice(lane.head);
			lane.sizes = lane.sizes.slice(lane.head);
			lane.seqs = lane.seqs.slice(lane.head);
			lane.head = 0;
		}
	}
}
