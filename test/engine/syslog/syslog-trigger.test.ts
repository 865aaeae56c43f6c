import { createSocket } from 'node:dgram';
import { connect as connectTcp, createServer, type Server } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { networkInterfaces } from 'node:os';
import { generate } from 'selfsigned';
import type { SyslogStatsSnapshot } from '../../../nodes/SyslogTrigger/stats';
import { startTrigger, testCredential, type TriggerHandle } from '../../helpers/engine';
import { delay, emittedItems, freePort, logger } from './helpers';

const TYPE = 'syslogTrigger';
const quiet = { rateLimit: 0 };

let handle: TriggerHandle | undefined;
afterEach(async () => {
	await handle?.close();
	handle = undefined;
});

/** The first periodic statistics item whose counters satisfy `check` (reports come every second). */
async function statsItemWhere(trigger: TriggerHandle, check: (stats: SyslogStatsSnapshot) => boolean, timeoutMs = 20_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const found = emittedItems(trigger.emitted).find((item) => item.kind === 'stats' && check(item.stats as SyslogStatsSnapshot));
		if (found) return found;
		if (Date.now() > deadline) throw new Error(`No statistics item matched within ${timeoutMs} ms: ${JSON.stringify(emittedItems(trigger.emitted).filter((item) => item.kind === 'stats').map((item) => item.stats))}`);
		await delay(50);
	}
}

async function listen(parameters: Record<string, unknown>, credentials?: Record<string, Record<string, string>>, executions?: 'finish' | 'hold') {
	const port = await freePort();
	handle = await startTrigger(TYPE, { host: '127.0.0.1', port, ...parameters } as never, { credentials, executions });
	return { port, trigger: handle };
}

