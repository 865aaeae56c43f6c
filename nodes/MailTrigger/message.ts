/**
 * One fetched IMAP message to the trigger's item: the common event (`source: 'email'`) plus the
 * mail's fields, parsed by mailparser (never by hand), attachments as n8n binary data.
 */
import type { FetchMessageObject } from 'imapflow';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { TriggerEvent } from '../shared/events';
import { mailCorrelationKey, recogniseProxmoxMail } from './proxmox';
import { messageIdentity } from './watcher';

export interface ItemOptions {
	mailbox: string;
	includeHtml: boolean;
	downloadAttachments: boolean;
	/** Attachments larger than this are listed but not attached. */
	maxAttachmentBytes: number;
	/** Names binary properties `<prefix>0`, `<prefix>1`... */
	binaryPrefix: string;
	prepareBinary(data: Buffer, fileName: string | undefined, mimeType: string): Promise<IBinaryData>;
}

export interface ParsedItem {
	item: INodeExecutionData;
	/** True when the mail is a recognised Proxmox VE / PBS mail. */
	proxmox: boolean;
	fromAddress: string | null;
	subject: string;
	seen: boolean;
}

function addresses(value: AddressObject | AddressObject[] | undefined): Array<{ address: string; name: string }> {
	const list = Array.isArray(value) ? value : value ? [value] : [];
	return list.flatMap((group) => group.value).map((entry) => ({ address: entry.address ?? '', name: entry.name ?? '' }));
}

function bodyText(parsed: ParsedMail): string {
	if (parsed.text) return parsed.text;
	// HTML-only mail: mailparser's plain rendering of it (html-to-text), if any.
	return typeof parsed.html === 'string' ? parsed.html.replace(/<[^>]+>/g, ' ').replace(/[ \t]+/g, ' ').trim() : '';
}

export async function mailItem(message: FetchMessageObject, options: ItemOptions, now = new Date()): Promise<ParsedItem> {
	const parsed = await simpleParser(message.source ?? Buffer.alloc(0), { skipHtmlToText: false, skipTextLinks: true });
	const from = addresses(parsed.from);
	const subject = parsed.subject ?? '';
	const text = bodyText(parsed);
	const fromAddress = from[0]?.address || null;
	const recognised = recogniseProxmoxMail({ subject, text, fromAddress, fromName: from[0]?.name || null });
	const date = parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : message.internalDate ? new Date(message.internalDate) : now;
	let event = recognised?.event ?? null;
	if (event) event = { ...event, key: mailCorrelationKey(event, Math.floor(date.getTime() / 1000)) };
	const common: TriggerEvent = {
		source: 'email',
		id: messageIdentity(message),
		timestamp: date.toISOString(),
		receivedAt: now.toISOString(),
		severity: recognised?.severity ?? 'info',
		host: recognised?.host ?? null,
		title: subject || null,
		message: text.trim(),
		event,
	};
	const binary: Record<string, IBinaryData> = {};
	const attachments: IDataObject[] = [];
	for (const attachment of parsed.attachments) {
		const entry: IDataObject = {
			fileName: attachment.filename ?? null,
			contentType: attachment.contentType,
			size: attachment.size,
			contentId: attachment.contentId ?? null,
			inline: attachment.contentDisposition === 'inline',
		};
		if (!options.downloadAttachments) entry.binaryProperty = null;
		else if (attachment.size > options.maxAttachmentBytes) {
			entry.binaryProperty = null;
			entry.skipped = `larger than the ${Math.round(options.maxAttachmentBytes / 1024 / 1024)} MB limit (Max Attachment Size option)`;
		} else {
			const property = `${options.binaryPrefix}${Object.keys(binary).length}`;
			binary[property] = await options.prepareBinary(attachment.content, attachment.filename, attachment.contentType);
			entry.binaryProperty = property;
		}
		attachments.push(entry);
	}
	const json: IDataObject = {
		...(common as unknown as IDataObject),
		from: from[0] ?? null,
		to: addresses(parsed.to),
		cc: addresses(parsed.cc),
		replyTo: addresses(parsed.replyTo),
		subject,
		messageId: parsed.messageId ?? null,
		date: date.toISOString(),
		text: parsed.text ?? null,
		mailbox: options.mailbox,
		uid: message.uid,
		size: message.size ?? null,
		flags: [...(message.flags ?? [])],
		attachments,
	};
	if (options.includeHtml) json.html = typeof parsed.html === 'string' ? parsed.html : null;
	const item: INodeExecutionData = { json };
	if (Object.keys(binary).length) item.binary = binary;
	return { item, proxmox: recognised !== null, fromAddress, subject, seen: message.flags?.has('\\Seen') ?? false };
}

/** The item for a mail mailparser or the binary store could not handle: envelope data and the reason. */
export function unreadableMailItem(message: FetchMessageObject, mailbox: string, error: Error, now = new Date()): ParsedItem {
	const envelope = message.envelope;
	const subject = envelope?.subject ?? '';
	const from = envelope?.from?.[0];
	const date = message.internalDate ? new Date(message.internalDate) : now;
	const common: TriggerEvent = {
		source: 'email',
		id: messageIdentity(message),
		timestamp: date.toISOString(),
		receivedAt: now.toISOString(),
		severity: 'warning',
		host: null,
		title: subject || null,
		message: '',
		event: null,
	};
	const json: IDataObject = {
		...(common as unknown as IDataObject),
		from: from ? { address: from.address ?? '', name: from.name ?? '' } : null,
		to: (envelope?.to ?? []).map((entry) => ({ address: entry.address ?? '', name: entry.name ?? '' })),
		subject,
		messageId: envelope?.messageId ?? null,
		date: date.toISOString(),
		text: null,
		mailbox,
		uid: message.uid,
		size: message.size ?? null,
		flags: [...(message.flags ?? [])],
		attachments: [],
		readError: `The mail could not be read: ${error.message}`,
	};
	return { item: { json }, proxmox: false, fromAddress: from?.address ?? null, subject, seen: message.flags?.has('\\Seen') ?? false };
}
