import { Deduper } from '../../../nodes/SyslogTrigger/floodGuard/dedupe';
import { Dispatcher, RateLimiter } from '../../../nodes/shared/pacing';

beforeEach(() => jest.useFakeTimers({ now: new Date('2026-11-24T12:00:00Z') }));
afterEach(() => jest.useRealTimers());

describe('Deduper', () => {
	it('passes the first, holds back repeats and reports their count when the window ends', () => {
		const summaries: Array<[string, number]> = [];
		const deduper = new Deduper<string>(1000, 100, (first, repeats) => summaries.push([first, repeats]));
		expect(deduper.offer('a', 'a1')).toBe(true);
		expect(deduper.offer('a', 'a2')).toBe(false);
		expect(deduper.offer('a', 'a3')).toBe(false);
		expect(deduper.offer('b', 'b1')).toBe(true);
		jest.advanceTimersByTime(999);
		expect(summaries).toEqual([]);
		jest.advanceTimersByTime(1);
		expect(summaries).toEqual([['a1', 2]]);
		expect(deduper.size).toBe(0);
		expect(deduper.offer('a', 'a4')).toBe(true);
		deduper.close();
	});

	it('bounds its keys, closing the oldest window early', () => {
		const summaries: Array<[string, number]> = [];
		const deduper = new Deduper<string>(60_000, 2, (first, repeats) => summaries.push([first, repeats]));
		deduper.offer('a', 'a');
		deduper.offer('a', 'a');
		deduper.offer('b', 'b');
		deduper.offer('c', 'c');
		expect(deduper.size).toBe(2);
		expect(summaries).toEqual([['a', 1]]);
		for (let i = 0; i < 10_000; i++) deduper.offer(`k${i}`, 'x');
		expect(deduper.size).toBe(2);
		deduper.close();
		expect(jest.getTimerCount()).toBe(0);
	});
});

describe('RateLimiter', () => {
	it('allows a second of burst, then paces the rest instead of refusing it', () => {
		const limiter = new RateLimiter(10);
		for (let i = 0; i < 10; i++) {
			expect(limiter.waitMs()).toBe(0);
			limiter.take(1);
		}
		expect(limiter.waitMs()).toBe(100);
		jest.advanceTimersByTime(500);
		expect(limiter.waitMs()).toBe(0);
		// A batch larger than what is left goes out and the bucket owes the difference.
		limiter.take(25);
		expect(limiter.waitMs()).toBe(2100);
	});
});

describe('Dispatcher', () => {
	it('delivers one item per batch in per-message mode', () => {
		const batches: number[][] = [];
		const dispatcher = new Dispatcher<number>({ batchSize: 1, maxWaitMs: 0, maxQueue: 10, maxQueueBytes: 1e9, maxInFlight: 0, ratePerSecond: 0 }, (batch) => {
			batches.push(batch);
		});
		[1, 2, 3].forEach((n) => dispatcher.push(n));
		expect(batches).toEqual([[1], [2], [3]]);
		dispatcher.close();
	});

	it('batches by count and by wait time', () => {
		const batches: number[][] = [];
		const dispatcher = new Dispatcher<number>({ batchSize: 3, maxWaitMs: 2000, maxQueue: 100, maxQueueBytes: 1e9, maxInFlight: 0, ratePerSecond: 0 }, (batch) => {
			batches.push(batch);
		});
		for (let n = 1; n <= 7; n++) dispatcher.push(n);
		expect(batches).toEqual([[1, 2, 3], [4, 5, 6]]);
		jest.advanceTimersByTime(1999);
		expect(batches).toHaveLength(2);
		jest.advanceTimersByTime(1);
		expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
		dispatcher.close();
	});

	it('keeps at most maxInFlight executions and drops beyond the queue bound', async () => {
		const batches: number[][] = [];
		const finish: Array<() => void> = [];
		let dropped = 0;
		const dispatcher = new Dispatcher<number>(
			{ batchSize: 2, maxWaitMs: 10, maxQueue: 4, maxQueueBytes: 1e9, maxInFlight: 1, ratePerSecond: 0 },
			(batch) => {
				batches.push(batch);
				return new Promise<void>((resolve) => finish.push(resolve));
			},
		);
		for (let n = 1; n <= 10; n++) if (!dispatcher.push(n)) dropped++;
		// [1,2] runs; 3..6 wait (queue bound 4); 7..10 are dropped.
		expect(batches).toEqual([[1, 2]]);
		expect(dispatcher.queued).toBe(4);
		expect(dropped).toBe(4);
		finish.shift()!();
		await Promise.resolve();
		expect(batches).toEqual([[1, 2], [3, 4]]);
		finish.shift()!();
		await Promise.resolve();
		expect(batches).toEqual([[1, 2], [3, 4], [5, 6]]);
		expect(dispatcher.running).toBe(1);
		dispatcher.close();
	});
});

