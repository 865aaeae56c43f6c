/** The Discord node's operations on webhook messages; each returns the output items of one input item. */
import { randomBytes } from 'node:crypto';

import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { readSendEvent, renderDiscordEmbed, skippedOutput, type DiscordEmbed } from '../shared/render';
import { applyLimits, type LimitMode, type MessagePayload } from './limits';
import { discordRequest, type DiscordConnection, type RetryPolicy, type RetryRecord } from './transport';

type Operation = (this: IExecuteFunctions, connection: DiscordConnection, itemIndex: number) => Promise<IDataObject[]>;

interface FilePart {
	field: string;
	filename: string;
	mimeType: string;
	data: Buffer;
}

const SNOWFLAKE = /^\d{15,25}$/;

function snowflakeParameter(context: IExecuteFunctions, value: unknown, label: string, itemIndex: number): string {
	const id = String(value ?? '').trim();
	if (!SNOWFLAKE.test(id)) throw new NodeOperationError(context.getNode(), `${label} "${id}" is not a Discord ID (a number of 15 to 25 digits)`, { itemIndex });
	return id;
}

function policyOf(options: IDataObject): RetryPolicy {
	return {
		maxRetries: typeof options.maxRetries === 'number' ? options.maxRetries : 3,
		maxWaitSeconds: typeof options.maxWaitSeconds === 'number' ? options.maxWaitSeconds : 60,
	};
}

function threadQuery(context: IExecuteFunctions, options: IDataObject, itemIndex: number): string | undefined {
	return options.threadId ? snowflakeParameter(context, options.threadId, 'Thread ID', itemIndex) : undefined;
}

function colourNumber(value: unknown): number | undefined {
	if (typeof value === 'number') return value;
	const text = String(value ?? '').trim();
	if (!text) return undefined;
	if (/^#?[0-9a-f]{6}$/i.test(text)) return parseInt(text.replace('#', ''), 16);
	if (/^\d+$/.test(text)) return Number(text);
	return undefined;
}

/** Embeds from the UI builder or the JSON parameter. */
function readEmbeds(context: IExecuteFunctions, itemIndex: number): DiscordEmbed[] | undefined {
	const mode = context.getNodeParameter('embedsMode', itemIndex, 'none') as string;
	if (mode === 'json') {
		const raw = context.getNodeParameter('embedsJson', itemIndex, '[]') as unknown;
		let parsed = raw;
		if (typeof raw === 'string') {
			try {
				parsed = JSON.parse(raw || '[]');
			} catch {
				throw new NodeOperationError(context.getNode(), 'Embeds (JSON) is not valid JSON', { itemIndex });
			}
		}
		if (parsed && !Array.isArray(parsed) && typeof parsed === 'object') parsed = [parsed];
		if (!Array.isArray(parsed) || parsed.some((embed) => !embed || typeof embed !== 'object' || Array.isArray(embed))) {
			throw new NodeOperationError(context.getNode(), 'Embeds (JSON) must be an array of embed objects', { itemIndex });
		}
		return parsed as DiscordEmbed[];
	}
	if (mode !== 'ui') return undefined;
	const list = ((context.getNodeParameter('embeds', itemIndex, {}) as IDataObject).embed as IDataObject[] | undefined) ?? [];
	return list.map((entry, i) => {
		const embed: DiscordEmbed = {};
		if (entry.title) embed.title = String(entry.title);
		if (entry.description) embed.description = String(entry.description);
		if (entry.url) embed.url = String(entry.url);
		const colour = colourNumber(entry.color);
		if (entry.color && colour === undefined) throw new NodeOperationError(context.getNode(), `Embed ${i + 1}: Color "${String(entry.color)}" is not a colour such as #e74c3c`, { itemIndex });
		if (colour !== undefined) embed.color = colour;
		if (entry.timestamp) {
			const time = Date.parse(String(entry.timestamp));
			if (Number.isNaN(time)) throw new NodeOperationError(context.getNode(), `Embed ${i + 1}: Timestamp "${String(entry.timestamp)}" is not a date`, { itemIndex });
			embed.timestamp = new Date(time).toISOString();
		}
		if (entry.authorName) embed.author = { name: String(entry.authorName) };
		if (entry.footerText) embed.footer = { text: String(entry.footerText) };
		if (entry.imageUrl) embed.image = { url: String(entry.imageUrl) };
		if (entry.thumbnailUrl) embed.thumbnail = { url: String(entry.thumbnailUrl) };
		const fields = ((entry.fields as IDataObject | undefined)?.field as IDataObject[] | undefined) ?? [];
		if (fields.length > 0) embed.fields = fields.map((field) => ({ name: String(field.name ?? ''), value: String(field.value ?? ''), inline: field.inline === true }));
		return embed;
	});
}

async function readFiles(context: IExecuteFunctions, itemIndex: number): Promise<FilePart[]> {
	const names = (context.getNodeParameter('binaryProperties', itemIndex, '') as string)
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '');
	if (names.length > 10) throw new NodeOperationError(context.getNode(), `Files lists ${names.length} binary properties; Discord takes up to 10 files per message`, { itemIndex });
	const files: FilePart[] = [];
	for (const [index, name] of names.entries()) {
		const binary = context.helpers.assertBinaryData(itemIndex, name);
		files.push({
			field: `files[${index}]`,
			filename: binary.fileName || `${name}${binary.fileExtension ? `.${binary.fileExtension}` : ''}`,
			mimeType: binary.mimeType || 'application/octet-stream',
			data: await context.helpers.getBinaryDataBuffer(itemIndex, name),
		});
	}
	return files;
}

