/**
 * The Proxmox Mail Trigger through n8n's TriggerContext against a real Dovecot
 * (test/simulators/mail): IDLE delivery, polling fallback, restart catch-up, UIDVALIDITY change,
 * cut and dead connections, bad password, filters and after-processing actions.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { startTrigger, type TriggerHandle } from '../../helpers/engine';
import { startDovecot, type Dovecot } from '../../simulators/mail/dovecot';
import { TcpProxy } from '../../simulators/mail/tcpProxy';
import { plainMail, proxmoxMail, VZDUMP_FAILED_TEXT, withAttachment } from './fixtures';

const USERS = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`u${i}`, `pw${i}`]));
let dovecot: Dovecot;
let next = 0;
const handles: TriggerHandle[] = [];
const proxies: TcpProxy[] = [];

beforeAll(async () => {
	dovecot = await startDovecot({ users: USERS });
}, 60000);

afterEach(async () => {
	for (const handle of handles.splice(0)) await handle.close();
	for (const proxy of proxies.splice(0)) await proxy.close();
});

afterAll(async () => {
	await dovecot?.close();
});

/** A fresh user (mailbox) per test. */
function user(): string {
	return `u${next++}`;
}

function credentials(login: string, overrides: IDataObject = {}) {
	return { proxmoxMcpImapApi: { host: '127.0.0.1', port: dovecot.imapPort, security: 'none', user: login, authentication: 'password', password: USERS[login], tlsMode: 'system', ...overrides } };
}

async function start(login: string, parameters: IDataObject = {}, options: { staticData?: IDataObject; mode?: 'trigger' | 'manual'; credentials?: IDataObject } = {}) {
	const handle = await startTrigger('proxmoxMailTrigger', { mailbox: 'INBOX', afterProcessing: 'leave', options: { keepaliveSeconds: 2, noopTimeoutSeconds: 2 }, ...parameters } as never, {
		credentials: credentials(login, options.credentials),
		staticData: options.staticData,
		mode: options.mode,
	});
	handles.push(handle);
	return handle;
}

const subjects = (emitted: INodeExecutionData[][][]) => emitted.map((emit) => emit[0][0].json.subject);
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