describe('Dispatcher backpressure', () => {
	it('reports congestion at three quarters full and relief at half', async () => {
		const signals: boolean[] = [];
		const finish: Array<() => void> = [];
		const dispatcher = new Dispatcher<number>(
			{ batchSize: 1, maxWaitMs: 0, maxQueue: 8, maxQueueBytes: 1e9, maxInFlight: 1, ratePerSecond: 0 },
			() => new Promise<void>((resolve) => finish.push(resolve)),
		);
		dispatcher.onPressure((congested) => signals.push(congested));
		for (let n = 0; n < 7; n++) dispatcher.push(n);
		// One runs, six wait: 6 >= 8 * 0.75.
		expect(dispatcher.queued).toBe(6);
		expect(signals).toEqual([true]);
		finish.shift()!();
		await Promise.resolve();
		expect(signals).toEqual([true]);
		finish.shift()!();
		await Promise.resolve();
		// Four waiting = half of 8.
		expect(dispatcher.queued).toBe(4);
		expect(signals).toEqual([true, false]);
		dispatcher.close();
	});
});

describe('Dispatcher byte bound', () => {
	it('drops what would exceed the byte bound, whatever the item count', () => {
		let dropped = 0;
		const dispatcher = new Dispatcher<string>(
			{ batchSize: 100, maxWaitMs: 1000, maxQueue: 1000, maxQueueBytes: 10_000, maxInFlight: 0, ratePerSecond: 0 },
			() => undefined,
			{ sizeOf: (item) => item.length },
		);
		for (let i = 0; i < 30; i++) if (!dispatcher.push('x'.repeat(1000))) dropped++;
		expect(dispatcher.queued).toBe(10);
		expect(dispatcher.bytes).toBe(10_000);
		expect(dropped).toBe(20);
		jest.advanceTimersByTime(1000);
		expect(dispatcher.bytes).toBe(0);
		dispatcher.close();
	});
});

describe('Dispatcher rate limit', () => {
	it('paces a burst to the rate: every item waits in the queue, none is dropped, order kept', () => {
		const delivered: number[] = [];
		const dispatcher = new Dispatcher<number>({ batchSize: 1, maxWaitMs: 0, maxQueue: 100, maxQueueBytes: 1e9, maxInFlight: 0, ratePerSecond: 5 }, (batch) => {
			delivered.push(...batch);
		});
		for (let n = 0; n < 20; n++) expect(dispatcher.push(n)).toBe(true);
		expect(delivered).toEqual([0, 1, 2, 3, 4]);
		expect(dispatcher.queued).toBe(15);
		jest.advanceTimersByTime(1000);
		expect(delivered).toHaveLength(10);
		jest.advanceTimersByTime(2000);
		expect(delivered).toEqual(Array.from({ length: 20 }, (_, n) => n));
		expect(dispatcher.queued).toBe(0);
		dispatcher.close();
		expect(jest.getTimerCount()).toBe(0);
	});

	it('counts messages, not executions, in batch mode', () => {
		const batches: number[][] = [];
		const dispatcher = new Dispatcher<number>({ batchSize: 4, maxWaitMs: 10_000, maxQueue: 100, maxQueueBytes: 1e9, maxInFlight: 0, ratePerSecond: 4 }, (batch) => {
			batches.push(batch);
		});
		for (let n = 0; n < 12; n++) dispatcher.push(n);
		expect(batches).toEqual([[0, 1, 2, 3]]);
		jest.advanceTimersByTime(1000);
		expect(batches).toHaveLength(2);
		jest.advanceTimersByTime(1000);
		expect(batches).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
		dispatcher.close();
	});
});

