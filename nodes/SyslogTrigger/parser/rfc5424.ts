import type { StructuredData, StructuredDataParams } from './types';
import { parseRfc3339 } from './timestamp';

/** The RFC 5424 part after `<PRI>`: `1 TIMESTAMP HOST APP PROCID MSGID SD [MSG]`. */
export interface Rfc5424Fields {
	timestamp: string | null;
	hostname: string | null;
	appName: string | null;
	procId: string | null;
	msgId: string | null;
	structuredData: StructuredData | null;
	message: string;
}

class Rfc5424Error extends Error {}

const HEADER_FIELD_LIMITS = [255, 48, 128, 32];
const BOM = '\ufeff';

function nil(value: string): string | null {
	return value === '-' ? null : value;
}

/** Reads the next space-terminated token starting at `from`. */
function token(text: string, from: number, what: string): [string, number] {
	const end = text.indexOf(' ', from);
	if (end === -1 || end === from) throw new Rfc5424Error(`missing ${what}`);
	return [text.slice(from, end), end + 1];
}

function addParam(params: StructuredDataParams, name: string, value: string): void {
	const existing = params[name];
	if (existing === undefined) params[name] = value;
	else if (Array.isArray(existing)) existing.push(value);
	else params[name] = [existing, value];
}

function isSdNameChar(code: number): boolean {
	// PRINTUSASCII except '=', SP, ']' and '"'.
	return code > 32 && code < 127 && code !== 61 && code !== 93 && code !== 34;
}

/** Parses `[id k="v"...]...` at `from`; returns the data and the index just past it. */
function parseStructuredData(text: string, from: number): [StructuredData, number] {
	const data: StructuredData = {};
	let at = from;
	while (text.charCodeAt(at) === 91 /* [ */) {
		at++;
		const idStart = at;
		while (at < text.length && isSdNameChar(text.charCodeAt(at))) at++;
		if (at === idStart || at - idStart > 32) throw new Rfc5424Error('invalid SD-ID');
		const id = text.slice(idStart, at);
		const params: StructuredDataParams = data[id] ?? {};
		data[id] = params;
		for (;;) {
			const code = text.charCodeAt(at);
			if (code === 93 /* ] */) {
				at++;
				break;
			}
			if (code !== 32) throw new Rfc5424Error(`unterminated SD element ${id}`);
			at++;
			const nameStart = at;
			while (at < text.length && isSdNameChar(text.charCodeAt(at))) at++;
			if (at === nameStart || at - nameStart > 32) throw new Rfc5424Error(`invalid PARAM-NAME in ${id}`);
			const name = text.slice(nameStart, at);
			if (text.charCodeAt(at) !== 61 || text.charCodeAt(at + 1) !== 34) {
				throw new Rfc5424Error(`expected ="..." after ${name}`);
			}
			at += 2;
			let value = '';
			let chunkStart = at;
			for (;;) {
				if (at >= text.length) throw new Rfc5424Error(`unterminated PARAM-VALUE of ${name}`);
				const valueCode = text.charCodeAt(at);
				if (valueCode === 34 /* " */) break;
				if (valueCode === 92 /* \ */) {
					const next = text.charCodeAt(at + 1);
					// Only \" \\ \] are escapes; any other backslash stays as sent (RFC 5424 6.3.3).
					if (next === 34 || next === 92 || next === 93) {
						value += text.slice(chunkStart, at);
						chunkStart = at + 1;
						at += 2;
						continue;
					}
				}
				at++;
			}
			value += text.slice(chunkStart, at);
			at++;
			addParam(params, name, value);
		}
	}
	return [data, at];
}

/** Strips the framing left at the end of a message: LF, CRLF, NUL. */
export function trimTrailer(message: string): string {
	let end = message.length;
	while (end > 0) {
		const code = message.charCodeAt(end - 1);
		if (code === 10 || code === 13 || code === 0) end--;
		else break;
	}
	return end === message.length ? message : message.slice(0, end);
}

/** `text` starts right after `<PRI>`; returns why when it is not RFC 5424. Never throws. */
export function parseRfc5424(text: string): Rfc5424Fields | { error: string } {
	try {
		return readRfc5424(text);
	} catch (error) {
		return { error: error instanceof Rfc5424Error ? error.message : `parser failure: ${String(error)}` };
	}
}

function readRfc5424(text: string): Rfc5424Fields {
	if (text.charCodeAt(0) !== 49 /* 1 */ || text.charCodeAt(1) !== 32) throw new Rfc5424Error('not version 1');
	const [timestampText, afterTimestamp] = token(text, 2, 'TIMESTAMP');
	let at = afterTimestamp;
	let timestamp: string | null = null;
	if (timestampText !== '-') {
		timestamp = parseRfc3339(timestampText);
		if (timestamp === null) throw new Rfc5424Error(`invalid TIMESTAMP ${JSON.stringify(timestampText.slice(0, 40))}`);
	}
	const header: string[] = [];
	for (const [index, what] of ['HOSTNAME', 'APP-NAME', 'PROCID', 'MSGID'].entries()) {
		let value: string;
		[value, at] = token(text, at, what);
		if (value.length > HEADER_FIELD_LIMITS[index]) throw new Rfc5424Error(`${what} too long`);
		header.push(value);
	}
	let structuredData: StructuredData | null = null;
	if (text.charCodeAt(at) === 45 /* - */) {
		at++;
	} else if (text.charCodeAt(at) === 91) {
		[structuredData, at] = parseStructuredData(text, at);
	} else {
		throw new Rfc5424Error('missing STRUCTURED-DATA');
	}
	let message = '';
	if (at < text.length) {
		const next = text.charCodeAt(at);
		if (next === 32) message = text.slice(at + 1);
		else if (next !== 10 && next !== 13 && next !== 0) throw new Rfc5424Error('no space after STRUCTURED-DATA');
		else message = text.slice(at);
	}
	message = trimTrailer(message);
	if (message.startsWith(BOM)) message = message.slice(1);
	return {
		timestamp,
		hostname: nil(header[0]),
		appName: nil(header[1]),
		procId: nil(header[2]),
		msgId: nil(header[3]),
		structuredData,
		message,
	};
}
