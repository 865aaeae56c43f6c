import { decodePayload, parseSyslog } from '../../../nodes/SyslogTrigger/parser';
import { parsePriority } from '../../../nodes/SyslogTrigger/parser/pri';
import { parseRfc3339 } from '../../../nodes/SyslogTrigger/parser/timestamp';

const options = { now: new Date('2026-11-24T14:00:00Z'), timeZone: 'UTC' };
const parse = (line: string, now = options.now, timeZone = 'UTC') => parseSyslog(line, { now, timeZone });

describe('PRI', () => {
	it.each([
		['<0>', 0, 'kern', 0, 'emergency'],
		['<13>', 1, 'user', 5, 'notice'],
		['<30>', 3, 'daemon', 6, 'info'],
		['<165>', 20, 'local4', 5, 'notice'],
		['<191>', 23, 'local7', 7, 'debug'],
	])('%s', (pri, facilityCode, facility, severityCode, severity) => {
		expect(parsePriority(`${pri}x`)).toMatchObject({ facilityCode, facility, severityCode, severity });
	});

	it.each(['<192>x', '<>x', '<1234>x', '<1a>x', '13>x', '<13', ''])('rejects %j', (text) => {
		expect(parsePriority(text)).toBeNull();
	});
});

describe('RFC 3339 timestamps', () => {
	it.each([
		['2003-10-11T22:14:15.003Z', '2003-10-11T22:14:15.003Z'],
		['2003-08-24T05:14:15.000003-07:00', '2003-08-24T12:14:15.000003Z'],
		['2026-11-24T13:28:29+00:00', '2026-11-24T13:28:29.000Z'],
		['2026-11-24T13:28:29.352804+01:30', '2026-11-24T11:58:29.352804Z'],
		['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z'],
	])('%s', (input, iso) => expect(parseRfc3339(input)).toBe(iso));

	it.each(['2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01 00:00:00Z', '2026-01-01T00:00:00'])(
		'rejects %s',
		(input) => expect(parseRfc3339(input)).toBeNull(),
	);
});

