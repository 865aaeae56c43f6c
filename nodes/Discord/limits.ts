/**
 * Discord's message limits (protocols.md §3.1-3.2), checked before sending: content 2000, 10
 * embeds, embed title 256, description 4096, 25 fields, field name 256 / value 1024, footer 2048,
 * author 256, 6000 characters over all embeds of a message, username 80. Counted in code points
 * after trimming, as Discord trims. Too long: an error naming the field, or (the user's choice)
 * the text is truncated, or the message is split into several.
 */
import type { DiscordEmbed } from '../shared/render';
import { codePointLength, splitText, truncate } from '../shared/render';

export const LIMITS = {
	content: 2000,
	embeds: 10,
	title: 256,
	description: 4096,
	fields: 25,
	fieldName: 256,
	fieldValue: 1024,
	footer: 2048,
	author: 256,
	total: 6000,
	username: 80,
};

export type LimitMode = 'error' | 'truncate' | 'split';

export interface MessagePayload {
	content?: string;
	username?: string;
	avatar_url?: string;
	tts?: boolean;
	embeds?: DiscordEmbed[];
	allowed_mentions?: Record<string, unknown>;
	flags?: number;
	thread_name?: string;
	attachments?: Array<{ id: number; filename: string }>;
}

export class DiscordLimitError extends Error {
	constructor(
		message: string,
		readonly field: string,
	) {
		super(message);
		this.name = 'DiscordLimitError';
	}
}

const size = (text: string | undefined) => (text ? codePointLength(text.trim()) : 0);

export function embedSize(embed: DiscordEmbed): number {
	return (
		size(embed.title) +
		size(embed.description) +
		size(embed.footer?.text) +
		size(embed.author?.name) +
		(embed.fields ?? []).reduce((sum, field) => sum + size(field.name) + size(field.value), 0)
	);
}

/** Every limit the payload breaks, each naming its field path as Discord would. */
export function limitProblems(payload: MessagePayload): Array<{ field: string; problem: string }> {
	const problems: Array<{ field: string; problem: string }> = [];
	const check = (field: string, text: string | undefined, limit: number) => {
		const length = size(text);
		if (length > limit) problems.push({ field, problem: `${field} is ${length} characters; Discord allows ${limit}` });
	};
	check('content', payload.content, LIMITS.content);
	check('username', payload.username, LIMITS.username);
	const embeds = payload.embeds ?? [];
	if (embeds.length > LIMITS.embeds) problems.push({ field: 'embeds', problem: `embeds has ${embeds.length} embeds; Discord allows ${LIMITS.embeds} per message` });
	embeds.forEach((embed, i) => {
		const at = `embeds[${i}]`;
		check(`${at}.title`, embed.title, LIMITS.title);
		check(`${at}.description`, embed.description, LIMITS.description);
		check(`${at}.footer.text`, embed.footer?.text, LIMITS.footer);
		check(`${at}.author.name`, embed.author?.name, LIMITS.author);
		const fields = embed.fields ?? [];
		if (fields.length > LIMITS.fields) problems.push({ field: `${at}.fields`, problem: `${at}.fields has ${fields.length} fields; Discord allows ${LIMITS.fields}` });
		fields.forEach((field, j) => {
			check(`${at}.fields[${j}].name`, field.name, LIMITS.fieldName);
			check(`${at}.fields[${j}].value`, field.value, LIMITS.fieldValue);
		});
	});
	const total = embeds.reduce((sum, embed) => sum + embedSize(embed), 0);
	if (total > LIMITS.total) problems.push({ field: 'embeds', problem: `the embeds hold ${total} characters together; Discord allows ${LIMITS.total} per message` });
	return problems;
}

/** Cuts every text to its own limit (Unicode-safe), drops embeds and fields beyond the counts, then shrinks the longest texts until the 6000 total fits. */
export function truncatePayload(payload: MessagePayload): MessagePayload {
	const out: MessagePayload = { ...payload };
	if (out.content !== undefined) out.content = truncate(out.content.trim(), LIMITS.content);
	if (out.username !== undefined) out.username = truncate(out.username, LIMITS.username);
	if (out.embeds) {
		out.embeds = out.embeds.slice(0, LIMITS.embeds).map((embed) => truncateEmbed(embed));
		shrinkToTotal(out.embeds, LIMITS.total);
	}
	return out;
}

function truncateEmbed(embed: DiscordEmbed): DiscordEmbed {
	const out: DiscordEmbed = { ...embed };
	if (out.title !== undefined) out.title = truncate(out.title.trim(), LIMITS.title);
	if (out.description !== undefined) out.description = truncate(out.description.trim(), LIMITS.description);
	if (out.footer) out.footer = { ...out.footer, text: truncate(out.footer.text.trim(), LIMITS.footer) };
	if (out.author) out.author = { ...out.author, name: truncate(out.author.name.trim(), LIMITS.author) };
	if (out.fields) {
		out.fields = out.fields.slice(0, LIMITS.fields).map((field) => ({ ...field, name: truncate(field.name.trim(), LIMITS.fieldName), value: truncate(field.value.trim(), LIMITS.fieldValue) }));
	}
	return out;
}