/** multipart/form-data with `payload_json` and `files[n]` (webhook.mdx "Uploading Files"). */
export function multipartBody(payload: MessagePayload, files: FilePart[]): { body: Buffer; contentType: string } {
	const boundary = `----n8nDiscord${randomBytes(12).toString('hex')}`;
	const parts: Buffer[] = [];
	const quoted = (text: string) => text.replace(/["\\\r\n]/g, '_');
	parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="payload_json"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(payload)}\r\n`));
	for (const file of files) {
		// Browsers send the UTF-8 file name as is inside the quotes (WHATWG multipart/form-data encoding).
		parts.push(
			Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${quoted(file.filename)}"\r\nContent-Type: ${file.mimeType.replace(/[\r\n]/g, '')}\r\n\r\n`, 'utf8'),
			file.data,
			Buffer.from('\r\n'),
		);
	}
	parts.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

function allowedMentions(options: IDataObject): Record<string, unknown> {
	return { parse: Array.isArray(options.allowedMentions) ? (options.allowedMentions as string[]) : [] };
}

function withRetries(json: IDataObject, retries: RetryRecord[]): IDataObject {
	return retries.length > 0 ? { ...json, retries: retries as unknown as IDataObject[] } : json;
}

/** Posts each payload (one, or several when split); the files go with the first. */
async function execute(
	connection: DiscordConnection,
	payloads: MessagePayload[],
	files: FilePart[],
	query: { wait: boolean; threadId?: string },
	policy: RetryPolicy,
): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	for (const [index, payload] of payloads.entries()) {
		const attach = index === 0 ? files : [];
		const body = attach.length > 0 ? { ...payload, attachments: attach.map((file, id) => ({ id, filename: file.filename })) } : payload;
		const response = await discordRequest<IDataObject>(
			connection,
			{
				method: 'POST',
				query: { wait: query.wait ? 'true' : undefined, thread_id: query.threadId },
				...(attach.length > 0 ? { multipart: multipartBody(body, attach) } : { json: body }),
			},
			policy,
		);
		const json = query.wait && response.data ? response.data : { sent: true };
		out.push(withRetries(payloads.length > 1 ? { ...json, part: index + 1, parts: payloads.length } : json, response.retries));
	}
	return out;
}