describe('RFC 5424', () => {
	it('parses the RFC example with a BOM', () => {
		const parsed = parse("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \ufeff'su root' failed for lonvick on /dev/pts/8");
		expect(parsed).toEqual({
			format: 'rfc5424',
			facilityCode: 4,
			facility: 'auth',
			severityCode: 2,
			severity: 'critical',
			timestamp: '2003-10-11T22:14:15.003Z',
			hostname: 'mymachine.example.com',
			appName: 'su',
			procId: null,
			msgId: 'ID47',
			structuredData: null,
			message: "'su root' failed for lonvick on /dev/pts/8",
			parseError: null,
		});
	});

	it('parses two SD elements and escapes', () => {
		const two = parse(
			'<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"] An application event',
		);
		expect(two.structuredData).toEqual({
			'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
			'examplePriority@32473': { class: 'high' },
		});
		expect(two.message).toBe('An application event');
		const escaped = parse('<165>1 2003-10-11T22:14:15.003Z host app 1234 - [ex@32473 v="a\\"b\\]c\\\\d" w="x\\ny"] body');
		expect(escaped.structuredData).toEqual({ 'ex@32473': { v: 'a"b]c\\d', w: 'x\\ny' } });
		expect(escaped.procId).toBe('1234');
		expect(escaped.message).toBe('body');
	});

	it('collects a repeated parameter name into a list', () => {
		expect(parse('<14>1 - h a - - [x@1 ip="1" ip="2"]').structuredData).toEqual({ 'x@1': { ip: ['1', '2'] } });
	});

	it('handles NILVALUE everywhere and SD without MSG', () => {
		expect(parse('<14>1 - - - - - -')).toMatchObject({
			format: 'rfc5424',
			timestamp: null,
			hostname: null,
			appName: null,
			procId: null,
			msgId: null,
			structuredData: null,
			message: '',
		});
		expect(parse('<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - [ex@1 a="b"]')).toMatchObject({
			timestamp: '2003-08-24T12:14:15.000003Z',
			structuredData: { 'ex@1': { a: 'b' } },
			message: '',
		});
	});

	it('parses logger and rsyslog Protocol23 output, dropping the framing LF', () => {
		expect(parse('<13>1 2026-11-24T13:27:58.108318+00:00 vm myapp - - [timeQuality tzKnown="1" isSynced="0"] hello 5424 default')).toMatchObject({
			timestamp: '2026-11-24T13:27:58.108318Z',
			hostname: 'vm',
			appName: 'myapp',
			structuredData: { timeQuality: { tzKnown: '1', isSynced: '0' } },
			message: 'hello 5424 default',
		});
		const relayed = parse(
			'<30>1 2026-03-24T12:04:10+00:00 pve1 fmtD-pvedaemon 669766 - -  <root@pam> end task UPID:pve1:0017ABAC:026FA8FF:67E12009:qmstart:103:root@pam: OK\n',
		);
		expect(relayed).toMatchObject({ appName: 'fmtD-pvedaemon', procId: '669766', message: ' <root@pam> end task UPID:pve1:0017ABAC:026FA8FF:67E12009:qmstart:103:root@pam: OK' });
	});

	it('keeps UTF-8 text', () => {
		const parsed = parse('<13>1 2026-11-24T13:28:06.250823+00:00 vm t4 - - [timeQuality tzKnown="1" isSynced="0"] \u00fcn\u00efc\u00f6d\u00e9 \u2713');
		expect(parsed.message).toBe('\u00fcn\u00efc\u00f6d\u00e9 \u2713');
	});

	it.each([
		['<13>1 yesterday h a p m - x', /TIMESTAMP/],
		['<13>1 - h a p m [broken', /SD/],
		['<13>1 - h a p m [x@1 a="b] c', /PARAM-VALUE/],
		['<13>1 - h a p', /PROCID/],
		['<13>1 - h a p m -x', /space after/],
	])('reports %j as invalid', (line, error) => {
		const parsed = parse(line);
		expect(parsed.format).toBe('invalid');
		expect(parsed.parseError).toMatch(error);
		expect(parsed.severity).toBe('notice');
	});
});

