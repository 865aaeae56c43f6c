import { buildMessageFilter, buildSourceAllowList } from '../../../nodes/SyslogTrigger/filters';
import type { SyslogItem } from '../../../nodes/SyslogTrigger/item';
import { SyslogPipeline, type PipelineConfig } from '../../../nodes/SyslogTrigger/pipeline';

const base: PipelineConfig = {
	maxMessageBytes: 8192,
	unparseable: 'emit',
	classify: true,
	includeRaw: true,
	timeZone: 'UTC',
	filter: null,
	allowSource: null,
	dedupeWindowMs: 0,
	dedupeMaxKeys: 1000,
	ratePerSecond: 0,
	batchSize: 1,
	batchMaxWaitMs: 0,
	maxQueue: 1000,
	maxQueueBytes: 64 * 1024 * 1024,
	maxInFlight: 0,
	attachStats: false,
};

function make(overrides: Partial<PipelineConfig> = {}) {
	const batches: SyslogItem[][] = [];
	const pipeline = new SyslogPipeline({ ...base, ...overrides }, (items) => {
		batches.push(items);
	});
	const send = (line: string | Buffer, address = '127.0.0.1', transport: 'udp' | 'tcp' = 'udp') =>
		pipeline.handle(typeof line === 'string' ? Buffer.from(line) : line, address, 40000, transport);
	return { pipeline, batches, send, items: () => batches.flat() };
}

beforeEach(() => jest.useFakeTimers({ now: new Date('2026-03-24T12:05:00Z') }));
afterEach(() => jest.useRealTimers());