const send: Operation = async function (connection, itemIndex) {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const content = this.getNodeParameter('content', itemIndex, '') as string;
	const embeds = readEmbeds(this, itemIndex);
	const files = await readFiles(this, itemIndex);
	if (!content.trim() && !embeds?.length && files.length === 0) {
		throw new NodeOperationError(this.getNode(), 'Give Content, an embed or a file: Discord refuses an empty message', { itemIndex });
	}
	let flags = 0;
	if (options.suppressEmbeds === true) flags |= 1 << 2;
	if (options.suppressNotifications === true) flags |= 1 << 12;
	const payload: MessagePayload = { allowed_mentions: allowedMentions(options) };
	if (content.trim()) payload.content = content;
	if (embeds?.length) payload.embeds = embeds;
	if (options.username) payload.username = String(options.username);
	if (options.avatarUrl) payload.avatar_url = String(options.avatarUrl);
	if (options.tts === true) payload.tts = true;
	if (flags) payload.flags = flags;
	if (options.threadName) payload.thread_name = String(options.threadName);
	const payloads = applyLimits(payload, ((options.limitMode as LimitMode) ?? 'error') || 'error');
	return await execute(connection, payloads, files, { wait: options.wait !== false, threadId: threadQuery(this, options, itemIndex) }, policyOf(options));
};

const sendEvent: Operation = async function (connection, itemIndex) {
	const input = readSendEvent(this, itemIndex);
	if (!input.send) return [skippedOutput(input)];
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const payload: MessagePayload = { embeds: [renderDiscordEmbed(input.view)], allowed_mentions: allowedMentions(options) };
	if (options.username) payload.username = String(options.username);
	if (options.avatarUrl) payload.avatar_url = String(options.avatarUrl);
	if (options.suppressNotifications === true) payload.flags = 1 << 12;
	if (options.threadName) payload.thread_name = String(options.threadName);
	const payloads = applyLimits(payload, ((options.limitMode as LimitMode) ?? 'truncate') || 'truncate');
	const [result, ...more] = await execute(connection, payloads, [], { wait: options.wait !== false, threadId: threadQuery(this, options, itemIndex) }, policyOf(options));
	return [{ ...result, sent: true, severity: input.view.severity }, ...more];
};

const edit: Operation = async function (connection, itemIndex) {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const messageId = snowflakeParameter(this, this.getNodeParameter('messageId', itemIndex), 'Message ID', itemIndex);
	const content = this.getNodeParameter('content', itemIndex, '') as string;
	const embeds = readEmbeds(this, itemIndex);
	const files = await readFiles(this, itemIndex);
	const payload: MessagePayload = { allowed_mentions: allowedMentions(options) };
	if (content !== '') payload.content = content;
	if (embeds !== undefined) payload.embeds = embeds;
	if (payload.content === undefined && payload.embeds === undefined && files.length === 0) {
		throw new NodeOperationError(this.getNode(), 'Give new Content, embeds or a file to change', { itemIndex });
	}
	const mode = (options.limitMode as LimitMode) === 'truncate' ? 'truncate' : 'error';
	const [limited] = applyLimits(payload, mode);
	const body = files.length > 0 ? { ...limited, attachments: files.map((file, id) => ({ id, filename: file.filename })) } : limited;
	const response = await discordRequest<IDataObject>(
		connection,
		{ method: 'PATCH', path: `/messages/${messageId}`, query: { thread_id: threadQuery(this, options, itemIndex) }, ...(files.length > 0 ? { multipart: multipartBody(body, files) } : { json: body }) },
		policyOf(options),
	);
	return [withRetries(response.data ?? {}, response.retries)];
};

const get: Operation = async function (connection, itemIndex) {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const messageId = snowflakeParameter(this, this.getNodeParameter('messageId', itemIndex), 'Message ID', itemIndex);
	const response = await discordRequest<IDataObject>(connection, { method: 'GET', path: `/messages/${messageId}`, query: { thread_id: threadQuery(this, options, itemIndex) } }, policyOf(options));
	return [withRetries(response.data ?? {}, response.retries)];
};

const remove: Operation = async function (connection, itemIndex) {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const messageId = snowflakeParameter(this, this.getNodeParameter('messageId', itemIndex), 'Message ID', itemIndex);
	const response = await discordRequest(connection, { method: 'DELETE', path: `/messages/${messageId}`, query: { thread_id: threadQuery(this, options, itemIndex) } }, policyOf(options));
	return [withRetries({ deleted: true, messageId }, response.retries)];
};

export const OPERATIONS: Record<string, Operation> = { send, sendEvent, edit, get, delete: remove };
