/** A fetched IMAP message to the trigger's item (mailparser), and the item of a mail that cannot be read. */
import { mailItem, unreadableMailItem } from '../../../nodes/MailTrigger/message';
import { plainMail, withAttachment } from '../../engine/mail/fixtures';

const fetched = (raw: string, uid = 7) =>
	({ uid, seq: 1, size: raw.length, flags: new Set(['\\Seen']), internalDate: new Date('2026-11-30T02:00:00Z'), envelope: { subject: 'env subject', messageId: '<env@x>', from: [{ address: 'root@pve1.example.com', name: 'Proxmox VE' }] }, source: Buffer.from(raw) }) as never;

const options = {
	mailbox: 'INBOX',
	includeHtml: false,
	downloadAttachments: true,
	maxAttachmentBytes: 1024 * 1024,
	binaryPrefix: 'attachment_',
	prepareBinary: async (data: Buffer, fileName: string | undefined, mimeType: string) => ({ data: data.toString('base64'), fileName, mimeType }),
};

describe('mail items', () => {
	it('builds the common event and the mail fields', async () => {
		const parsed = await mailItem(fetched(plainMail('Hello', { from: 'Ann <ann@example.test>', messageId: '<m1@example.test>', date: new Date('2026-11-30T01:59:00Z') })), options, new Date('2026-11-30T02:00:05Z'));
		expect(parsed.seen).toBe(true);
		expect(parsed.item.json).toMatchObject({
			source: 'email',
			id: '<env@x>',
			timestamp: '2026-11-30T01:59:00.000Z',
			receivedAt: '2026-11-30T02:00:05.000Z',
			severity: 'info',
			title: 'Hello',
			message: 'Body of Hello',
			event: null,
			from: { address: 'ann@example.test', name: 'Ann' },
			messageId: '<m1@example.test>',
			uid: 7,
			flags: ['\\Seen'],
		});
	});

	it('rejects when an attachment cannot be stored, and the unreadable item keeps the envelope and the reason', async () => {
		const failing = { ...options, prepareBinary: async () => Promise.reject(new Error('binary data store is full')) };
		const error = (await mailItem(fetched(withAttachment('att', 'a.bin', Buffer.from('x'))), failing).catch((e: Error) => e)) as Error;
		expect(error.message).toBe('binary data store is full');
		const item = unreadableMailItem(fetched('broken'), 'INBOX', error, new Date('2026-11-30T02:00:05Z'));
		expect(item.item.json).toMatchObject({
			source: 'email',
			severity: 'warning',
			title: 'env subject',
			subject: 'env subject',
			from: { address: 'root@pve1.example.com', name: 'Proxmox VE' },
			event: null,
			uid: 7,
			readError: 'The mail could not be read: binary data store is full',
		});
	});
});