describe('Proxmox Mail Trigger', () => {
	it('pushes new mail through IDLE as the common event; a vzdump failure carries the failing guest', async () => {
		const login = user();
		await dovecot.append(plainMail('history'), { user: login });
		const trigger = await start(login);
		await dovecot.append(proxmoxMail("vzdump backup status (pve1.example.com): backup failed: storage 'local' is full", VZDUMP_FAILED_TEXT), { user: login });
		const [[[item]]] = await trigger.waitForEmit(1, 15000);
		expect(item.json).toMatchObject({
			source: 'email',
			severity: 'error',
			host: 'pve1',
			title: "vzdump backup status (pve1.example.com): backup failed: storage 'local' is full",
			from: { address: 'root@pve1.example.com', name: 'Proxmox VE' },
			to: [{ address: 'reports@example.test', name: '' }],
			mailbox: 'INBOX',
			uid: 2,
			event: {
				type: 'backup.job.failed',
				node: 'pve1',
				failedVmids: [101],
				key: expect.stringMatching(/^proxmox:backup\.job\.failed:pve1:-:\d{8}T\d{4}$/),
			},
			counters: { received: 1, emitted: 1, mode: 'idle' },
		});
		expect((item.json.event as IDataObject).guests).toEqual(expect.arrayContaining([expect.objectContaining({ vmid: 101, name: 'db', ok: false, error: "storage 'local' is full" })]));
		expect(String(item.json.text)).toContain('Details');
		expect(item.json.html).toBeUndefined();
		expect(item.json.messageId).toMatch(/^<pve\./);
		await settle();
		expect(subjects(trigger.emitted)).toHaveLength(1);
		expect(trigger.staticData).toMatchObject({ lastUid: 2 });
	});

	it('reads every Proxmox VE / PBS report format arriving in the mailbox', async () => {
		const login = user();
		const trigger = await start(login);
		const pbs = { author: 'Proxmox Backup Server - pbs1', from: 'root@pbs1.example.com' };
		const mails: Array<[string, string, { author?: string; from?: string }?]> = [
			['vzdump backup status (pve1.example.com) : backup failed', 'VMID       NAME                 STATUS       TIME       SIZE  FILENAME\n101        db                   err      00:00:03     0.00MB  -\n\nDetailed backup logs:\n\n101: 2023-05-01 02:01:16 ERROR: Backup of VM 101 failed - unable to open disk image\n', { author: 'vzdump backup tool' }],
			["Verify Datastore 'store1' failed", 'Job ID: v-1\nDatastore: store1\n\nVerification failed on these snapshots/groups:\n\n  vm/100/2026-11-29T02:00:01Z\n', pbs],
			["Sync remote 'offsite' datastore 'archive' successful", 'Job ID: s-1\nDatastore: store1\n\nSynchronization successful.\n', pbs],
			["Pruning datastore 'store1' failed", 'Datastore: store1\n\nPruning failed: permission check failed\n', pbs],
			["Tape Backup 'weekly' datastore 'store1' successful", 'Datastore: store1\n', pbs],
			['New software packages available (pve1.example.com)', 'Package Name   Installed Version   Latest Version\npve-manager    8.2.4               8.2.7\n'],
			["Successfully fenced node 'pve3'", 'The node pve3 was fenced.\n'],
			["Replication Job: '100-0' failed", "Replication job '100-0' with target 'pve2' failed!\n\nError:\nno space\n"],
		];
		await dovecot.appendMany(mails.map(([subject, text, from]) => proxmoxMail(subject, text, from)), { user: login });
		await trigger.waitForEmit(mails.length, 15000);
		expect(trigger.emitted.map((emit) => (emit[0][0].json.event as IDataObject).type)).toEqual([
			'backup.job.failed',
			'verify.failed',
			'sync.finish',
			'prune.failed',
			'tape-backup.finish',
			'package.updates',
			'node.fence',
			'replication.failed',
		]);
		expect(trigger.emitted[1][0][0].json).toMatchObject({ host: 'pbs1', severity: 'error', event: { failedSnapshots: ['vm/100/2026-11-29T02:00:01Z'] } });
		expect(trigger.emitted.every((emit) => typeof (emit[0][0].json.event as IDataObject).key === 'string')).toBe(true);
	});

	it('emits unknown mail with event null, HTML when asked, attachments as binary within the size limit', async () => {
		const login = user();
		const trigger = await start(login, { options: { includeHtml: true, maxAttachmentMb: 1 } });
		await dovecot.append(plainMail('Lunch?'), { user: login });
		await dovecot.append(withAttachment('small', 'report.txt', Buffer.from('hello attachment'), 'text/plain'), { user: login });
		await dovecot.append(withAttachment('big', 'disk.img', Buffer.alloc(1.5 * 1024 * 1024, 7)), { user: login });
		await trigger.waitForEmit(3, 15000);
		const [[[lunch]], [[small]], [[big]]] = trigger.emitted;
		expect(lunch.json).toMatchObject({ event: null, severity: 'info', subject: 'Lunch?', html: null, attachments: [] });
		expect(small.json.attachments).toEqual([expect.objectContaining({ fileName: 'report.txt', contentType: 'text/plain', binaryProperty: 'attachment_0' })]);
		expect(Buffer.from(small.binary!.attachment_0.data, 'base64').toString()).toBe('hello attachment');
		expect(small.binary!.attachment_0.fileName).toBe('report.txt');
		expect(big.binary).toBeUndefined();
		expect(big.json.attachments).toEqual([expect.objectContaining({ fileName: 'disk.img', binaryProperty: null, skipped: expect.stringContaining('1 MB') })]);
	});

	it('falls back to polling when the server has no IDLE', async () => {
		const noIdle = await startDovecot({ users: { p: 'pw' }, withoutIdle: true, tls: false });
		try {
			const trigger = await startTrigger('proxmoxMailTrigger', { mailbox: 'INBOX', afterProcessing: 'leave', options: { pollIntervalSeconds: 1 } } as never, {
				credentials: { proxmoxMcpImapApi: { host: '127.0.0.1', port: noIdle.imapPort, security: 'none', user: 'p', password: 'pw', tlsMode: 'system' } },
			});
			handles.push(trigger);
			await noIdle.append(plainMail('polled 1'), { user: 'p' });
			await noIdle.append(plainMail('polled 2'), { user: 'p' });
			await trigger.waitForEmit(2, 15000);
			expect(subjects(trigger.emitted)).toEqual(['polled 1', 'polled 2']);
			expect(trigger.emitted[0][0][0].json.counters).toMatchObject({ mode: 'poll' });
			await trigger.close();
		} finally {
			await noIdle.close();
		}
	});

	it('restart catch-up: mail that arrived while stopped is emitted once, in order (0 lost, 0 duplicated)', async () => {
		const login = user();
		const first = await start(login);
		for (let i = 1; i <= 3; i++) await dovecot.append(plainMail(`live ${i}`), { user: login });
		await first.waitForEmit(3, 15000);
		await first.close();
		const staticData = JSON.parse(JSON.stringify(first.staticData)) as IDataObject;
		for (let i = 1; i <= 5; i++) await dovecot.append(plainMail(`while down ${i}`), { user: login });
		const second = await start(login, {}, { staticData });
		await second.waitForEmit(5, 15000);
		await dovecot.append(plainMail('after restart'), { user: login });
		await second.waitForEmit(6, 15000);
		await settle();
		const all = [...subjects(first.emitted), ...subjects(second.emitted)];
		expect(all).toEqual(['live 1', 'live 2', 'live 3', 'while down 1', 'while down 2', 'while down 3', 'while down 4', 'while down 5', 'after restart']);
		expect(new Set(all).size).toBe(all.length);
	});

	it('a first activation does not replay the mailbox', async () => {
		const login = user();
		for (let i = 1; i <= 3; i++) await dovecot.append(plainMail(`old ${i}`), { user: login });
		const trigger = await start(login);
		await dovecot.append(plainMail('new'), { user: login });
		await trigger.waitForEmit(1, 15000);
		await settle();
		expect(subjects(trigger.emitted)).toEqual(['new']);
	});

	it('a UIDVALIDITY change resynchronises without duplicates', async () => {
		const login = user();
		await dovecot.createMailbox('Reports', login);
		const trigger = await start(login, { mailbox: 'Reports' });
		const kept = [plainMail('r1'), plainMail('r2')];
		await dovecot.appendMany(kept, { user: login, mailbox: 'Reports' });
		await trigger.waitForEmit(2, 15000);
		await trigger.close();
		const staticData = JSON.parse(JSON.stringify(trigger.staticData)) as IDataObject;
		// The mailbox is recreated (restore, migration): the old mails come back with new UIDs, plus a new one.
		await new Promise((resolve) => setTimeout(resolve, 1100));
		const validity = await dovecot.recreateMailbox('Reports', [...kept, plainMail('r3 after recreate')], login);
		expect(String(validity)).not.toBe(staticData.uidValidity);
		const second = await start(login, { mailbox: 'Reports' }, { staticData });
		await second.waitForEmit(1, 15000);
		await dovecot.append(plainMail('r4'), { user: login, mailbox: 'Reports' });
		await second.waitForEmit(2, 15000);
		await settle();
		expect(subjects(second.emitted)).toEqual(['r3 after recreate', 'r4']);
		expect(second.staticData.uidValidity).toBe(String(validity));
		expect(second.emitted[0][0][0].json.counters).toMatchObject({ uidValidityChanges: 1 });
	});

	it('reconnects after a cut connection and catches up what arrived meanwhile', async () => {
		const login = user();
		const proxy = await TcpProxy.start(dovecot.imapPort);
		proxies.push(proxy);
		const trigger = await start(login, {}, { credentials: { port: proxy.port } });
		await dovecot.append(plainMail('before cut'), { user: login });
		await trigger.waitForEmit(1, 15000);
		proxy.refuse();
		proxy.cut();
		await dovecot.append(plainMail('during outage'), { user: login });
		proxy.acceptAgain();
		await trigger.waitForEmit(2, 20000);
		await dovecot.append(plainMail('after reconnect'), { user: login });
		await trigger.waitForEmit(3, 15000);
		await settle();
		expect(subjects(trigger.emitted)).toEqual(['before cut', 'during outage', 'after reconnect']);
		expect(trigger.emitted[2][0][0].json.counters).toMatchObject({ reconnects: expect.any(Number) });
		expect((trigger.emitted[2][0][0].json.counters as IDataObject).reconnects).toBeGreaterThanOrEqual(1);
		expect(trigger.errors).toEqual([]);
	});

	it('detects a dead connection (no answer to NOOP) and reconnects', async () => {
		const login = user();
		const proxy = await TcpProxy.start(dovecot.imapPort);
		proxies.push(proxy);
		const trigger = await start(login, { options: { keepaliveSeconds: 1, noopTimeoutSeconds: 1 } }, { credentials: { port: proxy.port } });
		await dovecot.append(plainMail('before freeze'), { user: login });
		await trigger.waitForEmit(1, 15000);
		const acceptedBefore = proxy.accepted;
		proxy.freeze();
		await dovecot.append(plainMail('while frozen'), { user: login });
		// The trigger gives up on the silent connection (its NOOP got no answer) and closes it.
		await waitUntil(() => proxy.connections === 0 || proxy.accepted > acceptedBefore, 'the dead connection to be dropped');
		proxy.thaw();
		await trigger.waitForEmit(2, 20000);
		expect(subjects(trigger.emitted)).toEqual(['before freeze', 'while frozen']);
	});

	it('a wrong password fails the activation with a clear error, without retrying', async () => {
		const login = user();
		const error = (await start(login, {}, { credentials: { password: 'wrong' } }).catch((e: Error) => e)) as Error;
		expect(error.message).toContain(`Authentication failed for user "${login}" on 127.0.0.1:${dovecot.imapPort}`);
		expect(error.message).toContain('check the user and password of the IMAP credential');
		expect(error.message).not.toContain('wrong');
	});

	it('a password changed while active is reported once through emitError, with no retry loop', async () => {
		const login = user();
		const proxy = await TcpProxy.start(dovecot.imapPort);
		proxies.push(proxy);
		const trigger = await start(login, {}, { credentials: { port: proxy.port } });
		await dovecot.append(plainMail('one'), { user: login });
		await trigger.waitForEmit(1, 15000);
		const secondLogin = user();
		// The proxy's next connections reach a server where this login does not exist (a password changed meanwhile).
		const wrong = await startDovecot({ users: { [secondLogin]: 'other' }, tls: false });
		try {
			proxy.retarget(wrong.imapPort);
			proxy.cut();
			await trigger.waitForError(1, 20000);
			const acceptedAfterError = proxy.accepted;
			await new Promise((resolve) => setTimeout(resolve, 2500));
			expect(trigger.errors).toHaveLength(1);
			expect(trigger.errors[0].message).toContain('Authentication failed');
			expect(proxy.accepted).toBe(acceptedAfterError);
		} finally {
			await wrong.close();
		}
	});

	it('refuses Security "None" for a host that is not loopback', async () => {
		const error = (await start(user(), {}, { credentials: { host: 'imap.example.com' } }).catch((e: Error) => e)) as Error;
		expect(error.message).toContain('Security "None" is allowed only for a server on this machine');
	});

	it('filters by sender, subject, unseen state and Proxmox-only', async () => {
		const login = user();
		const trigger = await start(login, { filters: { from: 'pve1.example.com', subjectRegex: '^vzdump', unseenOnly: true, proxmoxOnly: true } });
		await dovecot.append(plainMail('vzdump backup status (pve1.example.com): backup successful', { from: 'root@elsewhere.test' }), { user: login });
		await dovecot.append(plainMail('vzdump but not a report', { from: 'root@pve1.example.com' }), { user: login });
		await dovecot.append(proxmoxMail('vzdump backup status (pve1.example.com): backup successful', 'Details\n=======\n'), { user: login, flags: ['\\Seen'] });
		await dovecot.append(proxmoxMail('vzdump backup status (pve1.example.com): backup failed', VZDUMP_FAILED_TEXT), { user: login });
		await trigger.waitForEmit(1, 15000);
		await settle();
		expect(subjects(trigger.emitted)).toEqual(['vzdump backup status (pve1.example.com): backup failed']);
		expect(trigger.emitted[0][0][0].json.counters).toMatchObject({ received: 4, filtered: 3, emitted: 1 });
	});

	it('marks processed mail as read, or moves it to a folder', async () => {
		const seenUser = user();
		const seen = await start(seenUser, { afterProcessing: 'markSeen' });
		await dovecot.append(plainMail('to mark'), { user: seenUser });
		await seen.waitForEmit(1, 15000);
		await waitUntil(async () => (await dovecot.messages('INBOX', seenUser)).some((m) => m.subject === 'to mark' && m.flags.includes('\\Seen')), 'the \\Seen flag');

		const moveUser = user();
		const missing = (await start(moveUser, { afterProcessing: 'move', moveTo: 'Processed' }).catch((e: Error) => e)) as Error;
		expect(missing.message).toContain('The folder "Processed" to move processed mail to does not exist');
		await dovecot.createMailbox('Processed', moveUser);
		const moving = await start(moveUser, { afterProcessing: 'move', moveTo: 'Processed' });
		await dovecot.append(plainMail('to move'), { user: moveUser });
		await moving.waitForEmit(1, 15000);
		await waitUntil(async () => (await dovecot.messages('Processed', moveUser)).some((m) => m.subject === 'to move'), 'the moved mail');
		expect(await dovecot.messages('INBOX', moveUser)).toEqual([]);
	});

	it('a missing mailbox fails the activation naming it', async () => {
		const error = (await start(user(), { mailbox: 'Nope' }).catch((e: Error) => e)) as Error;
		expect(error.message).toContain('Mailbox "Nope" does not exist');
	});

	it('"Test step" emits the next mail only and leaves the cursor alone', async () => {
		const login = user();
		const trigger = await start(login, {}, { mode: 'manual' });
		const run = trigger.manualTriggerFunction!();
		await run;
		await dovecot.append(plainMail('test step'), { user: login });
		await dovecot.append(plainMail('not this one'), { user: login });
		await trigger.waitForEmit(1, 15000);
		await settle();
		expect(subjects(trigger.emitted)).toEqual(['test step']);
		expect(trigger.staticData.lastUid).toBeUndefined();
	});
});
