import { isUtf8 } from 'node:buffer';
import { parsePriority } from './pri';
import { parseRfc3164 } from './rfc3164';
import { parseRfc5424, trimTrailer } from './rfc5424';
import type { ParsedSyslog, ParseOptions } from './types';

export type { ParsedSyslog, ParseOptions, StructuredData, SyslogFormat } from './types';

export interface DecodedPayload {
	text: string;
	/** The bytes were not valid UTF-8; invalid sequences became U+FFFD. */
	invalidUtf8: boolean;
}

/**
 * Bytes to text. NUL becomes U+FFFD too: PostgreSQL, where many n8n instances keep their
 * executions, rejects `\u0000` in JSON.
 */
export function decodePayload(bytes: Buffer): DecodedPayload {
	const invalidUtf8 = !isUtf8(bytes);
	let text = bytes.toString('utf8');
	if (text.includes('\0')) text = text.replace(/\0+$/, '').replace(/\0/g, '\ufffd');
	return { text, invalidUtf8 };
}

function skipLeadingNoise(text: string): string {
	let at = 0;
	while (at < text.length) {
		const code = text.charCodeAt(at);
		if (code === 32 || code === 10 || code === 13 || code === 9) at++;
		else break;
	}
	return at === 0 ? text : text.slice(at);
}

/** Parses one syslog message (RFC 5424, RFC 3164 and rsyslog's variants). Never throws. */
export function parseSyslog(input: string, options: ParseOptions): ParsedSyslog {
	const text = skipLeadingNoise(input);
	const priority = parsePriority(text);
	if (!priority) {
		return {
			format: 'invalid',
			facilityCode: null,
			facility: null,
			severityCode: null,
			severity: null,
			timestamp: null,
			hostname: null,
			appName: null,
			procId: null,
			msgId: null,
			structuredData: null,
			message: trimTrailer(text),
			parseError: 'missing or invalid PRI (expected <0>..<191> at the start)',
		};
	}
	const afterPri = text.slice(priority.end);
	// Object literals with every field written out: this runs for every message, and spreads are slower.
	if (afterPri.charCodeAt(0) === 49 /* 1 */ && afterPri.charCodeAt(1) === 32) {
		const fields = parseRfc5424(afterPri);
		if (!('error' in fields)) {
			return {
				format: 'rfc5424',
				facilityCode: priority.facilityCode,
				facility: priority.facility,
				severityCode: priority.severityCode,
				severity: priority.severity,
				timestamp: fields.timestamp,
				hostname: fields.hostname,
				appName: fields.appName,
				procId: fields.procId,
				msgId: fields.msgId,
				structuredData: fields.structuredData,
				message: fields.message,
				parseError: null,
			};
		}
		return {
			format: 'invalid',
			facilityCode: priority.facilityCode,
			facility: priority.facility,
			severityCode: priority.severityCode,
			severity: priority.severity,
			timestamp: null,
			hostname: null,
			appName: null,
			procId: null,
			msgId: null,
			structuredData: null,
			message: trimTrailer(afterPri),
			parseError: `invalid RFC 5424 message: ${fields.error}`,
		};
	}
	const fields = parseRfc3164(afterPri, options);
	return {
		format: 'rfc3164',
		facilityCode: priority.facilityCode,
		facility: priority.facility,
		severityCode: priority.severityCode,
		severity: priority.severity,
		timestamp: fields.timestamp,
		hostname: fields.hostname,
		appName: fields.appName,
		procId: fields.procId,
		msgId: null,
		structuredData: null,
		message: fields.message,
		parseError: null,
	};
}