function shrinkToTotal(embeds: DiscordEmbed[], limit: number): void {
	for (let guard = 0; guard < 500; guard++) {
		const total = embeds.reduce((sum, embed) => sum + embedSize(embed), 0);
		if (total <= limit) return;
		// The longest description or field value gives up the excess (never below one character).
		let best: { length: number; apply: (text: string) => void; text: string } | undefined;
		for (const embed of embeds) {
			if (embed.description && (!best || size(embed.description) > best.length)) {
				best = { length: size(embed.description), text: embed.description, apply: (text) => (embed.description = text) };
			}
			for (const field of embed.fields ?? []) {
				if (!best || size(field.value) > best.length) best = { length: size(field.value), text: field.value, apply: (text) => (field.value = text) };
			}
		}
		if (!best || best.length <= 1) return;
		best.apply(truncate(best.text.trim(), Math.max(1, best.length - (total - limit))));
	}
}

/**
 * Splits into several messages that each fit: content in chunks of 2000 (line breaks first),
 * a long description into continuation embeds, more than 25 fields into further embeds, then
 * embeds packed ≤ 10 and ≤ 6000 characters per message. Texts that cannot be split (titles,
 * field names and values, footers) are truncated.
 */
export function splitPayload(payload: MessagePayload): MessagePayload[] {
	const contentChunks = payload.content && size(payload.content) > 0 ? splitText(payload.content.trim(), LIMITS.content) : [];
	const embeds: DiscordEmbed[] = [];
	for (const original of payload.embeds ?? []) {
		const embed = truncateEmbed({ ...original, description: undefined, fields: undefined });
		const descriptions = original.description ? splitText(original.description.trim(), LIMITS.description) : [];
		const fields = (original.fields ?? []).map((field) => ({ ...field, name: truncate(field.name.trim(), LIMITS.fieldName), value: truncate(field.value.trim(), LIMITS.fieldValue) }));
		const fieldGroups: Array<typeof fields> = [];
		for (let i = 0; i < fields.length; i += LIMITS.fields) fieldGroups.push(fields.slice(i, i + LIMITS.fields));
		const parts = Math.max(1, descriptions.length, fieldGroups.length);
		for (let i = 0; i < parts; i++) {
			const part: DiscordEmbed = i === 0 ? { ...embed } : { color: embed.color };
			if (descriptions[i]) part.description = descriptions[i];
			if (fieldGroups[i]) part.fields = fieldGroups[i];
			if (i === parts - 1 && i > 0) {
				if (embed.footer) part.footer = embed.footer;
				if (embed.timestamp) part.timestamp = embed.timestamp;
			}
			if (i > 0 && !part.description && !part.fields) continue;
			// A single part over 6000 (title + description + 25 long fields) is shrunk on its own.
			if (embedSize(part) > LIMITS.total) shrinkToTotal([part], LIMITS.total);
			embeds.push(part);
		}
	}
	const messages: MessagePayload[] = [];
	const base = { ...payload, content: undefined, embeds: undefined };
	for (const chunk of contentChunks) messages.push({ ...base, content: chunk });
	let current: MessagePayload | undefined = messages.at(-1);
	let currentSize = 0;
	for (const embed of embeds) {
		const embedLength = embedSize(embed);
		if (!current || (current.embeds?.length ?? 0) >= LIMITS.embeds || currentSize + embedLength > LIMITS.total) {
			current = { ...base, embeds: [] };
			messages.push(current);
			currentSize = 0;
		}
		(current.embeds ??= []).push(embed);
		currentSize += embedLength;
	}
	if (messages.length === 0) messages.push({ ...base });
	// Attachments and a new forum thread's name belong to the first message only.
	return messages.map((message, i) => {
		const out = { ...message };
		if (i > 0) {
			delete out.attachments;
			delete out.thread_name;
		}
		if (out.content === undefined) delete out.content;
		if (out.embeds === undefined || out.embeds.length === 0) delete out.embeds;
		return out;
	});
}

/** The payloads to send for the chosen mode; throws DiscordLimitError naming the field in mode `error`. */
export function applyLimits(payload: MessagePayload, mode: LimitMode): MessagePayload[] {
	const problems = limitProblems(payload);
	if (problems.length === 0) return [payload];
	if (mode === 'truncate') return [truncatePayload(payload)];
	if (mode === 'split') {
		const usernameProblem = problems.find((problem) => problem.field === 'username');
		if (usernameProblem) throw new DiscordLimitError(`${usernameProblem.problem}. Shorten it.`, 'username');
		return splitPayload(payload);
	}
	const first = problems[0];
	throw new DiscordLimitError(
		`${problems.map((problem) => problem.problem).join('; ')}. Shorten it, or set the option "Over Discord Limits" to Truncate or Split.`,
		first.field,
	);
}
