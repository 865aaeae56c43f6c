import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FrameDecoder } from '../../../nodes/SyslogTrigger/framing';
import { SyslogPipeline } from '../../../nodes/SyslogTrigger/pipeline';
import { buildMessageFilter } from '../../../nodes/SyslogTrigger/filters';

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
function rng(seed: number) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const corpus = (JSON.parse(readFileSync(join(__dirname, 'fixtures', 'corpus.json'), 'utf8')) as Array<{ line: string }>).map((entry) =>
	Buffer.from(entry.line),
);
const TOKENS = ['<', '>', '1 ', '-', ' ', '[', ']', '"', '\\', '=', ':', '\n', '\0', '\ufeff', 'UPID:', '<13>', '<191>', '2026-11-24T13:28:29', 'Nov  4 ', '\ud800'];

function mutate(random: () => number, seedBytes: Buffer): Buffer {
	const bytes = Buffer.from(seedBytes);
	const kind = Math.floor(random() * 5);
	if (kind === 0) {
		// Flip random bytes.
		for (let i = 0; i < 1 + random() * 8; i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
		return bytes;
	}
	if (kind === 1) return bytes.subarray(0, Math.floor(random() * bytes.length));
	if (kind === 2) {
		const at = Math.floor(random() * bytes.length);
		const token = Buffer.from(TOKENS[Math.floor(random() * TOKENS.length)]);
		return Buffer.concat([bytes.subarray(0, at), token, bytes.subarray(at)]);
	}
	if (kind === 3) {
		const random64 = Buffer.alloc(Math.floor(random() * 300));
		for (let i = 0; i < random64.length; i++) random64[i] = Math.floor(random() * 256);
		return random64;
	}
	// Structure-aware: random tokens glued together.
	return Buffer.from(Array.from({ length: 1 + Math.floor(random() * 30) }, () => TOKENS[Math.floor(random() * TOKENS.length)]).join(''));
}

describe('fuzz', () => {
	it('survives 100k random and mutated packets with bounded memory and exact accounting', () => {
		const random = rng(20261124);
		let emitted = 0;
		const pipeline = new SyslogPipeline(
			{
				maxMessageBytes: 512,
				unparseable: 'emit',
				classify: true,
				includeRaw: true,
				timeZone: 'Europe/Vienna',
				filter: buildMessageFilter({ messagePattern: '^(?!DROPME)' }),
				allowSource: null,
				dedupeWindowMs: 60_000,
				dedupeMaxKeys: 2000,
				ratePerSecond: 0,
				batchSize: 1,
				batchMaxWaitMs: 0,
				maxQueue: 1000,
				maxQueueBytes: 64 * 1024 * 1024,
				maxInFlight: 0,
				attachStats: false,
			},
			(items) => {
				emitted += items.length;
			},
		);
		let framed = 0;
		const decoder = new FrameDecoder(512, (frame) => {
			framed++;
			pipeline.handle(frame.bytes, '127.0.0.1', 1, 'tcp', frame.truncated);
		});
		const before = process.memoryUsage().heapUsed;
		const packets = 100_000;
		let maxBuffered = 0;
		for (let i = 0; i < packets; i++) {
			const packet = mutate(random, corpus[Math.floor(random() * corpus.length)]);
			pipeline.handle(packet, '127.0.0.1', 1, 'udp');
			if (i % 4 === 0) decoder.push(packet);
			if (decoder.bufferedBytes > maxBuffered) maxBuffered = decoder.bufferedBytes;
		}
		decoder.end();
		const stats = pipeline.snapshot();
		expect(stats.received).toBe(packets + framed);
		// Every message is emitted once or dropped for one reason; repeat summaries are extra items.
		expect(stats.received).toBe(stats.emitted - stats.repeatSummaries + stats.dropped.total + stats.queued);
		expect(maxBuffered).toBeLessThanOrEqual(512);
		expect(stats.emitted).toBe(emitted);
		expect(stats.parseErrors).toBeGreaterThan(1000);
		expect(stats.parsed).toBeGreaterThan(10_000);
		// Dedupe keys are bounded, so memory does not grow with the number of distinct messages.
		expect(process.memoryUsage().heapUsed - before).toBeLessThan(200 * 1024 * 1024);
		pipeline.close();
	});
});
