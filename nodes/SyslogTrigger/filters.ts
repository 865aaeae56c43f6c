import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { isAtLeast, type EventSeverity, type ProxmoxEventInfo } from '../shared/events';

/** What a filter looks at in a parsed message. */
export interface FilterSubject {
	severity: EventSeverity | null;
	facilityCode: number | null;
	hostname: string | null;
	appName: string | null;
	message: string;
	event: ProxmoxEventInfo | null;
}

export type MessageFilter = (subject: FilterSubject) => boolean;

export class FilterConfigError extends Error {}

/** A RegExp, or why the pattern is invalid. */
function compileRegExp(source: string, flags: string): RegExp | string {
	try {
		return new RegExp(source, flags);
	} catch (error) {
		return (error as Error).message;
	}
}

/** Text matcher from `a, b, c` (exact, case-insensitive) or `/regex/flags`. */
export function parseNameMatcher(text: string, what: string): ((value: string | null) => boolean) | null {
	const trimmed = text.trim();
	if (trimmed === '') return null;
	const regex = /^\/(.*)\/([a-z]*)$/s.exec(trimmed);
	if (regex) {
		const pattern = compileRegExp(regex[1], regex[2]);
		if (typeof pattern === 'string') throw new FilterConfigError(`${what}: invalid regular expression: ${pattern}`);
		return (value) => value !== null && pattern.test(value);
	}
	const names = new Set(
		trimmed
			.split(',')
			.map((name) => name.trim().toLowerCase())
			.filter(Boolean),
	);
	return (value) => value !== null && names.has(value.toLowerCase());
}

/** Event type matcher: exact types or `prefix.*` (e.g. `backup.*`). */
export function eventTypeMatcher(types: string[]): ((event: ProxmoxEventInfo | null) => boolean) | null {
	if (types.length === 0) return null;
	const exact = new Set(types.filter((type) => !type.endsWith('.*')));
	const prefixes = types.filter((type) => type.endsWith('.*')).map((type) => type.slice(0, -1));
	return (event) => event !== null && (exact.has(event.type) || prefixes.some((prefix) => event.type.startsWith(prefix)));
}

export interface FilterOptions {
	minimumSeverity?: EventSeverity;
	facilities?: number[];
	hostnames?: string;
	appNames?: string;
	eventTypes?: string[];
	messagePattern?: string;
}

/** Builds one predicate from the node's filter settings; a message passes when every set filter passes. */
export function buildMessageFilter(options: FilterOptions): MessageFilter | null {
	const checks: MessageFilter[] = [];
	const minimum = options.minimumSeverity;
	if (minimum && minimum !== 'debug') {
		checks.push((subject) => subject.severity !== null && isAtLeast(subject.severity, minimum));
	}
	if (options.facilities && options.facilities.length > 0) {
		const facilities = new Set(options.facilities);
		checks.push((subject) => subject.facilityCode !== null && facilities.has(subject.facilityCode));
	}
	const hostname = parseNameMatcher(options.hostnames ?? '', 'Hostnames');
	if (hostname) checks.push((subject) => hostname(subject.hostname));
	const appName = parseNameMatcher(options.appNames ?? '', 'App Names');
	if (appName) checks.push((subject) => appName(subject.appName));
	const eventType = eventTypeMatcher(options.eventTypes ?? []);
	if (eventType) checks.push((subject) => eventType(subject.event));
	if (options.messagePattern) {
		const pattern = compileRegExp(options.messagePattern, '');
		if (typeof pattern === 'string') throw new FilterConfigError(`Message Pattern: invalid regular expression: ${pattern}`);
		checks.push((subject) => pattern.test(subject.message));
	}
	if (checks.length === 0) return null;
	return (subject) => checks.every((check) => check(subject));
}

/** `::ffff:192.0.2.1` (an IPv4 peer on a dual-stack socket) is checked as IPv4. */
function normalizeAddress(address: string): { address: string; family: 'ipv4' | 'ipv6' } | null {
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
	if (mapped) return { address: mapped[1], family: 'ipv4' };
	if (isIPv4(address)) return { address, family: 'ipv4' };
	if (isIPv6(address)) return { address, family: 'ipv6' };
	return null;
}

/** Source allow-list from `10.0.0.0/8, 192.0.2.7, fd00::/8`; null when empty (everyone allowed). */
export function buildSourceAllowList(text: string): ((address: string) => boolean) | null {
	const entries = text
		.split(/[\s,]+/)
		.map((entry) => entry.trim())
		.filter(Boolean);
	if (entries.length === 0) return null;
	const list = new BlockList();
	for (const entry of entries) {
		const [address, prefixText, extra] = entry.split('/');
		const normalized = normalizeAddress(address);
		const maxPrefix = normalized?.family === 'ipv6' ? 128 : 32;
		const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
		if (!normalized || extra !== undefined || !/^\d*$/.test(prefixText ?? '') || !Number.isInteger(prefix) || prefix < 0 || prefix > maxPrefix) {
			throw new FilterConfigError(`Allowed Sources: "${entry}" is not an IP address or CIDR range`);
		}
		list.addSubnet(normalized.address, prefix, normalized.family);
	}
	return (address) => {
		const normalized = normalizeAddress(address);
		return normalized !== null && list.check(normalized.address, normalized.family);
	};
}
