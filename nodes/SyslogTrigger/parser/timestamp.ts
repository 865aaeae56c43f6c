/**
 * Timestamps: RFC 3339 (RFC 5424 and rsyslog's ForwardFormat) and the BSD `Mmm dd hh:mm:ss`
 * (RFC 3164, no year and no zone).
 */

const RFC3339 =
	/^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const MONTHS: Record<string, number> = {
	Jan: 0,
	Feb: 1,
	Mar: 2,
	Apr: 3,
	May: 4,
	Jun: 5,
	Jul: 6,
	Aug: 7,
	Sep: 8,
	Oct: 9,
	Nov: 10,
	Dec: 11,
};

const DAY_MS = 86_400_000;

function validClock(hour: number, minute: number, second: number): boolean {
	// 60 is a leap second (RFC 3339); Date folds it into the next minute.
	return hour <= 23 && minute <= 59 && second <= 60;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
	if (month !== 1) return DAYS_IN_MONTH[month];
	return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

// Messages arrive in bursts from the same second: formatting it once saves a Date per message.
let lastSecond = Number.NaN;
let lastSecondText = '';

/** UTC ISO string with the sender's fraction digits kept (at least milliseconds); `epochMs` is whole seconds. */
function isoWithFraction(epochMs: number, fraction: string | undefined): string | null {
	if (!Number.isFinite(epochMs)) return null;
	if (epochMs !== lastSecond) {
		const date = new Date(epochMs);
		const year = date.getUTCFullYear();
		if (year < 0 || year > 9999) return null;
		lastSecond = epochMs;
		lastSecondText = date.toISOString().slice(0, 19);
	}
	const digits = fraction === undefined ? '000' : fraction.length >= 3 ? fraction : fraction.padEnd(3, '0');
	return `${lastSecondText}.${digits}Z`;
}

/** RFC 3339 text to a UTC ISO string; null when it is not a valid RFC 3339 timestamp. */
export function parseRfc3339(text: string): string | null {
	const match = RFC3339.exec(text);
	if (!match) return null;
	const [, y, mo, d, h, mi, s, fraction, zulu, sign, oh, om] = match;
	const year = Number(y);
	const month = Number(mo) - 1;
	const day = Number(d);
	const hour = Number(h);
	const minute = Number(mi);
	const second = Number(s);
	if (month > 11 || day < 1 || day > daysInMonth(year, month)) return null;
	if (!validClock(hour, minute, second)) return null;
	let offsetMinutes = 0;
	if (!zulu) {
		const offsetHours = Number(oh);
		const offsetMins = Number(om);
		if (offsetHours > 23 || offsetMins > 59) return null;
		offsetMinutes = (offsetHours * 60 + offsetMins) * (sign === '-' ? -1 : 1);
	}
	const local = Date.UTC(year, month, day, hour, minute, second);
	return isoWithFraction(local - offsetMinutes * 60_000, fraction);
}

export interface BsdTimestamp {
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
	fraction: string | undefined;
	/** Characters consumed from the start of the text. */
	length: number;
	/** The timestamp as sent. */
	text: string;
}

function twoDigits(text: string, at: number): number {
	const a = text.charCodeAt(at) - 48;
	const b = text.charCodeAt(at + 1) - 48;
	if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
	return a * 10 + b;
}

/**
 * Reads `Mmm dd hh:mm:ss` (day space- or zero-padded, optional `.fff` as some daemons add) at
 * the start of `text`.
 */
export function readBsdTimestamp(text: string): BsdTimestamp | null {
	if (text.length < 15) return null;
	const month = MONTHS[text.slice(0, 3)];
	if (month === undefined || text.charCodeAt(3) !== 32) return null;
	let day: number;
	if (text.charCodeAt(4) === 32) {
		day = text.charCodeAt(5) - 48;
		if (day < 1 || day > 9) return null;
	} else {
		day = twoDigits(text, 4);
		if (day < 1 || day > 31) return null;
	}
	if (text.charCodeAt(6) !== 32) return null;
	const hour = twoDigits(text, 7);
	const minute = twoDigits(text, 10);
	const second = twoDigits(text, 13);
	if (text.charCodeAt(9) !== 58 || text.charCodeAt(12) !== 58) return null;
	if (hour < 0 || minute < 0 || second < 0 || !validClock(hour, minute, second)) return null;
	let length = 15;
	let fraction: string | undefined;
	if (text.charCodeAt(15) === 46 /* . */) {
		let end = 16;
		while (end < text.length && end < 25 && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
		if (end > 16) {
			fraction = text.slice(16, end);
			length = end;
		}
	}
	return { month, day, hour, minute, second, fraction, length, text: text.slice(0, length) };
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();

/** Offset of `timeZone` from UTC in minutes at the given instant (cached per zone and hour). */
function zoneOffsetMinutes(timeZone: string, epochMs: number): number {
	if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 0;
	const hourKey = `${timeZone}|${Math.floor(epochMs / 3_600_000)}`;
	const cached = offsetCache.get(hourKey);
	if (cached !== undefined) return cached;
	let formatter = offsetFormatters.get(timeZone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		});
		offsetFormatters.set(timeZone, formatter);
	}
	const parts: Record<string, number> = {};
	for (const part of formatter.formatToParts(new Date(epochMs))) {
		if (part.type !== 'literal') parts[part.type] = Number(part.value);
	}
	const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
	const offset = Math.round((wall - Math.floor(epochMs / 1000) * 1000) / 60_000);
	if (offsetCache.size > 1000) offsetCache.clear();
	offsetCache.set(hourKey, offset);
	return offset;
}

/** Wall-clock time in `timeZone` to epoch milliseconds. */
function wallTimeToEpoch(timeZone: string, year: number, stamp: BsdTimestamp): number {
	const wall = Date.UTC(year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second);
	// Two passes settle the offset around DST changes.
	let epoch = wall - zoneOffsetMinutes(timeZone, wall) * 60_000;
	epoch = wall - zoneOffsetMinutes(timeZone, epoch) * 60_000;
	return epoch;
}

/**
 * A year-less BSD timestamp to a UTC ISO string: the year is the one (last, this or next) that
 * puts the time nearest to `now`, so December lines received in January land in the old year.
 */
export function resolveBsdTimestamp(stamp: BsdTimestamp, now: Date, timeZone: string): string | null {
	// The year chosen for a stamp only changes months later, so an hour-long cache is exact.
	const key = `${stamp.text}|${timeZone}|${Math.floor(now.getTime() / 3_600_000)}`;
	const cached = resolvedCache.get(key);
	if (cached !== undefined) return cached;
	const resolved = resolveUncached(stamp, now, timeZone);
	if (resolvedCache.size >= 4096) resolvedCache.clear();
	resolvedCache.set(key, resolved);
	return resolved;
}

const resolvedCache = new Map<string, string | null>();

function resolveUncached(stamp: BsdTimestamp, now: Date, timeZone: string): string | null {
	const nowMs = now.getTime();
	const currentYear = now.getUTCFullYear();
	let best: number | null = null;
	for (const year of [currentYear - 1, currentYear, currentYear + 1]) {
		if (stamp.day > daysInMonth(year, stamp.month)) continue;
		const epoch = wallTimeToEpoch(timeZone, year, stamp);
		if (best === null || Math.abs(epoch - nowMs) < Math.abs(best - nowMs)) best = epoch;
	}
	if (best === null || Math.abs(best - nowMs) > 400 * DAY_MS) return null;
	return isoWithFraction(best, stamp.fraction);
}
