/**
 * ntfy's request parameter rules (server/util.go readParam, server/actions.go, delay parsing),
 * as documented in /work/shared/reference/protocols.md §2.2-2.3.
 */
import type { IncomingHttpHeaders } from 'node:http';

import { NtfyHttpError, ERR } from './errors';

/** Every alias is tried as a header first (case-insensitive), then as a lowercase query parameter. */
export function readParam(headers: IncomingHttpHeaders, query: URLSearchParams, ...aliases: string[]): string {
	for (const alias of aliases) {
		const value = headers[alias.toLowerCase()];
		const text = Array.isArray(value) ? value[0] : value;
		if (text !== undefined && text !== '') return decodeRfc2047(text).trim();
	}
	for (const alias of aliases) {
		const value = query.get(alias.toLowerCase());
		if (value !== null && value !== '') return value.trim();
	}
	return '';
}

export function readBoolParam(headers: IncomingHttpHeaders, query: URLSearchParams, fallback: boolean, ...aliases: string[]): boolean {
	const value = readParam(headers, query, ...aliases).toLowerCase();
	if (value === '') return fallback;
	return value === '1' || value === 'yes' || value === 'true';
}

/** `=?UTF-8?B?...?=` and `=?UTF-8?Q?...?=` encoded words (RFC 2047). */
export function decodeRfc2047(value: string): string {
	return value.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_all, _charset: string, encoding: string, text: string) => {
		if (encoding.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
		const bytes = text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
		return Buffer.from(bytes, 'latin1').toString('utf8');
	});
}

const PRIORITIES: Record<string, number> = {
	'1': 1,
	min: 1,
	'2': 2,
	low: 2,
	'3': 3,
	default: 3,
	'4': 4,
	high: 4,
	'5': 5,
	max: 5,
	urgent: 5,
};

/** 0 when absent; 400 40007 when not one of the names or numbers. */
export function parsePriority(value: string): number {
	if (value === '') return 0;
	// RFC 9218 "Priority: u=N" headers added by proxies are ignored.
	if (/^u=\d/.test(value)) return 0;
	const priority = PRIORITIES[value.toLowerCase()];
	if (priority === undefined) throw new NtfyHttpError(ERR.invalidPriority);
	return priority;
}

export function parseTags(value: string): string[] {
	return value
		.split(',')
		.map((tag) => tag.trim())
		.filter((tag) => tag.length > 0);
}

const UNIT_SECONDS: Record<string, number> = {
	s: 1,
	sec: 1,
	second: 1,
	seconds: 1,
	m: 60,
	min: 60,
	minute: 60,
	minutes: 60,
	h: 3600,
	hour: 3600,
	hours: 3600,
	d: 86400,
	day: 86400,
	days: 86400,
};

/**
 * Unix timestamp or a duration (`30m`, `3h`, `2 days`). ntfy also understands natural language
 * ("tomorrow, 10am"); the simulator does not, and answers those as invalid (40004).
 */
export function parseDelay(value: string, nowS: number): number {
	if (/^\d{10,}$/.test(value)) return Number(value);
	const match = /^(\d+)\s*([a-z]+)$/i.exec(value);
	if (match && UNIT_SECONDS[match[2].toLowerCase()]) return nowS + Number(match[1]) * UNIT_SECONDS[match[2].toLowerCase()];
	throw new NtfyHttpError(ERR.invalidDelay);
}

export interface NtfyAction {
	id: string;
	action: string;
	label: string;
	clear: boolean;
	url?: string;
	method?: string;
	headers?: Record<string, string>;
	body?: string;
	intent?: string;
	extras?: Record<string, string>;
}

