import { parseRfc3339, readBsdTimestamp, resolveBsdTimestamp } from './timestamp';
import { trimTrailer } from './rfc5424';
import type { ParseOptions } from './types';

/** The RFC 3164 part after `<PRI>`: `[TIMESTAMP SP [HOSTNAME SP]] [TAG[PID]:] CONTENT`. */
export interface Rfc3164Fields {
	timestamp: string | null;
	hostname: string | null;
	appName: string | null;
	procId: string | null;
	message: string;
}

/** A first word that is a TAG (`name:`, `name[pid]:`) rather than a HOSTNAME. */
function looksLikeTag(word: string): boolean {
	return word.endsWith(':') || (word.endsWith(']') && word.includes('['));
}

interface TagSplit {
	appName: string | null;
	procId: string | null;
	message: string;
}

/**
 * Splits `TAG[PID]: CONTENT`. The tag ends at ':', '[' or a space, as rsyslog's 3164 parser
 * does, so a tag cut at 32 characters by rsyslog (no PID, no colon) still yields a tag. One
 * separating space is removed; further leading spaces are content (corosync indents its lines).
 */
function splitTag(rest: string): TagSplit {
	let at = 0;
	while (at < rest.length) {
		const code = rest.charCodeAt(at);
		if (code === 58 /* : */ || code === 91 /* [ */ || code === 32) break;
		at++;
	}
	if (at === 0) return { appName: null, procId: null, message: rest };
	const appName = rest.slice(0, at);
	let procId: string | null = null;
	if (rest.charCodeAt(at) === 91) {
		const close = rest.indexOf(']', at + 1);
		const space = rest.indexOf(' ', at + 1);
		if (close === -1 || (space !== -1 && space < close)) return { appName: null, procId: null, message: rest };
		procId = rest.slice(at + 1, close) || null;
		at = close + 1;
	}
	if (rest.charCodeAt(at) === 58) at++;
	if (at < rest.length && rest.charCodeAt(at) !== 32) {
		// `word:more` with no space is content, not a tag (e.g. `http://...`).
		return { appName: null, procId: null, message: rest };
	}
	if (rest.charCodeAt(at) === 32) at++;
	return { appName, procId, message: rest.slice(at) };
}

const TAG_ONLY = /^[\w./-]{1,64}(\[[^\]\s]*\])?:(?: |$)/;

export function parseRfc3164(text: string, options: ParseOptions): Rfc3164Fields {
	const body = trimTrailer(text);
	let timestamp: string | null = null;
	let at = -1;
	const bsd = readBsdTimestamp(body);
	if (bsd) {
		timestamp = resolveBsdTimestamp(bsd, options.now, options.timeZone);
		at = bsd.length;
	} else if (body.charCodeAt(4) === 45 /* - */ && body.charCodeAt(0) >= 48 && body.charCodeAt(0) <= 57) {
		// rsyslog's ForwardFormat: RFC 3339 time in the BSD layout.
		const end = body.indexOf(' ');
		const parsed = end === -1 ? null : parseRfc3339(body.slice(0, end));
		if (parsed) {
			timestamp = parsed;
			at = end;
		}
	}
	if (at === -1) {
		// No timestamp: RFC 3164 says the whole is content; keep a clear `tag:` prefix apart.
		if (TAG_ONLY.test(body)) return { timestamp: null, hostname: null, ...splitTag(body) };
		return { timestamp: null, hostname: null, appName: null, procId: null, message: body };
	}
	// Some devices put ':' after the time; one space separates the header fields.
	if (body.charCodeAt(at) === 58) at++;
	if (body.charCodeAt(at) === 32) at++;
	const rest = body.slice(at);
	const wordEnd = rest.indexOf(' ');
	const firstWord = wordEnd === -1 ? rest : rest.slice(0, wordEnd);
	if (firstWord === '' || looksLikeTag(firstWord)) {
		return { timestamp, hostname: null, ...splitTag(rest) };
	}
	if (wordEnd === -1) return { timestamp, hostname: firstWord, appName: null, procId: null, message: '' };
	return { timestamp, hostname: firstWord, ...splitTag(rest.slice(wordEnd + 1)) };
}
