/**
 * The resumable stream's queue in front of n8n (shared pacing Dispatcher): at most `maxInFlight`
 * executions at once, the rest waiting in order; the cursor moves only for messages handed to
 * n8n; when the queue congests, a source that can replay is closed and caught up from the cursor
 * once the queue drained, one that cannot is paused. Nothing is lost or delivered twice.
 */
import type { IDataObject } from 'n8n-workflow';

import { CursorStore, ResumableStream, type StreamCursor, type StreamEvents, type StreamSource } from '../../../nodes/shared/stream';
import { Backoff } from '../../../nodes/shared/transport/backoff';

interface Msg {
	id: number;
}

/** A server keeping every message (like Gotify): the live stream plus a replay after an id. */
class ReplayingSource implements StreamSource<Msg> {
	events: StreamEvents<Msg> | undefined;
	readonly stored: Msg[] = [];
	opens = 0;
	closes = 0;
	catchUps: StreamCursor[] = [];

	idOf = (message: Msg) => String(message.id);
	isOld = (message: Msg, cursor: StreamCursor) => cursor.lastId !== undefined && message.id <= Number(cursor.lastId);
	isFatal = () => false;

	async open(_cursor: StreamCursor, events: StreamEvents<Msg>) {
		this.opens += 1;
		this.events = events;
		return {
			close: () => {
				this.closes += 1;
				this.events = undefined;
			},
		};
	}

	async missedSince(cursor: StreamCursor) {
		this.catchUps.push({ ...cursor });
		return this.stored.filter((message) => message.id > Number(cursor.lastId ?? 0));
	}

	async initialCursor() {
		return { lastId: '0' };
	}

	/** Stores a message and pushes it to the live stream, if one is open. */
	publish(id: number) {
		this.stored.push({ id });
		this.events?.message({ id });
	}
}

/** A relay without replay: live messages only, flow control by pause/resume. */
class PausableSource implements StreamSource<Msg> {
	events: StreamEvents<Msg> | undefined;
	paused = false;
	pauses = 0;
	held: Msg[] = [];

	idOf = (message: Msg) => String(message.id);
	isFatal = () => false;

	async open(_cursor: StreamCursor, events: StreamEvents<Msg>) {
		this.events = events;
		return {
			close: () => (this.events = undefined),
			pause: () => {
				this.paused = true;
				this.pauses += 1;
			},
			resume: () => {
				this.paused = false;
				while (!this.paused && this.held.length > 0) this.events?.message(this.held.shift()!);
			},
		};
	}

	/** What TCP does: a paused reader receives nothing; the sender's data waits. */
	publish(id: number) {
		if (this.paused) this.held.push({ id });
		else this.events?.message({ id });
	}
}

/** Executions that run until the test finishes them, as n8n's done promise settles. */
class Executions {
	readonly delivered: number[] = [];
	private readonly running: Array<() => void> = [];

	deliver = (message: Msg) => {
		this.delivered.push(message.id);
		return new Promise<void>((resolve) => this.running.push(resolve));
	};

	get inFlight() {
		return this.running.length;
	}

	/** Finishes the oldest `count` executions and lets the stream react. */
	async finish(count = this.running.length) {
		for (const done of this.running.splice(0, count)) done();
		await flush();
	}
}

const flush = () => new Promise((resolve) => setImmediate(resolve));
const backoff = () => new Backoff({ initialMs: 20, maxMs: 40, random: () => 0 });