describe('Syslog Trigger with util-linux logger', () => {
	it('receives UDP in RFC 5424 and RFC 3164, each message exactly once with the right fields', async () => {
		const { port, trigger } = await listen({ protocol: 'udp', options: quiet });
		const target = ['-n', '127.0.0.1', '-P', String(port), '-d'];
		await logger([...target, '-t', 'myapp', 'hello 5424 default']);
		await logger([...target, '--rfc3164', '-i', '-t', 'myapp', '-p', 'daemon.err', 'hello 3164']);
		await logger([...target, '-t', 'myapp', '--msgid', 'ID47', '--sd-id', 'exampleSDID@32473', '--sd-param', 'iut="3"', '-p', 'local0.err', 'with sd']);
		await logger([...target, '-t', 't4', '\u00fcn\u00efc\u00f6d\u00e9 \u2713']);
		await trigger.waitForEmit(4);
		await delay(200);
		const items = emittedItems(trigger.emitted);
		expect(items).toHaveLength(4);
		const byMessage = Object.fromEntries(items.map((item) => [item.message, item]));
		expect(byMessage['hello 5424 default']).toMatchObject({
			source: 'syslog',
			format: 'rfc5424',
			facility: 'user',
			facilityCode: 1,
			severity: 'notice',
			severityCode: 5,
			appName: 'myapp',
			procId: null,
			msgId: null,
			structuredData: { timeQuality: { tzKnown: '1' } },
			transport: 'udp',
			sourceAddress: '127.0.0.1',
			event: null,
		});
		expect(byMessage['hello 3164']).toMatchObject({ format: 'rfc3164', facility: 'daemon', severity: 'error', appName: 'myapp', procId: expect.stringMatching(/^\d+$/) });
		expect(byMessage['with sd']).toMatchObject({ msgId: 'ID47', facility: 'local0', structuredData: { 'exampleSDID@32473': { iut: '3' } } });
		expect(byMessage['\u00fcn\u00efc\u00f6d\u00e9 \u2713']).toMatchObject({ appName: 't4', invalidUtf8: false });
		for (const item of items) {
			expect(Date.parse(item.timestamp as string)).toBeGreaterThan(Date.now() - 60_000);
			expect(item.hostname).toBeTruthy();
			expect(typeof item.sourcePort).toBe('number');
		}
	});

	it('receives TCP with LF framing and octet counting, split per line from stdin', async () => {
		const { port, trigger } = await listen({ protocol: 'tcp', options: quiet });
		const target = ['-n', '127.0.0.1', '-P', String(port), '-T'];
		await logger([...target, '-t', 'lf', 'tcp lf framing']);
		await logger([...target, '--octet-count', '-t', 'oc', 'tcp octet']);
		await logger([...target, '--rfc3164', '-t', 'bsd', 'tcp 3164']);
		await logger([...target, '--octet-count', '--rfc3164', '-t', 't2'], 'line1\nline2\nline3 with  spaces\n');
		await trigger.waitForEmit(6);
		await delay(200);
		const items = emittedItems(trigger.emitted);
		expect(items.map((item) => [item.appName, item.message, item.transport])).toEqual([
			['lf', 'tcp lf framing', 'tcp'],
			['oc', 'tcp octet', 'tcp'],
			['bsd', 'tcp 3164', 'tcp'],
			['t2', 'line1', 'tcp'],
			['t2', 'line2', 'tcp'],
			['t2', 'line3 with  spaces', 'tcp'],
		]);
	});

	it('listens on UDP and TCP on the same port', async () => {
		const { port, trigger } = await listen({ protocol: 'udpAndTcp', options: quiet });
		await logger(['-n', '127.0.0.1', '-P', String(port), '-d', 'over udp']);
		await logger(['-n', '127.0.0.1', '-P', String(port), '-T', 'over tcp']);
		await trigger.waitForEmit(2);
		expect(emittedItems(trigger.emitted).map((item) => [item.message, item.transport]).sort()).toEqual([
			['over tcp', 'tcp'],
			['over udp', 'udp'],
		]);
	});

	it('batches by count and by wait time', async () => {
		const { port, trigger } = await listen({ protocol: 'tcp', output: 'batch', batchSize: 5, batchMaxWait: 0.3, options: quiet });
		// All twelve frames in one write, so they arrive together however busy the machine is: two
		// full batches at once, the last two when the wait ends (logger writes per line, and a pause
		// between its writes longer than the wait would split a batch).
		const frames = Array.from({ length: 12 }, (_, i) => {
			const text = `<13>1 2026-11-24T13:27:58Z h b - - - batched ${i}`;
			return `${Buffer.byteLength(text)} ${text}`;
		}).join('');
		const socket = connectTcp(port, '127.0.0.1');
		socket.end(frames);
		await trigger.waitForEmit(3);
		expect(trigger.emitted.map((output) => output[0].length)).toEqual([5, 5, 2]);
		expect(emittedItems(trigger.emitted).map((item) => item.message)).toEqual(Array.from({ length: 12 }, (_, i) => `batched ${i}`));
	});

	it('classifies a Proxmox line sent by logger', async () => {
		const { port, trigger } = await listen({ protocol: 'udp', options: quiet });
		await logger(
			['-n', '127.0.0.1', '-P', String(port), '-d', '--rfc3164', '-t', 'pvedaemon', '-p', 'daemon.notice'],
			'authentication failure; rhost=::ffff:192.0.2.55 user=root@pam msg=invalid credentials\n',
		);
		await trigger.waitForEmit(1);
		expect(emittedItems(trigger.emitted)[0]).toMatchObject({
			appName: 'pvedaemon',
			event: { type: 'auth.failed', user: 'root@pam', sourceIp: '192.0.2.55' },
			title: expect.stringContaining('auth.failed'),
		});
	});

	it('at default settings, a burst of 401 lines (UDP, octet-counted TCP, then an auth failure) arrives whole (issue 17)', async () => {
		// The exact burst of issue 17: 200 RFC 5424 lines over UDP and 200 octet-counted over TCP, as
		// fast as logger sends them, then one RFC 3164 pvedaemon authentication failure. Nothing but
		// the address is set: the default rate limit (100/s) paces the executions, it must not drop.
		const { port, trigger } = await listen({});
		const target = ['-n', '127.0.0.1', '-P', String(port)];
		const lines = (prefix: string) => Array.from({ length: 200 }, (_, i) => `${prefix} ${i}\n`).join('');
		await Promise.all([
			logger([...target, '-d', '-t', 'burst'], lines('udp line')),
			logger([...target, '-T', '--octet-count', '-t', 'burst'], lines('tcp line')),
		]);
		await logger(
			[...target, '-d', '--rfc3164', '-t', 'pvedaemon', '-p', 'authpriv.notice'],
			'authentication failure; rhost=::ffff:192.0.2.55 user=root@pam msg=invalid credentials\n',
		);
		await trigger.waitForEmit(401, 50_000);
		const items = emittedItems(trigger.emitted);
		expect(items).toHaveLength(401);
		const messages = items.map((item) => item.message as string);
		expect(new Set(messages).size).toBe(401);
		for (let i = 0; i < 200; i++) {
			expect(messages).toContain(`udp line ${i}`);
			expect(messages).toContain(`tcp line ${i}`);
		}
		const failure = items.find((item) => item.appName === 'pvedaemon');
		expect(failure).toMatchObject({ format: 'rfc3164', event: { type: 'auth.failed', user: 'root@pam', sourceIp: '192.0.2.55' } });
	}, 60_000);

	it('filters, drops senders outside the allow-list and reports counters periodically', async () => {
		const { port, trigger } = await listen({
			protocol: 'udp',
			filters: { minimumSeverity: 'warning' },
			options: { ...quiet, statistics: 'periodic', statisticsInterval: 1 },
		});
		await logger(['-n', '127.0.0.1', '-P', String(port), '-d', '-p', 'user.info', 'too low']);
		await logger(['-n', '127.0.0.1', '-P', String(port), '-d', '-p', 'user.err', 'passes']);
		// A report may come before both lines are in (logger starts slowly on a busy machine): wait for one that counts both.
		const report = await statsItemWhere(trigger, (stats) => stats.received === 2);
		const items = emittedItems(trigger.emitted);
		expect(items.filter((item) => item.kind === 'message')).toEqual([expect.objectContaining({ message: 'passes' })]);
		expect(report).toMatchObject({ kind: 'stats', source: 'syslog', stats: { received: 2, emitted: 1, dropped: { filtered: 1, total: 1 } } });
		await handle!.close();

		const blocked = await listen({ protocol: 'udpAndTcp', filters: { allowedSources: '10.0.0.0/8' }, options: { ...quiet, statistics: 'periodic', statisticsInterval: 1 } });
		await logger(['-n', '127.0.0.1', '-P', String(blocked.port), '-d', 'not allowed']);
		await expect(logger(['-n', '127.0.0.1', '-P', String(blocked.port), '-T', 'not allowed'])).resolves.toBeUndefined();
		const blockedReport = await statsItemWhere(blocked.trigger, (stats) => stats.dropped.sourceNotAllowed === 2);
		expect(blockedReport).toMatchObject({ kind: 'stats', stats: { emitted: 0, dropped: { sourceNotAllowed: 2 }, tcp: { rejected: 1 } } });
		expect(emittedItems(blocked.trigger.emitted).filter((item) => item.kind === 'message')).toEqual([]);
	});

	it('stops reading TCP while the queue is full instead of dropping (backpressure)', async () => {
		// The harness holds the executions (never finished), so with one allowed at a time the queue fills.
		const { port, trigger } = await listen(
			{
				protocol: 'tcp',
				options: { ...quiet, maxConcurrentExecutions: 1, queueSize: 100, statistics: 'periodic', statisticsInterval: 1 },
			},
			undefined,
			'hold',
		);
		const socket = connectTcp(port, '127.0.0.1');
		const frames = Array.from({ length: 5000 }, (_, i) => {
			const text = `<13>1 - h flood - - - message ${i}`;
			return `${Buffer.byteLength(text)} ${text}`;
		}).join('');
		socket.write(frames);
		// Wait for a report made once the queue reached three quarters (where reading stops).
		const stats = (await statsItemWhere(trigger, (snapshot) => snapshot.queued >= 75)).stats as SyslogStatsSnapshot;
		expect(stats.emitted).toBe(1);
		expect(stats.dropped.total).toBe(0);
		expect(stats.queued).toBeLessThanOrEqual(100);
		expect(stats.received).toBe(stats.emitted + stats.queued);
		expect(stats.tcp.open).toBe(1);
		socket.destroy();
	});

	it('limits TCP connections and closes idle ones', async () => {
		const { port, trigger } = await listen({
			protocol: 'tcp',
			options: { ...quiet, maxConnections: 1, idleTimeout: 2, statistics: 'item' },
		});
		const first = connectTcp(port, '127.0.0.1');
		await new Promise((resolve) => first.once('connect', resolve));
		const firstClosed = new Promise((resolve) => first.once('close', resolve));
		first.write('<13>1 - h first - - - hello\n');
		// Empty lines (no message) keep the first connection from going idle until the second one was refused.
		const keepBusy = setInterval(() => first.write('\n'), 100);
		try {
			await trigger.waitForEmit(1);
			const second = connectTcp(port, '127.0.0.1');
			second.on('error', () => undefined);
			await new Promise((resolve) => second.once('close', resolve));
		} finally {
			clearInterval(keepBusy);
		}
		// The first connection, now silent, is closed by the idle timeout.
		await firstClosed;
		const third = connectTcp(port, '127.0.0.1');
		third.end('<13>1 - h third - - - after idle close\n');
		await trigger.waitForEmit(2);
		const items = emittedItems(trigger.emitted);
		expect(items.map((item) => item.appName)).toEqual(['first', 'third']);
		expect(items[1].stats).toMatchObject({ tcp: { rejected: 1, idleClosed: 1, accepted: 2 } });
	});

	it('survives binary junk and invalid UTF-8 on both transports, emitting it with a parse error', async () => {
		const { port, trigger } = await listen({ protocol: 'udpAndTcp', options: { ...quiet, statistics: 'item' } });
		const junk = Buffer.from([0xff, 0xfe, 0x00, 0x3c, 0x39, 0x39, 0x39, 0x3e, 0xc3, 0x28, 0x0a, 0x80]);
		const udp = createSocket('udp4');
		await new Promise<void>((resolve, reject) => udp.send(junk, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
		udp.close();
		const tcp = connectTcp(port, '127.0.0.1');
		tcp.end(Buffer.concat([junk, Buffer.from('\n<13>1 - h after-junk - - - still fine\n')]));
		await trigger.waitForEmit(4);
		await delay(200);
		const items = emittedItems(trigger.emitted);
		const fine = items.filter((item) => item.appName === 'after-junk');
		expect(fine).toHaveLength(1);
		expect(fine[0]).toMatchObject({ message: 'still fine', transport: 'tcp', parseError: null });
		const broken = items.filter((item) => item.parseError !== null);
		expect(broken.length).toBeGreaterThanOrEqual(2);
		for (const item of broken) expect(item).toMatchObject({ format: 'invalid', severity: 'notice', parseError: expect.any(String) });
		expect(broken.some((item) => item.invalidUtf8 === true && item.transport === 'udp')).toBe(true);
		expect(JSON.stringify(items)).not.toContain('\\u0000');
	});

	it('flags oversized messages as truncated', async () => {
		const { port, trigger } = await listen({ protocol: 'tcp', options: { ...quiet, maxMessageBytes: 512 } });
		const long = 'x'.repeat(3000);
		const socket = connectTcp(port, '127.0.0.1');
		socket.end(`<13>Nov 24 13:28:06 vm big: ${long}\n<13>Nov 24 13:28:06 vm small: ok\n`);
		await trigger.waitForEmit(2);
		const items = emittedItems(trigger.emitted);
		expect(items[0]).toMatchObject({ appName: 'big', truncated: true });
		expect((items[0].raw as string).length).toBe(512);
		expect(items[1]).toMatchObject({ appName: 'small', message: 'ok', truncated: false });
	});
});

describe('Syslog Trigger lifecycle', () => {
	it('fails activation with a clear message when the port is in use', async () => {
		const port = await freePort();
		const blocker: Server = createServer();
		await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
		try {
			await expect(startTrigger(TYPE, { host: '127.0.0.1', port, protocol: 'tcp' })).rejects.toThrow(/already in use/);
		} finally {
			await new Promise((resolve) => blocker.close(resolve));
		}
	});

	it.each([
		[{ filters: { messagePattern: '(' } }, /Message Pattern: invalid regular expression/],
		[{ filters: { hostnames: '/[/' } }, /Hostnames: invalid regular expression/],
		[{ filters: { allowedSources: '10.0.0.0/33' } }, /Allowed Sources: "10\.0\.0\.0\/33" is not an IP address or CIDR range/],
		[{ options: { timezone: 'Mars/Olympus' } }, /Unknown timezone "Mars\/Olympus"/],
	])('fails activation on invalid settings %j', async (parameters, message) => {
		const port = await freePort();
		await expect(startTrigger(TYPE, { host: '127.0.0.1', port, protocol: 'udp', ...parameters } as never)).rejects.toThrow(message);
	});

	it('closes every socket and connection at once on deactivation', async () => {
		const { port, trigger } = await listen({ protocol: 'udpAndTcp', options: quiet });
		const client = connectTcp(port, '127.0.0.1');
		await new Promise((resolve) => client.once('connect', resolve));
		client.write('<13>Nov 24 13:28:06 vm a: before close\n');
		await trigger.waitForEmit(1);
		const closed = new Promise((resolve) => client.once('close', resolve));
		// The client never ends its connection and the idle timeout is 300 s: closing must not wait for it.
		await trigger.close();
		handle = undefined;
		await closed;
		// Both ports are free again.
		const again = await startTrigger(TYPE, { host: '127.0.0.1', port, protocol: 'udpAndTcp' });
		await again.close();
	});

	it('waits for the first message in "Test step" (manual) mode', async () => {
		const port = await freePort();
		handle = await startTrigger(TYPE, { host: '127.0.0.1', port, protocol: 'udp' }, { mode: 'manual' });
		const manual = handle.manualTriggerFunction!();
		let finished = false;
		void manual.then(() => (finished = true));
		await delay(300);
		expect(finished).toBe(false);
		await logger(['-n', '127.0.0.1', '-P', String(port), '-d', 'first test message']);
		await manual;
		expect(emittedItems(handle.emitted)[0]).toMatchObject({ message: 'first test message' });
	});

	it('receives syslog over TLS with the certificate from the credential', async () => {
		const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
			keySize: 2048,
			extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
		});
		const { port, trigger } = await listen(
			{ protocol: 'tcp', tls: true, options: quiet },
			{ proxmoxMcpSyslogTlsApi: { certificate: pems.cert, privateKey: pems.private, passphrase: '', clientCa: '' } },
		);
		const message = '<30>1 2026-03-24T12:04:10+00:00 pve1 pvedaemon 669766 - - <root@pam> end task UPID:pve1:0017ABAC:026FA8FF:67E12009:qmstart:103:root@pam: OK';
		const socket = connectTls({ host: '127.0.0.1', port, ca: pems.cert });
		await new Promise((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
		socket.end(`${Buffer.byteLength(message)} ${message}`);
		await trigger.waitForEmit(1);
		expect(emittedItems(trigger.emitted)[0]).toMatchObject({ transport: 'tls', event: { type: 'guest.start', vmid: 103 } });
	});

	it('requires a client certificate signed by the client CA when one is set (mutual TLS)', async () => {
		const sha256 = { keySize: 2048, algorithm: 'sha256' };
		const ca = await generate([{ name: 'commonName', value: 'Test CA' }], {
			...sha256,
			extensions: [
				{ name: 'basicConstraints', cA: true, critical: true },
				{ name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
			],
		});
		const signer = { key: ca.private, cert: ca.cert };
		const server = await generate([{ name: 'commonName', value: 'localhost' }], {
			...sha256,
			ca: signer,
			extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
		});
		const client = await generate([{ name: 'commonName', value: 'pve1' }], { ...sha256, ca: signer, extensions: [{ name: 'extKeyUsage', clientAuth: true }] });
		const { port, trigger } = await listen(
			{ protocol: 'tcp', tls: true, options: { ...quiet, statistics: 'item' } },
			{ proxmoxMcpSyslogTlsApi: { certificate: server.cert, privateKey: server.private, passphrase: '', clientCa: ca.cert } },
		);
		const anonymous = connectTls({ host: '127.0.0.1', port, ca: ca.cert });
		anonymous.on('error', () => undefined);
		anonymous.write('<13>1 - h anon - - - without certificate\n');
		await new Promise((resolve) => anonymous.once('close', resolve));
		const known = connectTls({ host: '127.0.0.1', port, ca: ca.cert, cert: client.cert, key: client.private });
		await new Promise((resolve, reject) => known.once('secureConnect', resolve).once('error', reject));
		known.end('<13>1 - h known - - - with certificate\n');
		await trigger.waitForEmit(1);
		await delay(200);
		const items = emittedItems(trigger.emitted);
		expect(items.map((item) => item.appName)).toEqual(['known']);
		expect(items[0]).toMatchObject({ transport: 'tls', stats: { tcp: { tlsErrors: 1 } } });
	});

	it('refuses to activate with a certificate that does not match its key', async () => {
		const one = await generate(undefined, { keySize: 2048 });
		const two = await generate(undefined, { keySize: 2048 });
		const port = await freePort();
		await expect(
			startTrigger(TYPE, { host: '127.0.0.1', port, protocol: 'tcp', tls: true }, {
				credentials: { proxmoxMcpSyslogTlsApi: { certificate: one.cert, privateKey: two.private, passphrase: '', clientCa: '' } },
			}),
		).rejects.toThrow(/does not belong/);
	});
});

describe('Syslog TLS credential test', () => {
	it('accepts a matching certificate and key and explains a mismatch', async () => {
		const one = await generate(undefined, { keySize: 2048 });
		const two = await generate(undefined, { keySize: 2048 });
		const test = (certificate: string, privateKey: string) =>
			testCredential(TYPE, 'proxmoxMcpSyslogTlsApiTest', 'proxmoxMcpSyslogTlsApi', { certificate, privateKey, passphrase: '', clientCa: '' });
		await expect(test(one.cert, one.private)).resolves.toMatchObject({ status: 'OK' });
		await expect(test(one.cert, two.private)).resolves.toMatchObject({ status: 'Error', message: expect.stringMatching(/does not belong/) });
		await expect(test('not a certificate', one.private)).resolves.toMatchObject({ status: 'Error', message: expect.stringMatching(/could not be loaded/) });
	});
});

// Containers without IPv6 cannot bind `::`.
const hasIpv6 = Object.values(networkInterfaces()).some((addresses) => addresses?.some((address) => address.family === 'IPv6'));

describe('Syslog Trigger on a dual-stack listener', () => {
	(hasIpv6 ? it : it.skip)('reports IPv4 senders as plain IPv4 addresses', async () => {
		const port = await freePort();
		handle = await startTrigger(TYPE, { host: '::', port, protocol: 'udpAndTcp', options: quiet });
		await logger(['-n', '127.0.0.1', '-P', String(port), '-d', 'dual stack udp']);
		await logger(['-n', '127.0.0.1', '-P', String(port), '-T', 'dual stack tcp']);
		await handle.waitForEmit(2);
		expect(emittedItems(handle.emitted).map((item) => item.sourceAddress)).toEqual(['127.0.0.1', '127.0.0.1']);
	});
});
