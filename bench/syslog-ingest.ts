/**
 * Syslog ingest on loopback: a separate sender process bursts 100k messages over UDP (and TCP) at
 * the trigger's listener and pipeline (as built into dist/); prints sent vs received vs emitted,
 * drops by reason, the receive rate and peak memory during the burst.
 * Run from the repository root after `npm run build`.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { PipelineConfig, SyslogPipeline as PipelineClass } from '../nodes/SyslogTrigger/pipeline';
import type { ListenOptions, SyslogServer as ServerClass } from '../nodes/SyslogTrigger/server';

const ROOT = process.cwd();
/* eslint-disable @typescript-eslint/no-require-imports */
const { SyslogPipeline } = require(join(ROOT, 'dist/nodes/SyslogTrigger/pipeline')) as { SyslogPipeline: typeof PipelineClass };
const { SyslogServer } = require(join(ROOT, 'dist/nodes/SyslogTrigger/server')) as { SyslogServer: typeof ServerClass };
/* eslint-enable @typescript-eslint/no-require-imports */

const MESSAGES = Number(process.env.SYSLOG_BENCH_MESSAGES ?? 100_000);

/** Runs in the child: sends `count` messages, pausing on the socket's callbacks so it never floods its own buffer. */
const SENDER = `
const [transport, port, count, rate, size] = process.argv.slice(1);
const perSecond = Number(rate);
const padding = Number(size) > 0 ? ' ' + 'x'.repeat(Number(size)) : '';
const lines = [
	'<30>Mar 24 12:04:10 pve1 pvedaemon[669766]: <root@pam> end task UPID:pve1:0017ABAC:026FA8FF:67E12009:qmstart:103:root@pam: OK',
	'<29>Oct 17 06:32:49 pve1 corosync[3050]:   [KNET  ] link: host: 2 link: 1 is down',
	'<13>1 2026-11-24T13:27:58.108318+00:00 vm myapp - - [timeQuality tzKnown="1" isSynced="0"] hello 5424 default',
	'<28>Nov 24 13:28:06 pve1 pvestatd[1400]: storage \\'nfs\\' is not online',
];
const message = (i) => (lines[i % lines.length] + ' #' + i + padding).slice(0, Math.max(Number(size), 200));
const started = process.hrtime.bigint();
const done = () => process.stdout.write(JSON.stringify({ sent: Number(count), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
if (transport === 'udp') {
	const socket = require('node:dgram').createSocket('udp4');
	let i = 0;
	const burst = () => {
		let pending = 0;
		for (let n = 0; n < 32 && i < Number(count); n++, i++) {
			pending++;
			socket.send(message(i), Number(port), '127.0.0.1', () => { if (--pending === 0) next(); });
		}
	};
	const next = () => {
		if (i >= Number(count)) return socket.close(done);
		if (!perSecond) return setImmediate(burst);
		// Paced: wait until the schedule for message i is due.
		const dueMs = (i / perSecond) * 1000 - Number(process.hrtime.bigint() - started) / 1e6;
		dueMs > 1 ? setTimeout(burst, dueMs) : setImmediate(burst);
	};
	burst();
} else {
	const socket = require('node:net').connect(Number(port), '127.0.0.1', () => {
		let i = 0;
		const write = () => {
			while (i < Number(count)) {
				const text = message(i++);
				if (!socket.write(Buffer.byteLength(text) + ' ' + text)) return socket.once('drain', write);
			}
			socket.end(done);
		};
		write();
	});
}
`;

interface SenderRun {
	done: Promise<{ sent: number; ms: number }>;
	kill(): void;
}

function sender(transport: 'udp' | 'tcp', port: number, count: number, perSecond: number, size: number): SenderRun {
	const child = spawn(process.execPath, ['-e', SENDER, transport, String(port), String(count), String(perSecond), String(size)], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	let out = '';
	child.stdout.on('data', (chunk) => (out += chunk));
	const done = new Promise<{ sent: number; ms: number }>((resolve, reject) =>
		child.on('exit', (code, signal) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`sender exited ${code ?? signal}`)))),
	);
	return { done, kill: () => child.kill() };
}