describe('Dispatcher shedding by rank', () => {
	// Items are [rank, id]; rank 0 is the most important (syslog: emergency), 7 the least (debug).
	function make(maxQueue: number, maxQueueBytes = 1e9) {
		const shed: string[] = [];
		const delivered: string[] = [];
		const dispatcher = new Dispatcher<[number, string]>(
			{ batchSize: 1000, maxWaitMs: 1000, maxQueue, maxQueueBytes, maxInFlight: 0, ratePerSecond: 0 },
			(batch) => {
				delivered.push(...batch.map(([, id]) => id));
			},
			{ rankOf: ([rank]) => rank, ranks: 8, sizeOf: () => 100, onShed: ([, id]) => shed.push(id) },
		);
		return { dispatcher, shed, delivered };
	}

	it('sheds the least important first and refuses a newcomer no better than everything queued', () => {
		const { dispatcher, shed, delivered } = make(4);
		expect(dispatcher.push([6, 'info1'])).toBe(true);
		expect(dispatcher.push([7, 'debug1'])).toBe(true);
		expect(dispatcher.push([6, 'info2'])).toBe(true);
		expect(dispatcher.push([7, 'debug2'])).toBe(true);
		// Full: an error takes the newest debug's place.
		expect(dispatcher.push([3, 'error1'])).toBe(true);
		expect(shed).toEqual(['debug2']);
		// A debug message finds nothing less important queued but debug1: it is refused (tail drop).
		expect(dispatcher.push([7, 'debug3'])).toBe(false);
		expect(dispatcher.push([3, 'error2'])).toBe(true);
		expect(dispatcher.push([4, 'warning1'])).toBe(true);
		expect(shed).toEqual(['debug2', 'debug1', 'info2']);
		// Only error, error, warning and info left: another info is refused, a critical takes the info's place.
		expect(dispatcher.push([6, 'info3'])).toBe(false);
		expect(dispatcher.push([2, 'crit1'])).toBe(true);
		expect(shed).toEqual(['debug2', 'debug1', 'info2', 'info1']);
		jest.advanceTimersByTime(1000);
		// Delivered in arrival order, whatever the rank.
		expect(delivered).toEqual(['error1', 'error2', 'warning1', 'crit1']);
		dispatcher.close();
	});

	it('never sheds an error while a less severe item is queued, also under the byte bound', () => {
		const { dispatcher, shed } = make(1000, 1000);
		for (let i = 0; i < 5; i++) dispatcher.push([3, `error${i}`]);
		for (let i = 0; i < 5; i++) dispatcher.push([6, `info${i}`]);
		expect(dispatcher.bytes).toBe(1000);
		for (let i = 5; i < 10; i++) expect(dispatcher.push([3, `error${i}`])).toBe(true);
		expect(shed).toEqual(['info4', 'info3', 'info2', 'info1', 'info0']);
		// Only errors now: a further error is refused, none queued is shed.
		expect(dispatcher.push([3, 'error10'])).toBe(false);
		expect(shed).toHaveLength(5);
		expect(dispatcher.queued).toBe(10);
		dispatcher.close();
	});

	it('keeps memory and time bounded under a flood: 100k pushes into a queue of 10k', () => {
		let shedCount = 0;
		let delivered = 0;
		const dispatcher = new Dispatcher<number>(
			{ batchSize: 1, maxWaitMs: 0, maxQueue: 10_000, maxQueueBytes: 1e9, maxInFlight: 0, ratePerSecond: 100 },
			(batch) => {
				delivered += batch.length;
			},
			{ rankOf: (n) => (n % 100 === 0 ? 3 : 6), ranks: 8, onShed: () => shedCount++ },
		);
		let refused = 0;
		for (let n = 0; n < 100_000; n++) if (!dispatcher.push(n)) refused++;
		expect(dispatcher.queued).toBe(10_000);
		expect(delivered + dispatcher.queued + shedCount + refused).toBe(100_000);
		dispatcher.close();
	});
});
