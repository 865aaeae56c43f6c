/** The Email node's operations: a message is composed with Nodemailer's MailComposer and sent over SMTP. */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';

import { readSendEvent, renderEmail, skippedOutput } from '../shared/render';
import { sendRaw, type SmtpSettings } from './transport';

type Operation = (this: IExecuteFunctions, settings: SmtpSettings, itemIndex: number) => Promise<IDataObject>;

/** Header names Nodemailer builds itself: a custom header must not replace them. */
const RESERVED_HEADERS = new Set(['from', 'to', 'cc', 'bcc', 'reply-to', 'subject', 'content-type', 'content-transfer-encoding', 'mime-version', 'message-id', 'date']);

function addressList(context: IExecuteFunctions, value: unknown, field: string, itemIndex: number, required: boolean): string | undefined {
	const text = String(value ?? '').trim();
	if (!text) {
		if (required) throw new NodeOperationError(context.getNode(), `${field} is empty: give at least one address`, { itemIndex });
		return undefined;
	}
	if (/[\r\n]/.test(text)) throw new NodeOperationError(context.getNode(), `${field} must not contain line breaks`, { itemIndex });
	for (const part of text.split(',').map((entry) => entry.trim()).filter(Boolean)) {
		const address = /<([^>]*)>\s*$/.exec(part)?.[1] ?? part;
		if (!/^[^\s@<>]+@[^\s@<>]+$/.test(address)) throw new NodeOperationError(context.getNode(), `${field}: "${part}" is not an e-mail address`, { itemIndex });
	}
	return text;
}

async function compose(options: Mail.Options): Promise<{ raw: Buffer; envelope: { from: string; to: string[] }; messageId: string }> {
	const mail = new MailComposer(options).compile();
	const raw = await new Promise<Buffer>((resolve, reject) => mail.build((error, message) => (error ? reject(error) : resolve(message))));
	const envelope = mail.getEnvelope();
	return { raw, envelope: { from: envelope.from || '', to: envelope.to }, messageId: mail.messageId() };
}

async function deliver(settings: SmtpSettings, options: Mail.Options): Promise<IDataObject> {
	const { raw, envelope, messageId } = await compose(options);
	const result = await sendRaw(settings, envelope, raw);
	return { messageId, accepted: result.accepted, rejected: result.rejected, response: result.response, size: result.messageSize };
}

function common(context: IExecuteFunctions, itemIndex: number, options: IDataObject): Mail.Options {
	return {
		from: addressList(context, context.getNodeParameter('fromEmail', itemIndex), 'From', itemIndex, true),
		to: addressList(context, context.getNodeParameter('toEmail', itemIndex), 'To', itemIndex, true),
		cc: addressList(context, options.cc, 'CC', itemIndex, false),
		bcc: addressList(context, options.bcc, 'BCC', itemIndex, false),
		replyTo: addressList(context, options.replyTo, 'Reply To', itemIndex, false),
	};
}

const send: Operation = async function (settings, itemIndex) {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const format = this.getNodeParameter('emailFormat', itemIndex, 'text') as string;
	const subject = this.getNodeParameter('subject', itemIndex, '') as string;
	const mail: Mail.Options = { ...common(this, itemIndex, options), subject: subject.replace(/[\r\n]+/g, ' ') };
	if (format === 'text' || format === 'both') mail.text = this.getNodeParameter('text', itemIndex, '') as string;
	if (format === 'html' || format === 'both') mail.html = this.getNodeParameter('html', itemIndex, '') as string;
	const names = String(options.attachments ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
	mail.attachments = [];
	for (const name of names) {
		const binary = this.helpers.assertBinaryData(itemIndex, name);
		mail.attachments.push({
			filename: binary.fileName || name,
			contentType: binary.mimeType || 'application/octet-stream',
			content: await this.helpers.getBinaryDataBuffer(itemIndex, name),
		});
	}
	const headers: Record<string, string> = {};
	for (const header of ((options.headers as IDataObject | undefined)?.header as IDataObject[] | undefined) ?? []) {
		const name = String(header.name ?? '').trim();
		const value = String(header.value ?? '');
		if (!/^[!-9;-~]+$/.test(name)) throw new NodeOperationError(this.getNode(), `Header name "${name}" is not valid (printable ASCII without spaces or ":")`, { itemIndex });
		if (RESERVED_HEADERS.has(name.toLowerCase())) throw new NodeOperationError(this.getNode(), `Header "${name}" is set by its own field; use that instead`, { itemIndex });
		if (/[\r\n]/.test(value)) throw new NodeOperationError(this.getNode(), `Header "${name}" must not contain line breaks`, { itemIndex });
		headers[name] = value;
	}
	if (Object.keys(headers).length > 0) mail.headers = headers;
	return await deliver(settings, mail);
};

const sendEvent: Operation = async function (settings, itemIndex) {
	const input = readSendEvent(this, itemIndex);
	if (!input.send) return skippedOutput(input);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const rendered = renderEmail(input.view);
	const result = await deliver(settings, {
		...common(this, itemIndex, options),
		subject: rendered.subject,
		text: rendered.text,
		html: rendered.html,
		headers: { 'Auto-Submitted': 'auto-generated', 'X-Event-Severity': input.view.severity },
	});
	return { sent: true, severity: input.view.severity, subject: rendered.subject, ...result };
};

export const OPERATIONS: Record<string, Operation> = { send, sendEvent };