async function freePort(): Promise<number> {
	return await new Promise((resolve) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

const baseConfig: PipelineConfig = {
	maxMessageBytes: 8192,
	unparseable: 'emit',
	classify: true,
	includeRaw: true,
	timeZone: 'UTC',
	filter: null,
	allowSource: null,
	dedupeWindowMs: 0,
	dedupeMaxKeys: 10000,
	ratePerSecond: 0,
	batchSize: 1,
	batchMaxWaitMs: 0,
	maxQueue: 10000,
	maxQueueBytes: 64 * 1024 * 1024,
	maxInFlight: 0,
	attachStats: false,
};

interface Load {
	perSecond?: number;
	/** Bytes per message (0 = the short sample lines). */
	size?: number;
	count?: number;
	/** Executions never finish, as when n8n is stalled: the queue must stay bounded. */
	stalled?: boolean;
}

async function scenario(title: string, transport: 'udp' | 'tcp', overrides: Partial<PipelineConfig>, load: Load = {}) {
	global.gc?.();
	const port = await freePort();
	let executions = 0;
	const pipeline = new SyslogPipeline({ ...baseConfig, ...overrides }, () => {
		executions++;
		return load.stalled ? new Promise<void>(() => undefined) : undefined;
	});
	const listen: ListenOptions = {
		udp: transport === 'udp',
		tcp: transport === 'tcp',
		host: '127.0.0.1',
		port,
		tls: null,
		maxConnections: 10,
		idleTimeoutMs: 0,
		maxMessageBytes: baseConfig.maxMessageBytes,
		udpReceiveBufferBytes: 4 * 1024 * 1024,
	};
	const server = new SyslogServer(listen, pipeline);
	await server.start();
	const rssBefore = process.memoryUsage().rss;
	let peakRss = rssBefore;
	let peakHeap = 0;
	const sampler = setInterval(() => {
		const usage = process.memoryUsage();
		peakRss = Math.max(peakRss, usage.rss);
		peakHeap = Math.max(peakHeap, usage.heapUsed);
	}, 10);
	const firstReceived = process.hrtime.bigint();
	const run = sender(transport, port, load.count ?? MESSAGES, load.perSecond ?? 0, load.size ?? 0);
	// A TCP sender facing backpressure blocks for good while n8n is stalled: stop it after 5 s.
	const blocked = new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000).unref());
	const finished = await Promise.race([run.done, load.stalled ? blocked : new Promise<never>(() => undefined)]);
	if (!finished) {
		run.kill();
		await run.done.catch(() => undefined);
	}
	const sent = finished ?? { sent: Number.NaN, ms: Number.NaN };
	// Settled when nothing more arrives for 300 ms.
	let last = -1;
	while (pipeline.stats.received !== last) {
		last = pipeline.stats.received;
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
	const seconds = Number(process.hrtime.bigint() - firstReceived) / 1e9 - 0.3;
	clearInterval(sampler);
	const stats = pipeline.snapshot();
	await server.close();
	pipeline.close();
	const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
	const dropped = Object.entries(stats.dropped)
		.filter(([reason, count]) => reason !== 'total' && count > 0)
		.map(([reason, count]) => `${reason} ${count}`)
		.join(', ');
	console.log(`\n${title}`);
	console.log(
		`  ${Number.isNaN(sent.sent) ? 'sender still blocked by backpressure after 5 s (stopped)' : `sent ${sent.sent} in ${(sent.ms / 1000).toFixed(2)} s`} | received ${stats.received}${Number.isNaN(sent.sent) ? '' : ` (${sent.sent - stats.received} lost before the socket)`} | emitted ${stats.emitted} in ${executions} executions | dropped ${stats.dropped.total}${dropped ? ` (${dropped})` : ''}`,
	);
	console.log(
		`  receive rate ${Math.round(stats.received / seconds)} msg/s | peak RSS ${mib(peakRss)} MiB (+${mib(peakRss - rssBefore)} during the burst), peak heap ${mib(peakHeap)} MiB | accounting ${stats.received === stats.emitted + stats.dropped.total + stats.queued ? 'exact' : 'MISMATCH'}`,
	);
}

async function main() {
	console.log(`\nSyslog ingest bench: ${MESSAGES} messages per scenario, sender in a separate process, loopback (Node ${process.version})`);
	await scenario('UDP burst (unpaced), one execution per message, no rate limit', 'udp', {});
	await scenario('UDP paced at 20000 msg/s, one execution per message, no rate limit', 'udp', {}, { perSecond: 20_000 });
	await scenario('UDP burst, batches of 100 (max wait 2 s), no rate limit', 'udp', { batchSize: 100, batchMaxWaitMs: 2000 });
	await scenario('UDP burst, default flood protection (100 msg/s, queue 10000)', 'udp', { ratePerSecond: 100 });
	await scenario('TCP octet-counted, one connection, batches of 100', 'tcp', { batchSize: 100, batchMaxWaitMs: 2000 });
	await scenario('UDP, 20000 messages of 8 KiB, n8n stalled (1 execution that never ends)', 'udp', { maxInFlight: 1 }, { size: 8192, count: 20_000, perSecond: 10_000, stalled: true });
	await scenario('TCP, 20000 messages of 8 KiB, n8n stalled: backpressure', 'tcp', { maxInFlight: 1 }, { size: 8192, count: 20_000, stalled: true });
}

void main();
