/**
 * The Email (SMTP) node through n8n's real engine against a real SMTP server (smtp-server):
 * delivered mail checked as received (envelope, headers, text and HTML parts, attachments).
 */
import type { IExecuteFunctions, INodeType, NodeOperationError } from 'n8n-workflow';

import { registerNodeType, runNode, runWorkflow, START_NODE_TYPE, testCredential } from '../../helpers/engine';
import { startSmtpReceiver, type SmtpReceiver } from '../../simulators/mail/smtpReceiver';
import { certificatesFor, type CertBundle } from '../../simulators/proxmox/wire/certs';
import { analysis, backupFailure } from '../../unit/render/fixtures';

let smtp: SmtpReceiver | undefined;
let certs: CertBundle;
let otherCerts: CertBundle;

beforeAll(async () => {
	certs = await certificatesFor('pve', '127.0.0.1', 'mail');
	otherCerts = await certificatesFor('pbs', '127.0.0.1', 'other');
});

afterEach(async () => {
	await smtp?.close();
	smtp = undefined;
});

const auth = { user: 'alerts@example.test', pass: 's3cret-Passw0rd' };

function credentials(extra: Record<string, unknown> = {}) {
	return { proxmoxMcpSmtpApi: { host: '127.0.0.1', port: smtp!.listenPort, security: 'starttls', user: auth.user, password: auth.pass, tlsMode: 'customCa', caPem: certs.caPem, timeoutSeconds: 10, ...extra } };
}

const fail = async (promise: Promise<unknown>) => (await promise.then(() => undefined, (error: Error) => error)) as NodeOperationError;

