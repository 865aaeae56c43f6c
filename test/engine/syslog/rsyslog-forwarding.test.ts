import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTrigger, type TriggerHandle } from '../../helpers/engine';
import { delay, emittedItems, freePort, logger } from './helpers';

/**
 * rsyslog forwarding as on a Proxmox host (`*.* @@n8n:5514`, and the other built-in templates),
 * with Debian's rsyslog run unprivileged in the foreground on loopback.
 */
function findRsyslogd(): string | null {
	const candidates = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'];
	const found = () => candidates.find((path) => existsSync(path)) ?? null;
	if (found()) return found();
	// Not installed yet: the project's own installer (CI runs it before the tests) needs root or sudo.
	spawnSync('bash', [resolve(__dirname, '../../../scripts/test-deps.sh')], { stdio: 'ignore', timeout: 240_000 });
	return found();
}

const rsyslogd = findRsyslogd();
if (!rsyslogd) {
	console.warn('SKIPPED rsyslog forwarding tests: rsyslogd is not installed and scripts/test-deps.sh could not install the Debian package "rsyslog" (needs apt and root or sudo).');
}
const describeWithRsyslog = rsyslogd ? describe : describe.skip;

describeWithRsyslog('Syslog Trigger receiving from rsyslog', () => {
	let workDir: string;
	let daemon: ChildProcess | undefined;
	let trigger: TriggerHandle | undefined;
	let triggerPort: number;
	let inputPort: number;

	beforeAll(async () => {
		workDir = mkdtempSync(join(tmpdir(), 'rsyslog-test-'));
		triggerPort = await freePort();
		inputPort = await freePort();
		trigger = await startTrigger('syslogTrigger', {
			host: '127.0.0.1',
			port: triggerPort,
			protocol: 'udpAndTcp',
			options: { rateLimit: 0, timezone: 'UTC' },
		});
		const forward = (protocol: string, extra = '') =>
			`action(type="omfwd" target="127.0.0.1" port="${triggerPort}" protocol="${protocol}"${extra})`;
		const config = [
			`global(workDirectory="${workDir}" net.enableDNS="off")`,
			'module(load="imudp")',
			`input(type="imudp" address="127.0.0.1" port="${inputPort}")`,
			`if $programname == 'pvedaemon' or $programname == 'corosync' then ${forward('tcp')}`,
			`if $syslogtag startswith 'fmtA' then ${forward('tcp')}`,
			`if $syslogtag startswith 'fmtB' then ${forward('tcp', ' template="RSYSLOG_ForwardFormat"')}`,
			`if $syslogtag startswith 'fmtC' then ${forward('tcp', ' template="RSYSLOG_SyslogProtocol23Format" TCP_Framing="octet-counted"')}`,
			`if $syslogtag startswith 'fmtD' then ${forward('udp', ' template="RSYSLOG_SyslogProtocol23Format"')}`,
			`if $syslogtag startswith 'fmtE' or $syslogtag startswith 'probe' then ${forward('udp')}`,
			'',
		].join('\n');
		writeFileSync(join(workDir, 'rsyslog.conf'), config);
		daemon = spawn(rsyslogd!, ['-n', '-f', join(workDir, 'rsyslog.conf'), '-i', join(workDir, 'rsyslog.pid')], { stdio: 'ignore' });
		// Ready once a probe sent to rsyslog comes out at the trigger.
		const deadline = Date.now() + 15_000;
		while (!emittedItems(trigger.emitted).some((item) => item.appName === 'probe')) {
			if (Date.now() > deadline) throw new Error('rsyslogd did not start forwarding within 15 s');
			await logger(['-n', '127.0.0.1', '-P', String(inputPort), '-d', '--rfc3164', '-t', 'probe', 'ready?']);
			await delay(200);
		}
	}, 30_000);

	afterAll(async () => {
		await trigger?.close();
		if (daemon && daemon.exitCode === null) {
			const exited = new Promise((resolve) => daemon!.once('exit', resolve));
			daemon.kill('SIGTERM');
			await exited;
		}
		rmSync(workDir, { recursive: true, force: true });
	});

	it('receives every forwarding template exactly once with the right fields', async () => {
		const send = (tag: string, text: string, priority = 'user.notice') =>
			logger(['-n', '127.0.0.1', '-P', String(inputPort), '-d', '--rfc3164', '-i', '-t', tag, '-p', priority, text]);
		await send('fmtA', 'traditional forward default');
		await send('fmtB', 'forward format');
		await send('fmtC', 'protocol23 octet');
		await send('fmtD', 'protocol23 udp');
		await send('fmtE', 'traditional udp');
		await send('pvedaemon', '<root@pam> end task UPID:pve1:0017ABAC:026FA8FF:67E12009:qmstart:103:root@pam: OK', 'daemon.info');
		await send('corosync', '  [KNET  ] link: host: 2 link: 1 is down', 'daemon.notice');
		const expected = 7;
		const wanted = () => emittedItems(trigger!.emitted).filter((item) => item.appName !== 'probe');
		const deadline = Date.now() + 10_000;
		while (wanted().length < expected && Date.now() < deadline) await delay(100);
		await delay(500);
		const items = wanted();
		expect(items).toHaveLength(expected);
		const byApp = Object.fromEntries(items.map((item) => [item.appName, item]));
		expect(Object.keys(byApp).sort()).toEqual(['corosync', 'fmtA', 'fmtB', 'fmtC', 'fmtD', 'fmtE', 'pvedaemon']);
		expect(byApp.fmtA).toMatchObject({ format: 'rfc3164', transport: 'tcp', message: 'traditional forward default', procId: expect.stringMatching(/^\d+$/) });
		expect(byApp.fmtB).toMatchObject({ format: 'rfc3164', transport: 'tcp', message: 'forward format' });
		expect(byApp.fmtC).toMatchObject({ format: 'rfc5424', transport: 'tcp', message: ' protocol23 octet' });
		expect(byApp.fmtD).toMatchObject({ format: 'rfc5424', transport: 'udp', message: ' protocol23 udp' });
		expect(byApp.fmtE).toMatchObject({ format: 'rfc3164', transport: 'udp', message: 'traditional udp' });
		expect(byApp.pvedaemon).toMatchObject({ facility: 'daemon', severity: 'info', event: { type: 'guest.start', vmid: 103, success: true } });
		expect(byApp.corosync).toMatchObject({ message: '  [KNET  ] link: host: 2 link: 1 is down', event: { type: 'cluster.link.down', hostId: 2, link: 1 } });
		for (const item of items) {
			expect(item.parseError).toBeNull();
			expect(item.hostname).toBeTruthy();
			expect(Math.abs(Date.parse(item.timestamp as string) - Date.now())).toBeLessThan(120_000);
		}
	});
});