describe('SyslogPipeline', () => {
	it('emits a message as the shared event shape plus syslog fields', () => {
		const { send, items, pipeline } = make();
		send('<30>Mar 24 12:04:10 pve1 pvedaemon[669766]: <root@pam> end task UPID:pve1:0017ABAC:026FA8FF:67E12009:qmstart:103:root@pam: OK\n');
		const [item] = items();
		expect(item).toMatchObject({
			source: 'syslog',
			kind: 'message',
			timestamp: '2026-03-24T12:04:10.000Z',
			receivedAt: '2026-03-24T12:05:00.000Z',
			severity: 'info',
			host: 'pve1',
			title: 'guest.start 103 on pve1',
			message: '<root@pam> end task UPID:pve1:0017ABAC:026FA8FF:67E12009:qmstart:103:root@pam: OK',
			event: { type: 'guest.start', vmid: 103, success: true },
			format: 'rfc3164',
			facility: 'daemon',
			facilityCode: 3,
			severityCode: 6,
			hostname: 'pve1',
			appName: 'pvedaemon',
			procId: '669766',
			msgId: null,
			structuredData: null,
			raw: '<30>Mar 24 12:04:10 pve1 pvedaemon[669766]: <root@pam> end task UPID:pve1:0017ABAC:026FA8FF:67E12009:qmstart:103:root@pam: OK',
			sourceAddress: '127.0.0.1',
			sourcePort: 40000,
			transport: 'udp',
			truncated: false,
			invalidUtf8: false,
			parseError: null,
			repeatCount: 1,
			repeated: false,
		});
		expect(item.id).toMatch(/^[0-9a-f]{16}$/);
		expect(pipeline.snapshot()).toMatchObject({ received: 1, parsed: 1, emitted: 1, executions: 1, dropped: { total: 0 } });
		pipeline.close();
	});

	it('emits or drops unparseable input by option, counting it', () => {
		const emitting = make();
		emitting.send(Buffer.from([0xff, 0x00, 0x41]));
		expect(emitting.items()[0]).toMatchObject({ format: 'invalid', invalidUtf8: true, severity: 'notice', parseError: expect.stringMatching(/PRI/) });
		expect(emitting.pipeline.snapshot()).toMatchObject({ parseErrors: 1, invalidUtf8: 1, emitted: 1 });
		const dropping = make({ unparseable: 'drop' });
		dropping.send('garbage');
		expect(dropping.items()).toEqual([]);
		expect(dropping.pipeline.snapshot().dropped).toMatchObject({ unparseable: 1, total: 1 });
	});

	it('truncates oversized messages and flags them', () => {
		const { send, items, pipeline } = make({ maxMessageBytes: 40 });
		send(`<13>Mar 24 12:04:10 h app: ${'x'.repeat(100)}`);
		expect(items()[0]).toMatchObject({ truncated: true, appName: 'app', message: 'x'.repeat(13) });
		expect(pipeline.snapshot().truncated).toBe(1);
	});

	it('drops messages from outside the allow-list and filtered ones, counting each reason', () => {
		const { send, items, pipeline } = make({
			allowSource: buildSourceAllowList('10.0.0.0/8'),
			filter: buildMessageFilter({ minimumSeverity: 'warning' }),
		});
		send('<27>Mar 24 12:04:10 h a: error', '10.0.0.5');
		send('<27>Mar 24 12:04:10 h a: error', '192.0.2.1');
		send('<30>Mar 24 12:04:10 h a: info', '10.0.0.5');
		expect(items().map((item) => item.message)).toEqual(['error']);
		expect(pipeline.snapshot().dropped).toMatchObject({ sourceNotAllowed: 1, filtered: 1, total: 2 });
	});

	it('dedupes identical messages and emits the repeat count when the window ends', () => {
		const { send, items, pipeline } = make({ dedupeWindowMs: 5000 });
		for (let i = 0; i < 5; i++) send('<28>Mar 24 12:04:10 pve1 pvestatd[1]: got timeout');
		send('<28>Mar 24 12:04:10 pve1 pvestatd[1]: other');
		expect(items().map((item) => [item.message, item.repeatCount, item.repeated])).toEqual([
			['got timeout', 1, false],
			['other', 1, false],
		]);
		jest.advanceTimersByTime(5000);
		expect(items()[2]).toMatchObject({ message: 'got timeout', repeatCount: 4, repeated: true });
		expect(pipeline.snapshot().dropped.deduplicated).toBe(4);
		pipeline.close();
	});

	it('counts a repeat summary that meets a full queue apart, keeping the accounting exact', () => {
		const { send, pipeline } = make({ dedupeWindowMs: 1000, batchSize: 100, batchMaxWaitMs: 10_000, maxQueue: 2 });
		for (let i = 0; i < 3; i++) send('<28>Mar 24 12:04:10 pve1 pvestatd[1]: got timeout');
		send('<28>Mar 24 12:04:10 pve1 pvestatd[1]: other');
		jest.advanceTimersByTime(1000);
		const stats = pipeline.snapshot();
		expect(stats).toMatchObject({ received: 4, queued: 2, repeatSummaries: 0, repeatSummariesLost: 1, dropped: { deduplicated: 2, total: 2 } });
		expect(stats.received).toBe(stats.emitted - stats.repeatSummaries + stats.dropped.total + stats.queued);
		pipeline.close();
	});

	it('paces to the rate limit without dropping: the burst waits in the queue', () => {
		const { send, items, pipeline } = make({ ratePerSecond: 5 });
		for (let i = 0; i < 20; i++) send(`<13>Mar 24 12:04:10 h a: ${i}`);
		expect(items()).toHaveLength(5);
		expect(pipeline.snapshot()).toMatchObject({ received: 20, emitted: 5, queued: 15, dropped: { total: 0 } });
		jest.advanceTimersByTime(3000);
		expect(items().map((item) => item.message)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
		expect(pipeline.snapshot()).toMatchObject({ received: 20, emitted: 20, queued: 0, dropped: { total: 0 } });
		pipeline.close();
	});

	it('bounds the queue, shedding the least severe first and counting drops by severity', () => {
		const bounded = make({ batchSize: 100, batchMaxWaitMs: 1000, maxQueue: 10 });
		// 40 info lines fill the queue (30 refused), then 5 errors take the place of the newest infos.
		for (let i = 0; i < 40; i++) bounded.send(`<30>Mar 24 12:04:10 h a: info ${i}`);
		for (let i = 0; i < 5; i++) bounded.send(`<27>Mar 24 12:04:10 h a: error ${i}`);
		expect(bounded.pipeline.snapshot()).toMatchObject({
			queued: 10,
			dropped: { queueFull: 35, total: 35 },
			queueFullBySeverity: { info: 35, error: 0 },
		});
		jest.advanceTimersByTime(1000);
		expect(bounded.batches).toHaveLength(1);
		expect(bounded.batches[0].map((item) => item.message)).toEqual([
			...Array.from({ length: 5 }, (_, i) => `info ${i}`),
			...Array.from({ length: 5 }, (_, i) => `error ${i}`),
		]);
		const stats = bounded.pipeline.snapshot();
		expect(stats.received).toBe(stats.emitted + stats.dropped.total);
		bounded.pipeline.close();
	});

	it('counts a repeat summary shed for a more severe message as lost, keeping the accounting exact', () => {
		const { send, pipeline } = make({ dedupeWindowMs: 1000, batchSize: 100, batchMaxWaitMs: 10_000, maxQueue: 2 });
		for (let i = 0; i < 3; i++) send('<30>Mar 24 12:04:10 pve1 pvestatd[1]: got timeout');
		jest.advanceTimersByTime(1000);
		expect(pipeline.snapshot()).toMatchObject({ queued: 2, repeatSummaries: 1, repeatSummariesLost: 0 });
		send('<27>Mar 24 12:04:10 pve1 pvestatd[1]: failed');
		const stats = pipeline.snapshot();
		expect(stats).toMatchObject({ received: 4, queued: 2, repeatSummaries: 0, repeatSummariesLost: 1, dropped: { deduplicated: 2, queueFull: 0, total: 2 } });
		expect(stats.received).toBe(stats.emitted - stats.repeatSummaries + stats.dropped.total + stats.queued);
		pipeline.close();
	});

	it('under a 100k flood at the default rate and queue, stays bounded and keeps every error line', () => {
		const { send, items, pipeline } = make({ ratePerSecond: 100, maxQueue: 10_000 });
		const errors: string[] = [];
		let peakQueued = 0;
		for (let i = 0; i < 100_000; i++) {
			// One line in a hundred is an error (PRI 27 = daemon.err) or worse (PRI 24 = daemon.emerg); the rest info and debug.
			if (i % 100 === 50) {
				const line = `${i % 200 === 50 ? '<27>' : '<24>'}Mar 24 12:04:10 pve1 pvedaemon[1]: failure ${i}`;
				errors.push(`failure ${i}`);
				send(line);
			} else {
				send(`${i % 2 ? '<30>' : '<31>'}Mar 24 12:04:10 pve1 pvestatd[1]: status ${i}`);
			}
			peakQueued = Math.max(peakQueued, pipeline.snapshot().queued);
		}
		expect(peakQueued).toBe(10_000);
		const flooded = pipeline.snapshot();
		expect(flooded.queueFullBySeverity).toMatchObject({ emergency: 0, alert: 0, critical: 0, error: 0, warning: 0, notice: 0 });
		expect(flooded.dropped.queueFull).toBe(flooded.queueFullBySeverity.info + flooded.queueFullBySeverity.debug);
		// The queue drains at 100 per second.
		jest.advanceTimersByTime(101_000);
		const emitted = items().map((item) => item.message);
		const kept = new Set(emitted);
		expect(errors.filter((message) => !kept.has(message))).toEqual([]);
		const stats = pipeline.snapshot();
		expect(stats).toMatchObject({ received: 100_000, queued: 0 });
		expect(stats.received).toBe(stats.emitted + stats.dropped.total);
		expect(stats.dropped.total).toBe(stats.dropped.queueFull);
		// Arrival order is kept among what was emitted.
		const index = (message: string) => Number(message.replace(/\D+/g, ''));
		expect(emitted.map(index)).toEqual([...emitted.map(index)].sort((a, b) => a - b));
		pipeline.close();
	});

	it('attaches counters to each emitted item on request', () => {
		const { send, items } = make({ attachStats: true });
		send('<13>Mar 24 12:04:10 h a: one');
		send('<13>Mar 24 12:04:10 h a: two');
		expect(items()[1].stats).toMatchObject({ received: 2, emitted: 2, executions: 2 });
	});
});