/** JSON array form or the simple `action, label, url, key=value; ...` form. */
export function parseActions(value: string, newId: () => string): NtfyAction[] {
	const trimmed = value.trim();
	if (trimmed === '') return [];
	let raw: Array<Record<string, unknown>>;
	if (trimmed.startsWith('[')) {
		try {
			raw = JSON.parse(trimmed) as Array<Record<string, unknown>>;
		} catch (error) {
			throw new NtfyHttpError(ERR.actionsInvalid, (error as Error).message);
		}
	} else {
		raw = splitUnquoted(trimmed, ';').filter((part) => part.trim() !== '').map(parseSimpleAction);
	}
	if (raw.length > 3) throw new NtfyHttpError(ERR.actionsInvalid, 'only 3 actions allowed');
	return raw.map((entry) => validateAction(entry, newId));
}

function parseSimpleAction(text: string): Record<string, unknown> {
	const action: Record<string, unknown> = {};
	const positional = ['action', 'label', 'url'];
	let position = 0;
	for (const part of splitUnquoted(text, ',')) {
		const token = part.trim();
		const eq = /^([a-zA-Z][\w.-]*)=(.*)$/s.exec(token);
		if (eq && !(position === 2 && /^https?:/.test(token))) {
			const key = eq[1];
			const value = unquote(eq[2].trim());
			if (key.startsWith('headers.') || key.startsWith('extras.')) {
				const [group, name] = [key.slice(0, key.indexOf('.')), key.slice(key.indexOf('.') + 1)];
				action[group] = { ...((action[group] as Record<string, string>) ?? {}), [name]: value };
			} else if (key === 'clear') {
				action.clear = ['true', 'yes', '1'].includes(value.toLowerCase());
			} else {
				action[key] = value;
			}
		} else if (position < positional.length) {
			action[positional[position]] = unquote(token);
			position += 1;
		} else {
			throw new NtfyHttpError(ERR.actionsInvalid, `term '${token}' unknown`);
		}
	}
	return action;
}

function splitUnquoted(text: string, separator: string): string[] {
	const parts: string[] = [];
	let current = '';
	let quote: string | null = null;
	for (let i = 0; i < text.length; i++) {
		const char = text[i];
		if (quote) {
			if (char === '\\' && text[i + 1] === quote) {
				current += char + text[i + 1];
				i += 1;
				continue;
			}
			if (char === quote) quote = null;
			current += char;
		} else if (char === '"' || char === "'") {
			quote = char;
			current += char;
		} else if (char === separator) {
			parts.push(current);
			current = '';
		} else current += char;
	}
	parts.push(current);
	return parts;
}

function unquote(value: string): string {
	const match = /^(["'])(.*)\1$/s.exec(value);
	return match ? match[2].replace(new RegExp(`\\\\${match[1]}`, 'g'), match[1]) : value;
}

function validateAction(entry: Record<string, unknown>, newId: () => string): NtfyAction {
	const action = String(entry.action ?? '');
	if (!['view', 'broadcast', 'http'].includes(action)) throw new NtfyHttpError(ERR.actionsInvalid, `parameter 'action' cannot be '${action}'`);
	const label = String(entry.label ?? '');
	if (label === '') throw new NtfyHttpError(ERR.actionsInvalid, "parameter 'label' is required");
	const url = entry.url === undefined ? undefined : String(entry.url);
	if ((action === 'view' || action === 'http') && !url) throw new NtfyHttpError(ERR.actionsInvalid, "parameter 'url' is required for action 'view' and 'http'");
	const result: NtfyAction = { id: newId(), action, label, clear: entry.clear === true, ...(url ? { url } : {}) };
	if (action === 'http') {
		const method = String(entry.method ?? 'POST').toUpperCase();
		const body = entry.body === undefined ? undefined : String(entry.body);
		if ((method === 'GET' || method === 'HEAD') && body) throw new NtfyHttpError(ERR.actionsInvalid, `parameter 'body' cannot be set if method is ${method}`);
		result.method = method;
		if (body !== undefined) result.body = body;
	}
	if (entry.headers) result.headers = entry.headers as Record<string, string>;
	if (entry.intent) result.intent = String(entry.intent);
	if (entry.extras) result.extras = entry.extras as Record<string, string>;
	return result;
}
