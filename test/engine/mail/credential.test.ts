/**
 * The IMAP credential's Test button and the TLS modes against a real Dovecot with an imaps
 * listener (certificate signed by a test CA) and STARTTLS on the plain port.
 */
import { createServer } from 'node:http';

import type { IDataObject } from 'n8n-workflow';

import { callNodeMethod, startTrigger, testCredential, type TriggerHandle } from '../../helpers/engine';
import { startDovecot, type Dovecot } from '../../simulators/mail/dovecot';
import { plainMail } from './fixtures';

let dovecot: Dovecot;
const handles: TriggerHandle[] = [];

beforeAll(async () => {
	dovecot = await startDovecot({ users: { alice: 'secret', bob: 'pw-bob' } });
}, 60000);

afterEach(async () => {
	for (const handle of handles.splice(0)) await handle.close();
});

afterAll(async () => {
	await dovecot?.close();
});

const data = (overrides: IDataObject = {}) => ({
	host: '127.0.0.1',
	port: dovecot.imapsPort,
	security: 'tls',
	user: 'alice',
	authentication: 'password',
	password: 'secret',
	tlsMode: 'customCa',
	caPem: dovecot.caPem,
	...overrides,
});
const test = (overrides: IDataObject = {}) => testCredential('proxmoxMailTrigger', 'imapConnectionTest', 'proxmoxMcpImapApi', data(overrides));

describe('IMAP credential', () => {
	it('logs in over implicit TLS verified with a custom CA and says whether IDLE works', async () => {
		expect(await test()).toEqual({ status: 'OK', message: expect.stringMatching(/^Logged in as alice over TLS; \d+ mailbox\(es\); IDLE supported \(push\)$/) });
	});

	it('accepts the pinned fingerprint and refuses another one before logging in', async () => {
		expect((await test({ tlsMode: 'fingerprint', fingerprint: dovecot.fingerprint })).status).toBe('OK');
		const wrong = await test({ tlsMode: 'fingerprint', fingerprint: 'AB'.repeat(32) });
		expect(wrong.status).toBe('Error');
		expect(wrong.message).toContain('does not match the pinned fingerprint');
		expect(wrong.message).toContain('Nothing was sent to the server');
	});

	it('rejects the self-signed chain with system CAs, naming the fix; insecure mode connects', async () => {
		const rejected = await test({ tlsMode: 'system' });
		expect(rejected.status).toBe('Error');
		expect(rejected.message).toMatch(/The TLS certificate of 127\.0\.0\.1:\d+ was rejected .*Verify with Custom CA/);
		expect((await test({ tlsMode: 'insecure' })).status).toBe('OK');
	});

	it('upgrades with STARTTLS on the plain port, and fails clearly where STARTTLS is not offered', async () => {
		expect(await test({ security: 'starttls', port: dovecot.imapPort })).toMatchObject({ status: 'OK', message: expect.stringContaining('over TLS') });
		const plainOnly = await startDovecot({ users: { carol: 'pw' }, tls: false });
		try {
			const result = await test({ security: 'starttls', port: plainOnly.imapPort, user: 'carol', password: 'pw' });
			expect(result.status).toBe('Error');
			expect(result.message).toContain('does not offer STARTTLS');
		} finally {
			await plainOnly.close();
		}
	});

	it('names the failing field: wrong password, implicit TLS on a plain port, none on a remote host, empty password', async () => {
		const bad = await test({ password: 'nope' });
		expect(bad).toEqual({ status: 'Error', message: expect.stringContaining('Authentication failed for user "alice"') });
		expect(bad.message).not.toContain('nope');
		const wrongPort = await test({ port: dovecot.imapPort });
		expect(wrongPort.status).toBe('Error');
		expect(wrongPort.message).toMatch(/TLS handshake with 127\.0\.0\.1:\d+ failed|timed out/);
		expect((await test({ security: 'none', host: '192.0.2.10' })).message).toContain('Security "None" is allowed only for a server on this machine');
		expect((await test({ password: '' })).message).toBe('Password is empty');
	});

	it('logs in with an OAuth2 access token (XOAUTH2), and names the token when it is refused', async () => {
		const introspected: string[] = [];
		// RFC 7662 token introspection, as Dovecot's oauth2 passdb calls it (introspection_mode = post).
		const introspection = createServer((request, response) => {
			let body = '';
			request.on('data', (chunk: Buffer) => (body += chunk.toString()));
			request.on('end', () => {
				const token = new URLSearchParams(body).get('token') ?? '';
				introspected.push(token);
				response.writeHead(200, { 'Content-Type': 'application/json' });
				response.end(JSON.stringify(token === 'ya29.good-token' ? { active: true, username: 'dave' } : { active: false }));
			});
		});
		await new Promise<void>((resolve) => introspection.listen(0, '127.0.0.1', () => resolve()));
		const port = (introspection.address() as { port: number }).port;
		const oauth = await startDovecot({ users: { dave: 'unused-password' }, oauth2IntrospectionUrl: `http://127.0.0.1:${port}/introspect` });
		try {
			const withToken = (accessToken: string) => testCredential('proxmoxMailTrigger', 'imapConnectionTest', 'proxmoxMcpImapApi', {
				host: '127.0.0.1', port: oauth.imapsPort, security: 'tls', user: 'dave', authentication: 'accessToken', accessToken, tlsMode: 'customCa', caPem: oauth.caPem,
			});
			expect(await withToken('ya29.good-token')).toMatchObject({ status: 'OK', message: expect.stringContaining('Logged in as dave over TLS') });
			const refused = await withToken('ya29.expired');
			expect(refused.status).toBe('Error');
			expect(refused.message).toContain('Authentication failed for user "dave"');
			expect(refused.message).toContain('check the access token (it may have expired)');
			expect(refused.message).not.toContain('ya29.expired');
			expect(introspected).toEqual(expect.arrayContaining(['ya29.good-token', 'ya29.expired']));
		} finally {
			await oauth.close();
			await new Promise((resolve) => introspection.close(resolve));
		}
	});

	it('lists the mailboxes for the Mailbox and Folder dropdowns', async () => {
		await dovecot.createMailbox('Proxmox', 'bob');
		const options = await callNodeMethod('proxmoxMailTrigger', 'loadOptions', 'getMailboxes', {}, { credentials: { proxmoxMcpImapApi: data({ user: 'bob', password: 'pw-bob' }) } });
		expect(options).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'INBOX', value: 'INBOX' }), expect.objectContaining({ name: 'Proxmox', value: 'Proxmox' })]));
	});

	it('the trigger receives over implicit TLS with a pinned certificate', async () => {
		const trigger = await startTrigger('proxmoxMailTrigger', { mailbox: 'INBOX', afterProcessing: 'leave' } as never, {
			credentials: { proxmoxMcpImapApi: data({ tlsMode: 'fingerprint', fingerprint: dovecot.fingerprint }) },
		});
		handles.push(trigger);
		await dovecot.append(plainMail('over imaps'), { user: 'alice' });
		const [[[item]]] = await trigger.waitForEmit(1, 15000);
		expect(item.json.subject).toBe('over imaps');
	});
});
