/** The shared resumable-stream helper (nodes/shared/stream) with a scripted source. */
import type { IDataObject } from 'n8n-workflow';

import { CursorStore, ResumableStream, type StreamCursor, type StreamEvents, type StreamSource } from '../../../nodes/shared/stream';
import { Backoff } from '../../../nodes/shared/transport/backoff';

interface Msg {
	id: number;
}

class ScriptedSource implements StreamSource<Msg> {
	events: StreamEvents<Msg> | undefined;
	opens: StreamCursor[] = [];
	closed = 0;
	failNextOpen: Error | undefined;
	missed: Msg[] = [];
	/** Messages pushed live while the catch-up request is in flight. */
	duringCatchUp: Msg[] = [];

	idOf = (message: Msg) => String(message.id);
	isOld = (message: Msg, cursor: StreamCursor) => cursor.lastId !== undefined && message.id <= Number(cursor.lastId);
	isFatal = (error: Error) => error.message.startsWith('fatal');

	async open(cursor: StreamCursor, events: StreamEvents<Msg>) {
		this.opens.push({ ...cursor });
		if (this.failNextOpen) {
			const error = this.failNextOpen;
			this.failNextOpen = undefined;
			throw error;
		}
		this.events = events;
		return { close: () => (this.closed += 1) };
	}

	async missedSince(cursor: StreamCursor) {
		for (const message of this.duringCatchUp.splice(0)) this.events!.message(message);
		return this.missed.splice(0).filter((message) => message.id > Number(cursor.lastId ?? 0));
	}

	async initialCursor() {
		return { lastId: '10' };
	}
}

const fastBackoff = () => new Backoff({ initialMs: 20, maxMs: 40, random: () => 0 });
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function setup(resume = true, deadAfterMs = 10_000) {
	const source = new ScriptedSource();
	const data: IDataObject = {};
	const delivered: number[] = [];
	const failures: Error[] = [];
	const stream = new ResumableStream<Msg>({
		source,
		store: new CursorStore(data),
		deliver: (message) => void delivered.push(message.id),
		fail: (error) => failures.push(error),
		deadAfterMs,
		resume,
		backoff: fastBackoff(),
	});
	return { source, data, delivered, failures, stream };
}

describe('ResumableStream', () => {
	it('starts from the initial cursor, then delivers catch-up before buffered live messages, each once', async () => {
		const { source, data, delivered, stream } = setup();
		source.missed = [{ id: 11 }, { id: 12 }];
		source.duringCatchUp = [{ id: 12 }, { id: 13 }];
		await stream.start();
		expect(source.opens[0]).toMatchObject({ lastId: '10' });
		source.events!.message({ id: 13 });
		source.events!.message({ id: 9 });
		source.events!.message({ id: 14 });
		expect(delivered).toEqual([11, 12, 13, 14]);
		expect(data.lastId).toBe('14');
		expect(data.recentIds).toEqual(['11', '12', '13', '14']);
		stream.stop();
	});

	it('reconnects with backoff after the connection ends, resuming from the cursor', async () => {
		const { source, delivered, stream } = setup();
		await stream.start();
		source.events!.message({ id: 11 });
		const first = source.events!;
		source.missed = [{ id: 12 }];
		first.ended(new Error('reset'));
		first.message({ id: 99 });
		await wait(60);
		expect(source.opens).toHaveLength(2);
		expect(source.opens[1].lastId).toBe('11');
		expect(delivered).toEqual([11, 12]);
		stream.stop();
	});

	it('treats silence longer than deadAfterMs as a dead connection', async () => {
		const { source, stream } = setup(true, 50);
		await stream.start();
		await wait(30);
		source.events!.alive();
		await wait(30);
		expect(source.closed).toBe(0);
		await wait(60);
		expect(source.closed).toBe(1);
		await wait(40);
		expect(source.opens.length).toBeGreaterThanOrEqual(2);
		stream.stop();
	});

	it('rejects start on a fatal error and stops with fail() on a later one, without retrying', async () => {
		const first = setup();
		first.source.failNextOpen = new Error('fatal: 401');
		await expect(first.stream.start()).rejects.toThrow('fatal: 401');
		await wait(60);
		expect(first.source.opens).toHaveLength(1);

		const { source, failures, stream } = setup();
		await stream.start();
		source.failNextOpen = new Error('fatal: revoked');
		source.events!.ended(new Error('closed'));
		await wait(60);
		expect(failures.map((error) => error.message)).toEqual(['fatal: revoked']);
		await wait(60);
		expect(source.opens).toHaveLength(2);
	});

	it('retries a failed first connection in the background (active workflow), but throws in manual runs', async () => {
		const active = setup();
		active.source.failNextOpen = new Error('ECONNREFUSED');
		await active.stream.start();
		await wait(60);
		expect(active.source.opens).toHaveLength(2);
		active.stream.stop();

		const manual = setup(false);
		manual.source.failNextOpen = new Error('ECONNREFUSED');
		await expect(manual.stream.start()).rejects.toThrow('ECONNREFUSED');
	});

	it('in manual runs neither reads nor moves the cursor', async () => {
		const { source, data, delivered, stream } = setup(false);
		data.lastId = '50';
		await stream.start();
		expect(source.opens[0]).toEqual({});
		source.events!.message({ id: 3 });
		expect(delivered).toEqual([3]);
		expect(data.lastId).toBe('50');
		stream.stop();
	});
});