describe('Email (SMTP) node: send', () => {
	it('sends text + HTML, CC, BCC, Reply-To, custom headers and binary attachments over STARTTLS with login', async () => {
		smtp = await startSmtpReceiver({ auth, tls: { certPem: certs.certPem, keyPem: certs.keyPem } });
		const bin: INodeType = {
			description: { displayName: 'Bin', name: 'bin', group: ['input'], version: 1, description: '', defaults: { name: 'Bin' }, inputs: ['main'], outputs: ['main'], properties: [] },
			async execute(this: IExecuteFunctions) {
				const log = await this.helpers.prepareBinaryData(Buffer.from('INFO: start\nERROR: failed\n'), 'task-log.txt', 'text/plain');
				return [[{ json: {}, binary: { log } }]];
			},
		};
		registerNodeType('test.mailBinary', bin);
		const result = await runWorkflow(
			{
				nodes: [
					{ name: 'Start', type: START_NODE_TYPE, parameters: {} },
					{ name: 'Bin', type: 'test.mailBinary', parameters: {} },
					{
						name: 'Mail',
						type: 'n8n-nodes-proxmox-mcp.smtpEmail',
						parameters: {
							operation: 'send',
							fromEmail: 'Proxmox <alerts@example.test>',
							toEmail: 'admin@example.test, ops@example.test',
							subject: 'Backup report ✅',
							emailFormat: 'both',
							text: 'Plain body',
							html: '<p>HTML <b>body</b></p>',
							options: { cc: 'cc@example.test', bcc: 'hidden@example.test', replyTo: 'noc@example.test', attachments: 'log', headers: { header: [{ name: 'X-Proxmox-Node', value: 'pve1' }] } },
						},
					},
				],
				connections: { Start: { main: [[{ node: 'Bin', type: 'main', index: 0 }]] }, Bin: { main: [[{ node: 'Mail', type: 'main', index: 0 }]] } },
			},
			{ credentials: credentials() },
		);
		const [item] = result.output('Mail');
		expect(item.json).toMatchObject({ accepted: ['admin@example.test', 'ops@example.test', 'cc@example.test', 'hidden@example.test'], rejected: [] });
		const [mail] = await smtp.waitForMessages(1);
		expect(mail).toMatchObject({ user: auth.user, secure: true, envelope: { from: 'alerts@example.test', to: ['admin@example.test', 'ops@example.test', 'cc@example.test', 'hidden@example.test'] } });
		expect(mail.parsed.subject).toBe('Backup report ✅');
		expect(mail.parsed.text?.trim()).toBe('Plain body');
		expect(mail.parsed.html).toBe('<p>HTML <b>body</b></p>');
		expect(mail.parsed.headers.get('x-proxmox-node')).toBe('pve1');
		expect(mail.parsed.headers.has('bcc')).toBe(false);
		expect(mail.parsed.replyTo?.text).toBe('noc@example.test');
		expect(mail.parsed.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([['task-log.txt', 'text/plain', 'INFO: start\nERROR: failed\n']]);
		expect(mail.parsed.messageId).toBe(item.json.messageId);
	});

	it('implicit TLS with a pinned fingerprint sends; another certificate is refused before the password is sent', async () => {
		smtp = await startSmtpReceiver({ auth, tls: { certPem: certs.certPem, keyPem: certs.keyPem }, implicitTls: true });
		const params = { operation: 'send', fromEmail: 'a@example.test', toEmail: 'b@example.test', subject: 's', emailFormat: 'text', text: 'pinned' };
		await runNode('smtpEmail', params, { credentials: credentials({ security: 'tls', tlsMode: 'fingerprint', fingerprint: certs.fingerprint }) });
		expect((await smtp.waitForMessages(1))[0].parsed.text?.trim()).toBe('pinned');
		const error = await fail(runNode('smtpEmail', params, { credentials: credentials({ security: 'tls', tlsMode: 'fingerprint', fingerprint: otherCerts.fingerprint }) }));
		expect(error.message).toContain(`has SHA-256 fingerprint ${certs.fingerprint}, which does not match the pinned fingerprint ${otherCerts.fingerprint}`);
		expect(error.description).toBe('The connection was closed before logging in.');
		expect(smtp.logins).toHaveLength(1);
		expect(JSON.stringify(error)).not.toContain(auth.pass);
	});

	it('a wrong password fails with the server reply and a hint, never showing the password', async () => {
		smtp = await startSmtpReceiver({ auth, tls: { certPem: certs.certPem, keyPem: certs.keyPem } });
		const error = await fail(
			runNode('smtpEmail', { operation: 'send', fromEmail: 'a@example.test', toEmail: 'b@example.test', subject: 's', text: 'x' }, { credentials: credentials({ password: 'wrong-password' }) }),
		);
		expect(error.message).toMatch(/^SMTP login as "alerts@example.test" at 127\.0\.0\.1:\d+ failed: Invalid login: 535 5\.7\.8 Authentication credentials invalid$/);
		expect(error.description).toBe('Check User and Password of the SMTP credential (some providers need an app password).');
		expect(smtp.messages).toHaveLength(0);
		expect(JSON.stringify(error)).not.toContain('wrong-password');
	});

	it('TLS mismatches: an untrusted certificate, implicit TLS against a STARTTLS port, STARTTLS against a server without it', async () => {
		smtp = await startSmtpReceiver({ auth, tls: { certPem: certs.certPem, keyPem: certs.keyPem } });
		const params = { operation: 'send', fromEmail: 'a@example.test', toEmail: 'b@example.test', subject: 's', text: 'x' };
		const untrusted = await fail(runNode('smtpEmail', params, { credentials: credentials({ tlsMode: 'system' }) }));
		expect(untrusted.message).toMatch(/^TLS with 127\.0\.0\.1:\d+ \(STARTTLS\) failed: .*(certificate|self.signed)/i);
		expect(untrusted.description).toContain('"Verify with Custom CA"');
		const implicit = await fail(runNode('smtpEmail', params, { credentials: credentials({ security: 'tls', timeoutSeconds: 3 }) }));
		expect(implicit.message).toMatch(/^(TLS with|The SMTP server) 127\.0\.0\.1:\d+/);
		expect(implicit.description).toContain('choose STARTTLS');
		await smtp.close();
		smtp = await startSmtpReceiver({ auth, allowInsecureAuth: true });
		const noStarttls = await fail(runNode('smtpEmail', params, { credentials: credentials() }));
		expect(noStarttls.message).toMatch(/^TLS with 127\.0\.0\.1:\d+ \(STARTTLS\) failed/);
		expect(smtp.logins).toHaveLength(0);
	});

	it('Security None only to a local server', async () => {
		smtp = await startSmtpReceiver({});
		const params = { operation: 'send', fromEmail: 'a@example.test', toEmail: 'b@example.test', subject: 's', text: 'local' };
		await runNode('smtpEmail', params, { credentials: credentials({ security: 'none', user: '', password: '' }) });
		expect((await smtp.waitForMessages(1))[0]).toMatchObject({ secure: false, user: undefined });
		const remote = await fail(runNode('smtpEmail', params, { credentials: credentials({ security: 'none', host: 'smtp.example.com' }) }));
		expect(remote.message).toContain('Security "None" sends mail and password in clear text and is allowed only to a server on this machine');
		expect(remote.description).toBe('Field: security');
	});

	it('reports a refused recipient, bad addresses and bad headers', async () => {
		smtp = await startSmtpReceiver({ auth, tls: { certPem: certs.certPem, keyPem: certs.keyPem }, rejectRecipients: ['nobody@example.test'] });
		const base = { operation: 'send', fromEmail: 'a@example.test', subject: 's', text: 'x' };
		const refused = await fail(runNode('smtpEmail', { ...base, toEmail: 'nobody@example.test' }, { credentials: credentials() }));
		expect(refused.message).toContain('The SMTP server refused the envelope');
		expect(refused.message).toContain('550 5.1.1 <nobody@example.test>: Recipient address rejected');
		const bad = await fail(runNode('smtpEmail', { ...base, toEmail: 'not an address' }, { credentials: credentials() }));
		expect(bad.message).toBe('To: "not an address" is not an e-mail address');
		const header = await fail(runNode('smtpEmail', { ...base, toEmail: 'b@example.test', options: { headers: { header: [{ name: 'Subject', value: 'x' }] } } }, { credentials: credentials() }));
		expect(header.message).toBe('Header "Subject" is set by its own field; use that instead');
		const [item] = await runNode('smtpEmail', { ...base, toEmail: 'nobody@example.test' }, { credentials: credentials(), continueOnFail: true });
		expect(item.json.error).toContain('refused the envelope');
	});

	it('credential test: EHLO, TLS and login; failures explained', async () => {
		smtp = await startSmtpReceiver({ auth, tls: { certPem: certs.certPem, keyPem: certs.keyPem } });
		const ok = await testCredential('smtpEmail', 'smtpConnectionTest', 'proxmoxMcpSmtpApi', credentials().proxmoxMcpSmtpApi);
		expect(ok).toEqual({ status: 'OK', message: expect.stringMatching(/^SMTP server 127\.0\.0\.1:\d+ answered \(STARTTLS, TLSv1\.[23]\); login as "alerts@example.test" works$/) });
		const bad = await testCredential('smtpEmail', 'smtpConnectionTest', 'proxmoxMcpSmtpApi', { ...credentials().proxmoxMcpSmtpApi, password: 'nope' });
		expect(bad).toMatchObject({ status: 'Error', message: expect.stringContaining('535') });
		expect(smtp.messages).toHaveLength(0);
	});
});

describe('Email (SMTP) node: Send Event', () => {
	it('mails the event as HTML with a text part, subject with severity and host; skips below the minimum', async () => {
		smtp = await startSmtpReceiver({ auth, tls: { certPem: certs.certPem, keyPem: certs.keyPem } });
		const items = await runNode(
			'smtpEmail',
			{ operation: 'sendEvent', fromEmail: 'Proxmox <alerts@example.test>', toEmail: 'admin@example.test', eventMinSeverity: 'warning', eventOptions: { guiUrl: 'https://pve1.example.com:8006' } },
			{ credentials: credentials(), items: [{ ...backupFailure, message: `${backupFailure.message} <script>x</script>`, analysis }, { ...backupFailure, severity: 'info' }] },
		);
		expect(items[0].json).toMatchObject({ sent: true, severity: 'error', subject: '[ERROR] pve1: backup.guest.failed 100 on pve1', accepted: ['admin@example.test'] });
		expect(items[1].json).toEqual({ sent: false, severity: 'info', reason: 'Severity info is below the minimum warning' });
		const [mail] = await smtp.waitForMessages(1);
		expect(mail.parsed.subject).toBe('[ERROR] pve1: backup.guest.failed 100 on pve1');
		expect(mail.parsed.headers.get('auto-submitted')).toBe('auto-generated');
		expect(mail.parsed.html).toContain('&lt;script&gt;x&lt;/script&gt;');
		expect(mail.parsed.html).not.toContain('<script>');
		expect(mail.parsed.html).toContain('href="https://pve1.example.com:8006/#v1:0:=node%2Fpve1:4"');
		expect(mail.parsed.text).toContain('Probable cause: The NFS storage "backup-nas" went away during the backup.');
		expect(mail.parsed.text).toContain('Host: pve1');
		expect(smtp.messages).toHaveLength(1);
	});
});

describe('Email (SMTP) node as an AI tool: AI Allowed Recipients (nodes/Email/aiRecipients.ts, the gate in nodes/shared/aiGuard.ts)', () => {
	const base = { operation: 'send', fromEmail: 'n8n@example.test', subject: 's', text: 'from a model' };
	const plain = () => credentials({ security: 'none', user: '', password: '' });
	const asTool = (params: Record<string, unknown>, extra: Record<string, unknown> = {}) => runNode('smtpEmail', { ...base, ...params }, { credentials: plain(), asTool: true, ...extra });
	const refusal = (field: string, address: string, empty = false) =>
		`Refused: "Send an email" (send) is destructive (mails a recipient the owner did not allow: ${field} "${address}" is not on the node's "AI Allowed Recipients"${empty ? ' (the list is empty)' : ''}) and this Email (SMTP) tool does not allow destructive operations from AI.`;

	it('sends to listed addresses (any case) and to any address of a listed @domain, in To, CC and BCC', async () => {
		smtp = await startSmtpReceiver({});
		const [item] = await asTool({
			toEmail: 'OPS@Example.TEST',
			options: { cc: 'Alice <alice@lab.example>', bcc: 'bob@LAB.example' },
			aiAllowedRecipients: 'ops@example.test\n@lab.example',
		});
		// Nodemailer writes domains in lower case.
		expect(item.json.accepted).toEqual(['OPS@example.test', 'alice@lab.example', 'bob@lab.example']);
		const [mail] = await smtp.waitForMessages(1);
		expect(mail.parsed.text).toContain('from a model');
	});

	it('refuses a To, CC or BCC address outside the list, naming the field and the address; nothing is sent', async () => {
		smtp = await startSmtpReceiver({});
		const allowed = 'ops@example.test, @lab.example';
		const to = await fail(asTool({ toEmail: 'ops@example.test, leak@evil.example', aiAllowedRecipients: allowed }));
		expect(to.message).toBe(refusal('To', 'leak@evil.example'));
		expect(to.description).toContain('The owner may also add the address, or its domain as "@example.com", to "AI Allowed Recipients".');
		expect((await fail(asTool({ toEmail: 'ops@example.test', options: { cc: 'copy@sub.lab.example' }, aiAllowedRecipients: allowed }))).message).toBe(refusal('CC', 'copy@sub.lab.example'));
		expect((await fail(asTool({ toEmail: 'ops@example.test', options: { bcc: '"ops@example.test" <hidden@evil.example>' }, aiAllowedRecipients: allowed }))).message).toBe(
			refusal('BCC', 'hidden@evil.example'),
		);
		const [item] = await asTool({ toEmail: 'leak@evil.example', aiAllowedRecipients: allowed }, { continueOnFail: true });
		expect(item.json.error).toBe(refusal('To', 'leak@evil.example'));
		expect(smtp.messages).toHaveLength(0);
	});

	it('with an empty list every recipient is refused, unless the owner allows destructive operations from AI', async () => {
		smtp = await startSmtpReceiver({});
		expect((await fail(asTool({ toEmail: 'ops@example.test' }))).message).toBe(refusal('To', 'ops@example.test', true));
		expect(smtp.messages).toHaveLength(0);
		const [item] = await asTool({ toEmail: 'anyone@evil.example', allowDestructiveFromAi: true });
		expect(item.json.accepted).toEqual(['anyone@evil.example']);
		expect(await smtp.waitForMessages(1)).toHaveLength(1);
	});

	it('Send Event is checked the same way', async () => {
		smtp = await startSmtpReceiver({});
		const params = { operation: 'sendEvent', fromEmail: 'n8n@example.test', toEmail: 'admin@example.test', options: { bcc: 'leak@evil.example' }, aiAllowedRecipients: '@example.test' };
		const error = await fail(runNode('smtpEmail', params, { credentials: plain(), asTool: true, items: [{ ...backupFailure }] }));
		expect(error.message).toBe(
			'Refused: "Send an event as an email" (sendEvent) is destructive (mails a recipient the owner did not allow: BCC "leak@evil.example" is not on the node\'s "AI Allowed Recipients") and this Email (SMTP) tool does not allow destructive operations from AI.',
		);
		const [item] = await runNode('smtpEmail', { ...params, options: {} }, { credentials: plain(), asTool: true, items: [{ ...backupFailure }] });
		expect(item.json).toMatchObject({ sent: true, accepted: ['admin@example.test'] });
	});

	it('a list entry that is neither an address nor @domain is an error naming it', async () => {
		smtp = await startSmtpReceiver({});
		const error = await fail(asTool({ toEmail: 'ops@example.test', aiAllowedRecipients: 'ops@example.test\nexample.test' }));
		expect(error.message).toBe('AI Allowed Recipients: "example.test" is neither an address (ops@example.com) nor a domain (@example.com)');
		expect(error.description).toBe('Field: AI Allowed Recipients');
		expect(smtp.messages).toHaveLength(0);
	});

	it('run by a person (not as a tool), the list does not apply', async () => {
		smtp = await startSmtpReceiver({});
		const [item] = await runNode('smtpEmail', { ...base, toEmail: 'anyone@evil.example', aiAllowedRecipients: 'ops@example.test' }, { credentials: plain() });
		expect(item.json.accepted).toEqual(['anyone@evil.example']);
	});
});
