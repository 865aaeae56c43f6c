import { FrameDecoder, type Frame } from '../../../nodes/SyslogTrigger/framing';

function decode(chunks: Array<string | Buffer>, max = 8192, end = true): Array<{ text: string; truncated: boolean }> {
	const frames: Frame[] = [];
	const decoder = new FrameDecoder(max, (frame) => frames.push(frame));
	for (const chunk of chunks) decoder.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
	if (end) decoder.end();
	return frames.map((frame) => ({ text: frame.bytes.toString(), truncated: frame.truncated }));
}

const texts = (chunks: Array<string | Buffer>, max?: number) => decode(chunks, max).map((frame) => frame.text);

describe('FrameDecoder', () => {
	it('splits LF framing and drops CR', () => {
		expect(texts(['<13>a\n<13>b\r\n<13>c\n'])).toEqual(['<13>a', '<13>b', '<13>c']);
	});

	it('reads octet counting as logger sends it (no LF)', () => {
		expect(texts(['32 <13>Nov 24 13:28:06 vm t2: line132 <13>Nov 24 13:28:06 vm t2: line227 <13>Nov 24 13:28:06 vm t2: 32 <13>Nov 24 13:28:06 vm t2: line4'])).toEqual([
			'<13>Nov 24 13:28:06 vm t2: line1',
			'<13>Nov 24 13:28:06 vm t2: line2',
			'<13>Nov 24 13:28:06 vm t2: ',
			'<13>Nov 24 13:28:06 vm t2: line4',
		]);
	});

	it('strips the LF rsyslog counts inside the octet count', () => {
		const message = '<13>1 2026-11-24T13:28:29.352804+00:00 vm fmtC - M1 [timeQuality tzKnown="1" isSynced="0"] protocol23 octet\n';
		expect(Buffer.byteLength(message)).toBe(108);
		expect(texts([`108 ${message}108 ${message}`])).toEqual([message.trimEnd(), message.trimEnd()]);
	});

	it('detects the framing per frame, with frames split at any byte', () => {
		const stream = Buffer.from('5 <13>a<13>b\n 6 <13>cd\n<13>e\n');
		for (let size = 1; size <= stream.length; size++) {
			const chunks: Buffer[] = [];
			for (let at = 0; at < stream.length; at += size) chunks.push(stream.subarray(at, at + size));
			expect(texts(chunks)).toEqual(['<13>a', '<13>b', '<13>cd', '<13>e']);
		}
	});

	it('treats digits without a following space as an LF-framed line', () => {
		expect(texts(['123abc\n12\n'])).toEqual(['123abc', '12']);
	});

	it('keeps UTF-8 counted in bytes', () => {
		const message = '<13>1 - h a - - - \u00fc\u2713';
		expect(texts([`${Buffer.byteLength(message)} ${message}`])).toEqual([message]);
	});

	it('treats NUL as a trailer', () => {
		expect(texts(['<13>a\0<13>b\0'])).toEqual(['<13>a', '<13>b']);
	});

	it('truncates oversized frames and resynchronises', () => {
		const long = 'x'.repeat(100);
		expect(decode([`${long}\n<13>ok\n`], 10)).toEqual([
			{ text: 'x'.repeat(10), truncated: true },
			{ text: '<13>ok', truncated: false },
		]);
		expect(decode([`100 ${long}`, '3 abc'], 10)).toEqual([
			{ text: 'x'.repeat(10), truncated: true },
			{ text: 'abc', truncated: false },
		]);
	});

	it('never buffers more than the limit for a huge declared length', () => {
		const frames: Frame[] = [];
		const decoder = new FrameDecoder(64, (frame) => frames.push(frame));
		decoder.push(Buffer.from('9999999999 '));
		for (let i = 0; i < 1000; i++) {
			decoder.push(Buffer.alloc(1024, 0x41));
			expect(decoder.bufferedBytes).toBeLessThanOrEqual(64);
		}
		expect(frames).toHaveLength(0);
	});

	it('delivers a partial frame at connection end, flagging a cut octet frame', () => {
		expect(decode(['<13>no newline'])).toEqual([{ text: '<13>no newline', truncated: false }]);
		expect(decode(['20 <13>short'])).toEqual([{ text: '<13>short', truncated: true }]);
		expect(decode(['42'])).toEqual([{ text: '42', truncated: false }]);
		expect(decode([''])).toEqual([]);
	});
});

describe('FrameDecoder flow control', () => {
	it('stops between frames while blocked and continues on resume, losing nothing', () => {
		const frames: string[] = [];
		let blocked = false;
		const decoder = new FrameDecoder(
			8192,
			(frame) => {
				frames.push(frame.bytes.toString());
				if (frames.length === 2) blocked = true;
			},
			() => blocked,
		);
		decoder.push(Buffer.from('<13>a\n<13>b\n<13>c\n5 <13>d<13>e\n'));
		expect(frames).toEqual(['<13>a', '<13>b']);
		expect(decoder.bufferedBytes).toBeGreaterThan(0);
		decoder.push(Buffer.from('<13>f\n'));
		expect(frames).toHaveLength(2);
		blocked = false;
		decoder.resume();
		expect(frames).toEqual(['<13>a', '<13>b', '<13>c', '<13>d', '<13>e', '<13>f']);
	});

	it('decodes what was held back when the connection ends', () => {
		const frames: string[] = [];
		const decoder = new FrameDecoder(8192, (frame) => frames.push(frame.bytes.toString()), () => true);
		decoder.push(Buffer.from('<13>a\n<13>b'));
		expect(frames).toEqual([]);
		decoder.end();
		expect(frames).toEqual(['<13>a', '<13>b']);
	});
});
