/** The mail world itself: a real Dovecot, the SMTP→LMTP bridge, APPEND, UIDVALIDITY changes, the TCP proxy. */
import { ImapFlow } from 'imapflow';
import { createTransport } from 'nodemailer';

import { startDovecot, type Dovecot } from './dovecot';
import { SmtpToDovecot } from './smtpToDovecot';
import { TcpProxy } from './tcpProxy';

let dovecot: Dovecot;

beforeAll(async () => {
	dovecot = await startDovecot({ users: { alice: 'secret', bob: 'hunter2' } });
});

afterAll(async () => {
	await dovecot?.close();
});

const mail = (subject: string) => `From: pve@example.test\r\nTo: alice@example.test\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.test>\r\n\r\nbody of ${subject}\r\n`;

describe('mail simulator', () => {
	it('APPENDs with increasing UIDs and reports them in STATUS', async () => {
		const first = await dovecot.append(mail('one'));
		const second = await dovecot.append(mail('two'));
		expect(second.uid).toBe(first.uid + 1);
		expect(second.uidValidity).toBe(first.uidValidity);
		const status = await dovecot.status();
		expect(status.uidNext).toBe(second.uid + 1);
		expect((await dovecot.messages()).map((m) => m.subject)).toEqual(expect.arrayContaining(['one', 'two']));
	});

	it('rejects a wrong password with an authentication failure', async () => {
		const client = new ImapFlow({ host: dovecot.host, port: dovecot.imapPort, secure: false, auth: { user: 'alice', pass: 'wrong' }, logger: false, doSTARTTLS: false });
		client.on('error', () => undefined);
		const error = (await client.connect().catch((e: Error) => e)) as Error & { authenticationFailed?: boolean };
		expect(error.authenticationFailed).toBe(true);
	});

	it('serves implicit TLS with a certificate signed by the test CA', async () => {
		const client = new ImapFlow({ host: dovecot.host, port: dovecot.imapsPort, secure: true, tls: { ca: dovecot.caPem, servername: 'localhost' }, auth: { user: 'bob', pass: 'hunter2' }, logger: false });
		client.on('error', () => undefined);
		await client.connect();
		expect(client.secureConnection).toBe(true);
		await client.logout();
	});

	it('delivers SMTP mail into the mailbox through LMTP before answering 250', async () => {
		const bridge = await SmtpToDovecot.start({ lmtpPort: dovecot.lmtpPort });
		try {
			const before = (await dovecot.status('INBOX', 'bob')).messages;
			const smtp = createTransport({ host: bridge.host, port: bridge.port, secure: false, ignoreTLS: true });
			const info = await smtp.sendMail({ from: 'root@pve1.example.test', to: 'bob@example.test', subject: 'over smtp', text: 'hello', attachments: [{ filename: 'a.txt', content: 'attached' }] });
			expect(info.response).toContain('250');
			expect((await dovecot.status('INBOX', 'bob')).messages).toBe(before + 1);
			expect(bridge.delivered[0].to).toEqual(['bob@example.test']);
			const unknown = await smtp.sendMail({ from: 'root@x', to: 'nobody-here@example.test', subject: 'x', text: 'x' }).catch((e: Error & { responseCode?: number }) => e);
			expect((unknown as { responseCode?: number }).responseCode).toBe(550);
		} finally {
			await bridge.close();
		}
	});

	it('changes UIDVALIDITY with doveadm, and a recreated mailbox starts again at UID 1', async () => {
		const before = await dovecot.status();
		const next = await dovecot.changeUidValidity();
		expect(next).not.toBe(before.uidValidity);
		expect((await dovecot.status()).uidValidity).toBe(next);
		await dovecot.createMailbox('Reports');
		await dovecot.append(mail('r1'), { mailbox: 'Reports' });
		const old = (await dovecot.status('Reports')).uidValidity;
		const recreated = await dovecot.recreateMailbox('Reports', [mail('r2')]);
		expect(recreated).not.toBe(old);
		expect((await dovecot.messages('Reports')).map((m) => [m.uid, m.subject])).toEqual([[1, 'r2']]);
	});

	it('cuts and freezes proxied connections', async () => {
		const proxy = await TcpProxy.start(dovecot.imapPort);
		try {
			const client = new ImapFlow({ host: proxy.host, port: proxy.port, secure: false, auth: { user: 'alice', pass: 'secret' }, logger: false, doSTARTTLS: false });
			client.on('error', () => undefined);
			await client.connect();
			const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
			proxy.cut();
			await closed;
			expect(client.usable).toBe(false);
		} finally {
			await proxy.close();
		}
	});
});
