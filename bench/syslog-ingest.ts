/**
 * Syslog ingest on loopback: a separate sender process bursts 100k messages over UDP (and TCP) at
 * the trigger's listener and pipeline (as built into dist/); prints sent vs received (the loss
 * before the socket, in the kernel's buffer) vs emitted, drops by reason and by severity, the
 * receive and emit rates, the UDP receive buffer the kernel granted, and peak memory.
 * Run from the repository root after `npm run build`. The 4 MiB buffer needs
 * `sysctl -w net.core.rmem_max=4194304`; below that the bench says what it got.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
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
/** Runs only the scenarios whose title contains this text (e.g. `SYSLOG_BENCH_ONLY="4 MiB"`). */
const ONLY = process.env.SYSLOG_BENCH_ONLY ?? '';

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
// One message in a hundred is an error (what must survive a flood).
const error = '<27>Mar 24 12:04:10 pve1 pvedaemon[1122]: authentication failure; rhost=::ffff:192.0.2.55 user=root@pam msg=invalid credentials';
const message = (i) => ((i % 100 === 99 ? error : lines[i % lines.length]) + ' #' + i + padding).slice(0, Math.max(Number(size), 200));
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
	/** UDP receive buffer asked of the kernel (default: the trigger's 4 MiB). */
	receiveBuffer?: number;
	/** Wait until the queue has drained (paced scenarios), not only until nothing more arrives. */
	drain?: boolean;
}

const TRIGGER_RECEIVE_BUFFER = 4 * 1024 * 1024;

function readProcNumber(path: string): number | null {
	try {
		return Number(readFileSync(path, 'utf8').trim());
	} catch {
		return null;
	}
}

async function scenario(title: string, transport: 'udp' | 'tcp', overrides: Partial<PipelineConfig>, load: Load = {}) {
	if (!title.includes(ONLY)) return;
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
		udpReceiveBufferBytes: load.receiveBuffer ?? TRIGGER_RECEIVE_BUFFER,
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
	if (load.drain) while (pipeline.snapshot().queued > 0) await new Promise((resolve) => setTimeout(resolve, 50));
	const drainedSeconds = Number(process.hrtime.bigint() - firstReceived) / 1e9;
	clearInterval(sampler);
	const stats = pipeline.snapshot();
	await server.close();
	pipeline.close();
	const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
	const nonZero = (counts: Record<string, number>) =>
		Object.entries(counts)
			.filter(([reason, count]) => reason !== 'total' && count > 0)
			.map(([reason, count]) => `${reason} ${count}`)
			.join(', ');
	const dropped = nonZero(stats.dropped);
	const shed = nonZero(stats.queueFullBySeverity);
	const lostBeforeSocket = sent.sent - stats.received;
	console.log(`\n${title}`);
	console.log(
		`  ${Number.isNaN(sent.sent) ? 'sender still blocked by backpressure after 5 s (stopped)' : `sent ${sent.sent} in ${(sent.ms / 1000).toFixed(2)} s`} | received ${stats.received}${Number.isNaN(sent.sent) ? '' : ` | lost before the socket ${lostBeforeSocket} (${((100 * lostBeforeSocket) / sent.sent).toFixed(2)} %)`}`,
	);
	console.log(
		`  emitted ${stats.emitted} in ${executions} executions | queued ${stats.queued} | dropped ${stats.dropped.total}${dropped ? ` (${dropped}; by severity: ${shed || 'none'})` : ''}`,
	);
	const udp = stats.udp ? ` | UDP receive buffer asked ${stats.udp.requestedReceiveBufferBytes}, granted ${stats.udp.receiveBufferBytes} (rmem_max ${stats.udp.kernelMaxBytes})` : '';
	console.log(
		`  receive rate ${Math.round(stats.received / seconds)} msg/s | emit rate ${Math.round(stats.emitted / (load.drain ? drainedSeconds : seconds))} msg/s${udp}`,
	);
	console.log(
		`  peak RSS ${mib(peakRss)} MiB (+${mib(peakRss - rssBefore)} during the burst), peak heap ${mib(peakHeap)} MiB | accounting ${stats.received === stats.emitted + stats.dropped.total + stats.queued ? 'exact' : 'MISMATCH'}`,
	);
}

/** Baseline in the same run: a bare Node UDP socket that only counts, with the same buffer, same sender. */
async function bareReceiver(receiveBuffer: number) {
	const title = `UDP baseline: a bare socket that only counts (${receiveBuffer} asked), same sender`;
	if (!title.includes(ONLY)) return;
	const port = await freePort();
	let received = 0;
	const socket = createSocket('udp4', () => received++);
	await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve));
	socket.setRecvBufferSize(receiveBuffer);
	const run = sender('udp', port, MESSAGES, 0, 0);
	const sent = await run.done;
	let last = -1;
	while (received !== last) {
		last = received;
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
	socket.close();
	console.log(`\n${title}`);
	console.log(`  sent ${sent.sent} in ${(sent.ms / 1000).toFixed(2)} s | received ${received} | lost before the socket ${sent.sent - received} (${((100 * (sent.sent - received)) / sent.sent).toFixed(2)} %)`);
}

async function main() {
	console.log(`\nSyslog ingest bench: ${MESSAGES} messages per scenario, sender in a separate process, loopback (Node ${process.version})`);
	const rmemDefault = readProcNumber('/proc/sys/net/core/rmem_default');
	const rmemMax = readProcNumber('/proc/sys/net/core/rmem_max');
	console.log(`net.core.rmem_default ${rmemDefault}, net.core.rmem_max ${rmemMax}${rmemMax !== null && rmemMax < TRIGGER_RECEIVE_BUFFER ? ' (below 4 MiB: the 4 MiB scenario gets rmem_max)' : ''}`);
	await scenario('Issue 17 burst at default settings: 401 lines over UDP, rate limit 100 msg/s, queue 10000', 'udp', { ratePerSecond: 100 }, { count: 401, drain: true });
	// What the trigger gets where net.core.rmem_max is left at the usual 212992: it asks for that.
	await scenario('UDP burst (unpaced), receive buffer capped by a default rmem_max (212992 asked), no rate limit', 'udp', {}, { receiveBuffer: 212_992 });
	await scenario('UDP burst (unpaced), 4 MiB receive buffer asked, one execution per message, no rate limit', 'udp', {});
	await bareReceiver(TRIGGER_RECEIVE_BUFFER);
	await scenario('UDP paced at 20000 msg/s, one execution per message, no rate limit', 'udp', {}, { perSecond: 20_000 });
	await scenario('UDP burst, batches of 100 (max wait 2 s), no rate limit', 'udp', { batchSize: 100, batchMaxWaitMs: 2000 });
	await scenario('UDP burst, default flood protection (100 msg/s paced, queue 10000; 1 % errors)', 'udp', { ratePerSecond: 100 });
	await scenario('TCP octet-counted, one connection, batches of 100', 'tcp', { batchSize: 100, batchMaxWaitMs: 2000 });
	await scenario('UDP, 20000 messages of 8 KiB, n8n stalled (1 execution that never ends)', 'udp', { maxInFlight: 1 }, { size: 8192, count: 20_000, perSecond: 10_000, stalled: true });
	await scenario('TCP, 20000 messages of 8 KiB, n8n stalled: backpressure', 'tcp', { maxInFlight: 1 }, { size: 8192, count: 20_000, stalled: true });
}

void main();
