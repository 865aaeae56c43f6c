import { SEVERITY_NAMES, type EventSeverity } from '../../shared/events';

/** Facility names as rsyslog prints them (RFC 5424 table 1 codes 0-23). */
export const FACILITY_NAMES = [
	'kern',
	'user',
	'mail',
	'daemon',
	'auth',
	'syslog',
	'lpr',
	'news',
	'uucp',
	'cron',
	'authpriv',
	'ftp',
	'ntp',
	'audit',
	'alert',
	'clock',
	'local0',
	'local1',
	'local2',
	'local3',
	'local4',
	'local5',
	'local6',
	'local7',
] as const;

export interface Priority {
	facilityCode: number;
	facility: string;
	severityCode: number;
	severity: EventSeverity;
	/** Index just past the closing `>`. */
	end: number;
}

/** Reads `<PRIVAL>` (1-3 digits, 0..191) at the start of `text`; null when absent or out of range. */
export function parsePriority(text: string): Priority | null {
	if (text.charCodeAt(0) !== 60 /* < */) return null;
	let value = 0;
	let index = 1;
	while (index < text.length && index <= 4) {
		const code = text.charCodeAt(index);
		if (code === 62 /* > */) break;
		if (code < 48 || code > 57) return null;
		value = value * 10 + (code - 48);
		index++;
	}
	if (index === 1 || index > 4 || text.charCodeAt(index) !== 62 || value > 191) return null;
	const facilityCode = value >> 3;
	const severityCode = value & 7;
	return {
		facilityCode,
		facility: FACILITY_NAMES[facilityCode],
		severityCode,
		severity: SEVERITY_NAMES[severityCode],
		end: index + 1,
	};
}

export function facilityCodeFromName(name: string): number {
	return (FACILITY_NAMES as readonly string[]).indexOf(name);
}
