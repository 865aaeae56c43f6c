import type { EventSeverity } from '../../shared/events';

/** Parameter values of one SD element; a name repeated in the element collects its values. */
export type StructuredDataParams = Record<string, string | string[]>;
export type StructuredData = Record<string, StructuredDataParams>;

export type SyslogFormat = 'rfc5424' | 'rfc3164' | 'invalid';

/** One syslog message after parsing; fields the sender did not give (or sent as NILVALUE) are null. */
export interface ParsedSyslog {
	format: SyslogFormat;
	facilityCode: number | null;
	facility: string | null;
	severityCode: number | null;
	severity: EventSeverity | null;
	/** ISO 8601 in UTC, keeping the sender's fractional digits; null when absent or NILVALUE. */
	timestamp: string | null;
	hostname: string | null;
	appName: string | null;
	procId: string | null;
	msgId: string | null;
	structuredData: StructuredData | null;
	message: string;
	/** Set when the input could not be parsed as syslog; the other fields hold what was recognised. */
	parseError: string | null;
}

export interface ParseOptions {
	/** Receipt time, used to pick the year of RFC 3164 timestamps (which have none). */
	now: Date;
	/** IANA zone RFC 3164 timestamps (which have no offset) are read in. */
	timeZone: string;
}
