import { buildMessageFilter, buildSourceAllowList, eventTypeMatcher, FilterConfigError, parseNameMatcher, type FilterSubject } from '../../../nodes/SyslogTrigger/filters';

const subject = (overrides: Partial<FilterSubject> = {}): FilterSubject => ({
	severity: 'info',
	facilityCode: 3,
	hostname: 'pve1',
	appName: 'pvedaemon',
	message: 'hello',
	event: null,
	...overrides,
});

describe('filters', () => {
	it('passes everything when nothing is set', () => {
		expect(buildMessageFilter({})).toBeNull();
		expect(buildMessageFilter({ minimumSeverity: 'debug', facilities: [], hostnames: ' ', eventTypes: [] })).toBeNull();
	});

	it('checks the minimum severity', () => {
		const filter = buildMessageFilter({ minimumSeverity: 'warning' })!;
		expect(filter(subject({ severity: 'error' }))).toBe(true);
		expect(filter(subject({ severity: 'warning' }))).toBe(true);
		expect(filter(subject({ severity: 'notice' }))).toBe(false);
		expect(filter(subject({ severity: null }))).toBe(false);
	});

	it('checks facilities, hostnames (list and regex), app names and message pattern together', () => {
		const filter = buildMessageFilter({ facilities: [3, 0], hostnames: '/^pve\\d+$/i', appNames: 'pvedaemon, Kernel', messagePattern: 'hel+o' })!;
		expect(filter(subject())).toBe(true);
		expect(filter(subject({ appName: 'kernel', facilityCode: 0, hostname: 'PVE2' }))).toBe(true);
		expect(filter(subject({ facilityCode: 1 }))).toBe(false);
		expect(filter(subject({ hostname: 'backup' }))).toBe(false);
		expect(filter(subject({ hostname: null }))).toBe(false);
		expect(filter(subject({ appName: 'sshd' }))).toBe(false);
		expect(filter(subject({ message: 'bye' }))).toBe(false);
		const list = parseNameMatcher('pve1, PVE2', 'Hostnames')!;
		expect(list('pve2')).toBe(true);
		expect(list('pve3')).toBe(false);
	});

	it('matches event types exactly or by prefix', () => {
		const match = eventTypeMatcher(['backup.*', 'auth.failed'])!;
		expect(match({ type: 'backup.job.failed' })).toBe(true);
		expect(match({ type: 'auth.failed' })).toBe(true);
		expect(match({ type: 'auth.success' })).toBe(false);
		expect(match(null)).toBe(false);
	});

	it('rejects invalid regular expressions with a clear message', () => {
		expect(() => buildMessageFilter({ messagePattern: '(' })).toThrow(FilterConfigError);
		expect(() => buildMessageFilter({ hostnames: '/[/' })).toThrow(/Hostnames/);
	});
});

describe('source allow-list', () => {
	it('is absent when empty', () => expect(buildSourceAllowList(' ')).toBeNull());

	it('matches IPv4, IPv6 and IPv4-mapped peers against CIDR ranges', () => {
		const allowed = buildSourceAllowList('10.0.0.0/8, 192.0.2.7 fd00::/8')!;
		expect(allowed('10.1.2.3')).toBe(true);
		expect(allowed('::ffff:10.1.2.3')).toBe(true);
		expect(allowed('192.0.2.7')).toBe(true);
		expect(allowed('192.0.2.8')).toBe(false);
		expect(allowed('fd12::1')).toBe(true);
		expect(allowed('2001:db8::1')).toBe(false);
		expect(allowed('not-an-ip')).toBe(false);
	});

	it.each(['10.0.0.0/33', 'host.example', '10.0.0.1/8/1', 'fd00::/129', '1.2.3.4/x'])('rejects %s', (entry) => {
		expect(() => buildSourceAllowList(entry)).toThrow(FilterConfigError);
	});
});
