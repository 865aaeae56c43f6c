import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { startTrigger, type TriggerHandle } from '../../helpers/engine';
import { delay, emittedItems, freePort, logger } from './helpers';
import { findRsyslogd, startRsyslog, type RsyslogDaemon } from './rsyslog';

/**
 * rsyslog forwarding as on a Proxmox host (`*.* @@n8n:5514`, and the other built-in templates),
 * with Debian's rsyslog run unprivileged in the foreground on loopback.
 */
const rsyslogd = findRsyslogd();
if (!rsyslogd) {
	console.warn('SKIPPED rsyslog forwarding tests: rsyslogd is not installed and scripts/test-deps.sh could not install the Debian package "rsyslog" (needs apt and root or sudo).');
}
const rsyslogdWithTls = rsyslogd ? findRsyslogd(true) : null;
if (rsyslogd && !rsyslogdWithTls) {
	console.warn('SKIPPED rsyslog TLS forwarding test: the Debian package "rsyslog-gnutls" is not installed and scripts/test-deps.sh could not install it.');
}
const describeWithRsyslog = rsyslogd ? describe : describe.skip;
const describeWithRsyslogTls = rsyslogdWithTls ? describe : describe.skip;

describeWithRsyslog('Syslog Trigger receiving from rsyslog', () => {
	let daemon: RsyslogDaemon | undefined;
	let trigger: TriggerHandle | undefined;
	let triggerPort: number;
	let inputPort: number;

	beforeAll(async () => {
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
		daemon = await startRsyslog(
			rsyslogd!,
			inputPort,
			() => [
				`if $programname == 'pvedaemon' or $programname == 'corosync' then ${forward('tcp')}`,
				`if $syslogtag startswith 'fmtA' then ${forward('tcp')}`,
				`if $syslogtag startswith 'fmtB' then ${forward('tcp', ' template="RSYSLOG_ForwardFormat"')}`,
				`if $syslogtag startswith 'fmtC' then ${forward('tcp', ' template="RSYSLOG_SyslogProtocol23Format" TCP_Framing="octet-counted"')}`,
				`if $syslogtag startswith 'fmtD' then ${forward('udp', ' template="RSYSLOG_SyslogProtocol23Format"')}`,
				`if $syslogtag startswith 'fmtE' or $syslogtag startswith 'probe' then ${forward('udp')}`,
			],
			trigger,
		);
	}, 30_000);

	afterAll(async () => {
		await trigger?.close();
		await daemon?.stop();
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

describeWithRsyslogTls('Syslog Trigger receiving from rsyslog over TLS (RFC 5425, gtls driver)', () => {
	let daemon: RsyslogDaemon | undefined;
	let trigger: TriggerHandle | undefined;

	afterAll(async () => {
		await trigger?.close();
		await daemon?.stop();
	});

	it('accepts rsyslog with a client certificate and verifies the server name (mutual TLS)', async () => {
		const sha256 = { keySize: 2048, algorithm: 'sha256' };
		const ca = await generate([{ name: 'commonName', value: 'Syslog Test CA' }], {
			...sha256,
			extensions: [
				{ name: 'basicConstraints', cA: true, critical: true },
				{ name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
			],
		});
		const signer = { key: ca.private, cert: ca.cert };
		const server = await generate([{ name: 'commonName', value: 'n8n.test' }], {
			...sha256,
			ca: signer,
			extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'n8n.test' }] }],
		});
		const client = await generate([{ name: 'commonName', value: 'pve1.test' }], {
			...sha256,
			ca: signer,
			extensions: [
				{ name: 'subjectAltName', altNames: [{ type: 2, value: 'pve1.test' }] },
				{ name: 'extKeyUsage', clientAuth: true, serverAuth: true },
			],
		});
		const triggerPort = await freePort();
		const inputPort = await freePort();
		trigger = await startTrigger(
			'syslogTrigger',
			{ host: '127.0.0.1', port: triggerPort, protocol: 'tcp', tls: true, options: { rateLimit: 0, timezone: 'UTC' } },
			{ credentials: { proxmoxMcpSyslogTlsApi: { certificate: server.cert, privateKey: server.private, passphrase: '', clientCa: ca.cert } } },
		);
		daemon = await startRsyslog(
			rsyslogdWithTls!,
			inputPort,
			(workDir) => {
				writeFileSync(join(workDir, 'ca.pem'), ca.cert);
				writeFileSync(join(workDir, 'client.pem'), client.cert);
				writeFileSync(join(workDir, 'client-key.pem'), client.private);
				return [
					`*.* action(type="omfwd" target="127.0.0.1" port="${triggerPort}" protocol="tcp" StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name" StreamDriverPermittedPeers="n8n.test" template="RSYSLOG_SyslogProtocol23Format" TCP_Framing="octet-counted")`,
				];
			},
			trigger,
			'DefaultNetstreamDriverCAFile="WORKDIR/ca.pem" DefaultNetstreamDriverCertFile="WORKDIR/client.pem" DefaultNetstreamDriverKeyFile="WORKDIR/client-key.pem"',
		);
		await logger(['-n', '127.0.0.1', '-P', String(inputPort), '-d', '--rfc3164', '-t', 'pve-ha-crm', '-p', 'daemon.notice', "Start fencing node 'pve2'"]);
		const deadline = Date.now() + 10_000;
		const fenced = () => emittedItems(trigger!.emitted).filter((item) => item.appName === 'pve-ha-crm');
		while (fenced().length === 0 && Date.now() < deadline) await delay(100);
		await delay(300);
		expect(fenced()).toHaveLength(1);
		expect(fenced()[0]).toMatchObject({ transport: 'tls', format: 'rfc5424', event: { type: 'node.fence', node: 'pve2', phase: 'start' } });
	});
});
