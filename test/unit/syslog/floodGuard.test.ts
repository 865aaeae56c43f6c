import { Deduper } from '../../../nodes/SyslogTrigger/floodGuard/dedupe';
import { Dispatcher } from '../../../nodes/SyslogTrigger/floodGuard/dispatcher';
import { RateLimiter } from '../../../nodes/SyslogTrigger/floodGuard/rateLimit';

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
	it('allows a second of burst, then refills over time', () => {
		const limiter = new RateLimiter(10);
		const first = Array.from({ length: 15 }, () => limiter.tryTake()).filter(Boolean).length;
		expect(first).toBe(10);
		jest.advanceTimersByTime(500);
		expect(Array.from({ length: 10 }, () => limiter.tryTake()).filter(Boolean).length).toBe(5);
	});
});

describe('Dispatcher', () => {
	it('delivers one item per batch in per-message mode', () => {
		const batches: number[][] = [];
		const dispatcher = new Dispatcher<number>({ batchSize: 1, maxWaitMs: 0, maxQueue: 10, maxQueueBytes: 1e9, maxInFlight: 0 }, (batch) => {
			batches.push(batch);
		});
		[1, 2, 3].forEach((n) => dispatcher.push(n));
		expect(batches).toEqual([[1], [2], [3]]);
		dispatcher.close();
	});

	it('batches by count and by wait time', () => {
		const batches: number[][] = [];
		const dispatcher = new Dispatcher<number>({ batchSize: 3, maxWaitMs: 2000, maxQueue: 100, maxQueueBytes: 1e9, maxInFlight: 0 }, (batch) => {
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
			{ batchSize: 2, maxWaitMs: 10, maxQueue: 4, maxQueueBytes: 1e9, maxInFlight: 1 },
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
			{ batchSize: 1, maxWaitMs: 0, maxQueue: 8, maxQueueBytes: 1e9, maxInFlight: 1 },
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
			{ batchSize: 100, maxWaitMs: 1000, maxQueue: 1000, maxQueueBytes: 10_000, maxInFlight: 0 },
			() => undefined,
			(item) => item.length,
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