describe('ResumableStream pacing (bounded in-flight executions)', () => {
	it('starts at most maxInFlight executions; the rest wait in order and go as executions finish', async () => {
		const source = new ReplayingSource();
		const data: IDataObject = {};
		const executions = new Executions();
		const stream = new ResumableStream<Msg>({ source, store: new CursorStore(data), deliver: executions.deliver, fail: () => undefined, deadAfterMs: 60_000, resume: true, maxInFlight: 3, backoff: backoff() });
		await stream.start();
		for (let id = 1; id <= 10; id++) source.publish(id);
		expect(executions.delivered).toEqual([1, 2, 3]);
		expect(stream.running).toBe(3);
		expect(stream.queued).toBe(7);
		// The cursor holds only what was handed to n8n: a restart now would catch 4…10 up.
		expect(data.lastId).toBe('3');

		await executions.finish(1);
		expect(executions.delivered).toEqual([1, 2, 3, 4]);
		expect(data.lastId).toBe('4');
		while (executions.inFlight > 0) await executions.finish();
		expect(executions.delivered).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
		expect(stream.queued).toBe(0);
		expect(data.lastId).toBe('10');
		stream.stop();
	});

	it('without a limit (0) hands every message over at once, as before', async () => {
		const source = new ReplayingSource();
		const executions = new Executions();
		const stream = new ResumableStream<Msg>({ source, store: new CursorStore({}), deliver: executions.deliver, fail: () => undefined, deadAfterMs: 60_000, resume: true, maxInFlight: 0, backoff: backoff() });
		await stream.start();
		for (let id = 1; id <= 50; id++) source.publish(id);
		expect(executions.delivered).toHaveLength(50);
		stream.stop();
	});

	it('congested, closes a replaying source and catches up from the cursor once the queue drained: none lost, none twice', async () => {
		const source = new ReplayingSource();
		const data: IDataObject = {};
		const executions = new Executions();
		const logs: string[] = [];
		const stream = new ResumableStream<Msg>({
			source,
			store: new CursorStore(data),
			deliver: executions.deliver,
			fail: () => undefined,
			deadAfterMs: 60_000,
			resume: true,
			maxInFlight: 2,
			maxQueue: 8,
			backoff: backoff(),
			log: (text) => logs.push(text),
		});
		await stream.start();
		// 2 run, 6 queued (three quarters of 8): the stream closes; the rest only reaches the server.
		for (let id = 1; id <= 40; id++) source.publish(id);
		expect(source.closes).toBe(1);
		expect(stream.queued).toBe(6);
		expect(executions.delivered).toEqual([1, 2]);
		expect(logs.join('\n')).toMatch(/6 messages wait for an execution/);

		for (let rounds = 0; rounds < 100 && executions.delivered.length < 40; rounds++) {
			await executions.finish();
			// The catch-up request resolves asynchronously.
			await flush();
			expect(stream.queued).toBeLessThanOrEqual(8);
		}
		expect(executions.delivered).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
		expect(data.lastId).toBe('40');
		// Each catch-up started from a drained queue, i.e. from the last message handed over.
		expect(source.catchUps.length).toBeGreaterThan(1);

		// Live again after the catch-up: a new message flows straight through.
		await executions.finish();
		source.publish(41);
		expect(executions.delivered.at(-1)).toBe(41);
		stream.stop();
	});

	it('holds live messages until the catch-up is delivered, also when the catch-up fills the queue', async () => {
		const source = new ReplayingSource();
		const data: IDataObject = { lastId: '0' };
		const executions = new Executions();
		for (let id = 1; id <= 20; id++) source.stored.push({ id });
		const stream = new ResumableStream<Msg>({ source, store: new CursorStore(data), deliver: executions.deliver, fail: () => undefined, deadAfterMs: 60_000, resume: true, maxInFlight: 1, maxQueue: 4, backoff: backoff() });
		await stream.start();
		source.publish(21);
		for (let rounds = 0; rounds < 200 && executions.delivered.length < 21; rounds++) {
			await executions.finish();
			await flush();
		}
		expect(executions.delivered).toEqual(Array.from({ length: 21 }, (_, index) => index + 1));
		stream.stop();
	});

	it('pauses a source that cannot replay and resumes it at half the queue, losing nothing', async () => {
		const source = new PausableSource();
		const executions = new Executions();
		const stream = new ResumableStream<Msg>({ source, store: new CursorStore({}), deliver: executions.deliver, fail: () => undefined, deadAfterMs: 60_000, resume: true, maxInFlight: 2, maxQueue: 8, backoff: backoff() });
		await stream.start();
		for (let id = 1; id <= 30; id++) source.publish(id);
		expect(source.paused).toBe(true);
		expect(stream.queued).toBe(6);
		for (let rounds = 0; rounds < 100 && executions.delivered.length < 30; rounds++) await executions.finish();
		expect(executions.delivered).toEqual(Array.from({ length: 30 }, (_, index) => index + 1));
		expect(source.paused).toBe(false);
		expect(source.pauses).toBeGreaterThan(1);
		stream.stop();
	});

	it('a paused connection is not declared dead for its silence', async () => {
		jest.useFakeTimers();
		try {
			const source = new PausableSource();
			const executions = new Executions();
			const logs: string[] = [];
			const stream = new ResumableStream<Msg>({ source, store: new CursorStore({}), deliver: executions.deliver, fail: () => undefined, deadAfterMs: 1000, resume: true, maxInFlight: 1, maxQueue: 4, backoff: backoff(), log: (text) => logs.push(text) });
			await stream.start();
			for (let id = 1; id <= 10; id++) source.publish(id);
			expect(source.paused).toBe(true);
			jest.advanceTimersByTime(10_000);
			expect(logs.filter((line) => /considered dead/.test(line))).toEqual([]);
			stream.stop();
		} finally {
			jest.useRealTimers();
		}
	});

	it('stop() drops the queue without moving the cursor past it (the next activation catches it up)', async () => {
		const source = new ReplayingSource();
		const data: IDataObject = {};
		const executions = new Executions();
		const stream = new ResumableStream<Msg>({ source, store: new CursorStore(data), deliver: executions.deliver, fail: () => undefined, deadAfterMs: 60_000, resume: true, maxInFlight: 1, backoff: backoff() });
		await stream.start();
		for (let id = 1; id <= 5; id++) source.publish(id);
		stream.stop();
		await executions.finish();
		expect(executions.delivered).toEqual([1]);
		expect(data.lastId).toBe('1');

		const next = new Executions();
		const again = new ResumableStream<Msg>({ source, store: new CursorStore(data), deliver: next.deliver, fail: () => undefined, deadAfterMs: 60_000, resume: true, maxInFlight: 10, backoff: backoff() });
		await again.start();
		expect(next.delivered).toEqual([2, 3, 4, 5]);
		again.stop();
	});

	it('a burst published during the catch-up (in both the catch-up and the live stream, same second) is delivered once', async () => {
		// ntfy: ids carry no order and times are seconds, so only ids tell the two lists apart.
		interface Timed {
			id: string;
			time: number;
		}
		const burst: Timed[] = Array.from({ length: 300 }, (_, index) => ({ id: `m${index}`, time: 100 }));
		let events: StreamEvents<Timed> | undefined;
		const source: StreamSource<Timed> = {
			idOf: (message) => message.id,
			timeOf: (message) => message.time,
			isOld: (message, cursor) => cursor.lastTime !== undefined && message.time < cursor.lastTime,
			isFatal: () => false,
			open: async (_cursor, opened) => {
				events = opened;
				return { close: () => undefined };
			},
			missedSince: async () => {
				for (const message of burst) events!.message(message);
				return burst;
			},
			initialCursor: async () => ({ startedAt: 99 }),
		};
		const delivered: string[] = [];
		const stream = new ResumableStream<Timed>({ source, store: new CursorStore({}), deliver: (message) => void delivered.push(message.id), fail: () => undefined, deadAfterMs: 60_000, resume: true, maxInFlight: 0, backoff: backoff() });
		await stream.start();
		expect(delivered).toEqual(burst.map((message) => message.id));
		stream.stop();
	});

	it('a paused source that reconnects while the queue is still congested stays paused until it is half empty', async () => {
		const source = new PausableSource();
		const executions = new Executions();
		const stream = new ResumableStream<Msg>({ source, store: new CursorStore({}), deliver: executions.deliver, fail: () => undefined, deadAfterMs: 60_000, resume: true, maxInFlight: 1, maxQueue: 8, backoff: backoff() });
		await stream.start();
		for (let id = 1; id <= 7; id++) source.publish(id);
		expect(source.paused).toBe(true);
		source.events!.ended(new Error('relay restarted'));
		source.paused = false;
		for (let rounds = 0; rounds < 100 && source.pauses < 2; rounds++) await new Promise((resolve) => setTimeout(resolve, 10));
		// Reconnected (backoff 20 ms) into a congested queue: paused again at once.
		expect(source.pauses).toBe(2);
		expect(source.paused).toBe(true);
		for (let id = 8; id <= 12; id++) source.publish(id);
		for (let rounds = 0; rounds < 100 && executions.delivered.length < 12; rounds++) await executions.finish();
		expect(executions.delivered).toEqual(Array.from({ length: 12 }, (_, index) => index + 1));
		stream.stop();
	});
});