describe('RFC 3164 and rsyslog variants', () => {
	it('splits host, tag and PID', () => {
		expect(parse('<30>Mar 24 12:04:10 pve1 pvedaemon[669766]: <root@pam> end task UPID:pve1:0017ABAC:026FA8FF:67E12009:qmstart:103:root@pam: OK', new Date('2026-03-25T00:00:00Z'))).toEqual({
			format: 'rfc3164',
			facilityCode: 3,
			facility: 'daemon',
			severityCode: 6,
			severity: 'info',
			timestamp: '2026-03-24T12:04:10.000Z',
			hostname: 'pve1',
			appName: 'pvedaemon',
			procId: '669766',
			msgId: null,
			structuredData: null,
			message: '<root@pam> end task UPID:pve1:0017ABAC:026FA8FF:67E12009:qmstart:103:root@pam: OK',
			parseError: null,
		});
	});

	it('reads a space-padded day and keeps double spaces', () => {
		expect(parse('<13>Nov  4 13:28:06 vm t1: msg with  two  spaces')).toMatchObject({
			timestamp: '2026-11-04T13:28:06.000Z',
			hostname: 'vm',
			appName: 't1',
			message: 'msg with  two  spaces',
		});
	});

	it('recognises a missing hostname', () => {
		expect(parse('<13>Nov 24 13:28:06 t2: local header no host')).toMatchObject({ hostname: null, appName: 't2', message: 'local header no host' });
		expect(parse('<13>Nov 24 13:28:06 sshd[12]: x')).toMatchObject({ hostname: null, appName: 'sshd', procId: '12', message: 'x' });
	});

	it('keeps corosync indentation and colons in content', () => {
		expect(parse('<29>Oct 17 06:32:49 pve1 corosync[3050]:   [KNET  ] link: host: 2 link: 1 is down').message).toBe('  [KNET  ] link: host: 2 link: 1 is down');
		expect(parse('<6>Nov 24 13:28:06 pve kernel: vmbr0: port 2(tap100i0) entered forwarding state')).toMatchObject({
			appName: 'kernel',
			procId: null,
			message: 'vmbr0: port 2(tap100i0) entered forwarding state',
		});
		expect(parse('<22>Nov 24 13:28:06 mx postfix/smtpd[123]: connect from localhost[127.0.0.1]')).toMatchObject({ appName: 'postfix/smtpd', procId: '123' });
	});

	it('reads the RFC 3339 ForwardFormat', () => {
		expect(parse('<13>2026-11-24T13:28:29+00:00 vm fmtB: forward format\n')).toMatchObject({
			format: 'rfc3164',
			timestamp: '2026-11-24T13:28:29.000Z',
			hostname: 'vm',
			appName: 'fmtB',
			message: 'forward format',
		});
	});

	it('takes a truncated tag without PID or colon as the tag', () => {
		expect(parse('<30>Oct 17 06:32:49 pve1 fmtA-averyveryveryverylongtagnam tag truncation test\n')).toMatchObject({
			hostname: 'pve1',
			appName: 'fmtA-averyveryveryverylongtagnam',
			message: 'tag truncation test',
		});
	});

	it('parses PRI 0 and an empty message', () => {
		expect(parse('<0>Oct 17 06:32:49 h t: x')).toMatchObject({ facilityCode: 0, severityCode: 0, severity: 'emergency', appName: 't', message: 'x' });
		expect(parse('<13>Nov 24 13:28:06 vm t2: ')).toMatchObject({ appName: 't2', message: '' });
	});

	it('picks the year nearest to receipt (December lines received in January)', () => {
		expect(parse('<13>Dec 31 23:59:59 h t: x', new Date('2027-01-01T00:00:05Z')).timestamp).toBe('2026-12-31T23:59:59.000Z');
		expect(parse('<13>Jan  1 00:00:01 h t: x', new Date('2026-12-31T23:59:50Z')).timestamp).toBe('2027-01-01T00:00:01.000Z');
		expect(parse('<13>Feb 29 10:00:00 h t: x', new Date('2028-03-01T00:00:00Z')).timestamp).toBe('2028-02-29T10:00:00.000Z');
	});

	it('reads year-less timestamps in the configured zone', () => {
		expect(parse('<13>Jul  1 12:00:00 h t: x', new Date('2026-07-01T12:00:00Z'), 'Europe/Vienna').timestamp).toBe('2026-07-01T10:00:00.000Z');
		expect(parse('<13>Jan 15 12:00:00 h t: x', new Date('2026-01-15T12:00:00Z'), 'America/New_York').timestamp).toBe('2026-01-15T17:00:00.000Z');
	});

	it('treats a line without timestamp as content, keeping a clear tag', () => {
		expect(parse('<13>myapp[7]: hello')).toMatchObject({ timestamp: null, hostname: null, appName: 'myapp', procId: '7', message: 'hello' });
		expect(parse('<13>just some text')).toMatchObject({ appName: null, message: 'just some text' });
		expect(parse('<13>')).toMatchObject({ format: 'rfc3164', message: '' });
	});
});

describe('invalid input', () => {
	it('flags a missing PRI and keeps the text', () => {
		expect(parse('hello world\n')).toMatchObject({ format: 'invalid', severity: null, message: 'hello world', parseError: expect.stringMatching(/PRI/) });
	});

	it('decodes invalid UTF-8 and NUL safely', () => {
		const decoded = decodePayload(Buffer.from([0x3c, 0x31, 0x33, 0x3e, 0xff, 0xfe, 0x41, 0x00, 0x42, 0x00]));
		expect(decoded.invalidUtf8).toBe(true);
		expect(decoded.text).toBe('<13>\ufffd\ufffdA\ufffdB');
		expect(decodePayload(Buffer.from('<13>ok')).invalidUtf8).toBe(false);
	});
});
