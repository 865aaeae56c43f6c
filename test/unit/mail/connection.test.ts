/** IMAP credential validation: loopback rule, field errors, TLS settings; message identity. */
import { explainImapError, ImapFatalError, isLoopbackHost, readImapSettings } from '../../../nodes/MailTrigger/connection';
import { messageIdentity } from '../../../nodes/MailTrigger/watcher';

const base = { host: 'imap.example.com', port: 993, security: 'tls', user: 'reports', authentication: 'password', password: 'pw', tlsMode: 'system' };

describe('IMAP settings', () => {
	it('recognises loopback hosts literally (never by DNS)', () => {
		for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(host)).toBe(true);
		for (const host of ['10.0.0.1', 'imap.example.com', 'localhost.example.com', '128.0.0.1', '::2']) expect(isLoopbackHost(host)).toBe(false);
	});

	it('allows Security "None" only for loopback, naming the field', () => {
		expect(readImapSettings({ ...base, host: '127.0.0.1', security: 'none', port: 143 })).toMatchObject({ security: 'none', tls: { mode: 'system' } });
		let error: (Error & { field?: string }) | undefined;
		try {
			readImapSettings({ ...base, security: 'none' });
		} catch (e) {
			error = e as Error & { field: string };
		}
		if (!error) throw new Error('expected an error');
		expect(error.message).toContain('Security "None" is allowed only for a server on this machine');
		expect(error.field).toBe('security');
	});

	it('reads password or access token, and rejects empty fields', () => {
		const withPassword = readImapSettings(base);
		expect(withPassword.password).toBe('pw');
		expect(withPassword.accessToken).toBeUndefined();
		const withToken = readImapSettings({ ...base, authentication: 'accessToken', accessToken: 'ya29.x', password: '' });
		expect(withToken.accessToken).toBe('ya29.x');
		expect(withToken.password).toBeUndefined();
		expect(() => readImapSettings({ ...base, host: ' ' })).toThrow('Host is empty');
		expect(() => readImapSettings({ ...base, user: '' })).toThrow('User is empty');
		expect(() => readImapSettings({ ...base, port: 70000 })).toThrow('Port must be a whole number from 1 to 65535');
		expect(() => readImapSettings({ ...base, authentication: 'accessToken', accessToken: '' })).toThrow('Access Token is empty');
		expect(() => readImapSettings({ ...base, tlsMode: 'fingerprint', fingerprint: 'nope' })).toThrow('Certificate SHA-256 Fingerprint must be 64 hexadecimal digits');
	});

	it('explains failures without the secret, and marks the fatal ones', () => {
		const settings = readImapSettings({ ...base, authentication: 'accessToken', accessToken: 'tok-123' });
		const auth = explainImapError(Object.assign(new Error('Command failed'), { authenticationFailed: true, responseText: 'AUTHENTICATE failed' }), settings);
		expect(auth).toBeInstanceOf(ImapFatalError);
		expect(auth.message).toBe('Authentication failed for user "reports" on imap.example.com:993: check the access token (it may have expired) of the IMAP credential. The server said: "AUTHENTICATE failed".');
		expect(auth.message).not.toContain('tok-123');
		const refused = explainImapError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), settings);
		expect(refused).not.toBeInstanceOf(ImapFatalError);
		expect(refused.message).toBe('Connection to imap.example.com:993 was refused: is the IMAP server running on that port?');
		expect(explainImapError(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), settings)).toBeInstanceOf(ImapFatalError);
	});
});

describe('message identity', () => {
	it('is the Message-ID, else a digest of date, size, subject and sender', () => {
		expect(messageIdentity({ envelope: { messageId: '<a@b>' }, size: 1 } as never)).toBe('<a@b>');
		const one = messageIdentity({ envelope: { subject: 's', from: [{ address: 'x@y' }] }, internalDate: new Date(0), size: 10 } as never);
		expect(one).toMatch(/^digest:[0-9a-f]{32}$/);
		expect(messageIdentity({ envelope: { subject: 's', from: [{ address: 'x@y' }] }, internalDate: new Date(0), size: 11 } as never)).not.toBe(one);
	});
});
