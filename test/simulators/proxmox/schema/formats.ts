/**
 * PVE named string formats (pve-common JSONSchema.pm register_format), with the error texts
 * pveproxy answers. Unknown formats are accepted: they are checked by the real server in
 * places the simulator does not model.
 */
type FormatCheck = (value: string) => string | undefined;

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:]+(%\w+)?$/;
const isIp = (v: string) => IPV4.test(v) || (v.includes(':') && IPV6.test(v));
const cidr = (v: string, ip: (s: string) => boolean, max: number) => {
	const [addr, mask, extra] = v.split('/');
	return extra === undefined && mask !== undefined && /^\d+$/.test(mask) && Number(mask) <= max && ip(addr);
};

const WEEKDAY = '(mon|tue|wed|thu|fri|sat|sun)[a-z]*';
const WEEKDAYS = new RegExp(`^${WEEKDAY}(\\.\\.${WEEKDAY})?(,${WEEKDAY}(\\.\\.${WEEKDAY})?)*$`, 'i');
/** systemd-style calendar events as PVE/PBS schedules use them (`daily`, `sat 03:00`, `mon..fri *:0/15`). */
function isCalendarEvent(v: string): boolean {
	const tokens = v.trim().split(/\s+/);
	if (!tokens[0]) return false;
	if (tokens.length === 1 && /^(minutely|hourly|daily|weekly|monthly|yearly|annually|quarterly|semiannually)$/i.test(tokens[0])) return true;
	return tokens.every((t) => WEEKDAYS.test(t) || /^[\d*][\d*/,.:-]*$/.test(t));
}

const regexCheck = (re: RegExp, message: (v: string) => string): FormatCheck => (v) => (re.test(v) ? undefined : message(v));

const FORMATS: Record<string, FormatCheck> = {
	'pve-vmid': regexCheck(/^[1-9][0-9]{2,8}$/, () => 'value does not look like a valid VM ID'),
	'pve-node': regexCheck(/^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/, () => 'value does not look like a valid node name'),
	'pve-configid': regexCheck(/^[a-z][a-z0-9_-]+$/i, (v) => `invalid configuration ID '${v}'`),
	'pve-storage-id': regexCheck(/^[a-z][a-z0-9\-_.]*[a-z0-9]$/i, (v) => `storage ID '${v}' contains illegal characters`),
	'pve-poolid': regexCheck(/^[A-Za-z0-9_\-/]+$/, (v) => `pool name '${v}' contains illegal characters`),
	'pve-realm': regexCheck(/^[A-Za-z][A-Za-z0-9.\-_]+$/, (v) => `realm '${v}' contains illegal characters`),
	'pve-userid': (v) => {
		const m = /^([^\s:/]+)@([A-Za-z][A-Za-z0-9.\-_]+)$/.exec(v);
		if (!m) return 'value does not look like a valid user name';
		return m[1].length > 64 ? 'user name is too long' : undefined;
	},
	'pve-groupid': regexCheck(/^[A-Za-z0-9.\-_]+$/, (v) => `group name '${v}' contains illegal characters`),
	'pve-roleid': regexCheck(/^[A-Za-z0-9.\-_]+$/, (v) => `role name '${v}' contains illegal characters`),
	'pve-tokenid': regexCheck(/^[A-Za-z][A-Za-z0-9.\-_]+$/, () => 'invalid token ID'),
	'pve-iface': regexCheck(/^[a-zA-Z][a-zA-Z0-9_.]{1,20}([:.]\d+)?$/, (v) => `invalid network interface name '${v}'`),
	'pve-bridge-id': regexCheck(/^[-_.\w\d]+$/, (v) => `invalid bridge ID '${v}'`),
	'pve-volume-id': regexCheck(/^(?:[a-z][a-z0-9\-_.]*[a-z0-9]):.+$/i, (v) => `unable to parse volume ID '${v}'`),
	'pve-replication-job-id': regexCheck(/^[1-9][0-9]{2,8}-\d{1,9}$/, (v) => `invalid replication job id '${v}'`),
	'pve-sdn-zone-id': regexCheck(/^[a-z][a-z0-9]{0,7}$/i, (v) => `zone ID '${v}' contains illegal characters`),
	'pve-sdn-vnet-id': regexCheck(/^[a-z][a-z0-9]{0,7}$/i, (v) => `vnet ID '${v}' contains illegal characters`),
	'pve-tag': regexCheck(/^[a-z0-9_][a-z0-9_\-+.]*$/i, (v) => `invalid tag '${v}'`),
	'mac-addr': regexCheck(/^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$/i, (v) => `value '${v}' does not look like a valid unicast MAC address`),
	ip: (v) => (isIp(v) ? undefined : `value '${v}' does not look like a valid IP address`),
	ipv4: (v) => (IPV4.test(v) ? undefined : `value '${v}' does not look like a valid IPv4 address`),
	ipv6: (v) => (v.includes(':') && IPV6.test(v) ? undefined : `value '${v}' does not look like a valid IPv6 address`),
	CIDR: (v) => (cidr(v, isIp, 128) ? undefined : `value does not look like a valid CIDR network`),
	CIDRv4: (v) => (cidr(v, (s) => IPV4.test(s), 32) ? undefined : `value does not look like a valid IPv4 CIDR network`),
	CIDRv6: (v) => (cidr(v, (s) => s.includes(':') && IPV6.test(s), 128) ? undefined : `value does not look like a valid IPv6 CIDR network`),
	'dns-name': regexCheck(/^([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?\.)*[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/, (v) => `value '${v}' does not look like a valid DNS name`),
	address: (v) => (isIp(v) || FORMATS['dns-name'](v) === undefined ? undefined : `value '${v}' does not look like a valid address`),
	'email-opt': regexCheck(/^([^\s@]+@[^\s@]+)?$/, (v) => `value '${v}' does not look like a valid email address`),
	'pve-calendar-event': (v) => (isCalendarEvent(v) ? undefined : `unable to parse calendar event '${v}'`),
	'pve-task-status-type': regexCheck(/^(ok|error|warning|unknown)$/, (v) => `invalid task status type '${v}'`),
	'pve-storage-content': regexCheck(/^(images|rootdir|vztmpl|iso|backup|snippets|import|none)$/, (v) => `invalid content type '${v}'`),
	'pve-priv': regexCheck(/^[A-Z][A-Za-z]+(\.[A-Za-z]+)+$/, (v) => `invalid privilege name '${v}'`),
};

/** Formats ending in `-list` accept a list of the base format separated by commas, semicolons or whitespace. */
export function checkFormat(format: string, value: string): string | undefined {
	const direct = FORMATS[format];
	if (direct) return direct(value);
	if (format.endsWith('-list')) {
		const base = format.slice(0, -'-list'.length);
		const baseCheck = FORMATS[base];
		if (!baseCheck) return undefined;
		for (const item of value.split(/[\s,;\0]+/).filter(Boolean)) {
			const err = baseCheck(item);
			if (err) return err;
		}
	}
	return undefined;
}

export function isKnownFormat(format: string): boolean {
	return format in FORMATS || (format.endsWith('-list') && format.slice(0, -5) in FORMATS);
}

export const FORMAT_NAMES = Object.keys(FORMATS);
