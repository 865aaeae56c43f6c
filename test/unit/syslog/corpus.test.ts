import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSyslog } from '../../../nodes/SyslogTrigger/parser';
import { classifyProxmox } from '../../../nodes/SyslogTrigger/classify/proxmox';

interface CorpusEntry {
	name: string;
	line: string;
	now?: string;
	expect: Record<string, unknown>;
	event: Record<string, unknown> | null;
}

/** RFC examples, logger and rsyslog captures, real-world oddities and Proxmox lines (also used by bench/). */
const corpus = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'corpus.json'), 'utf8')) as CorpusEntry[];

describe('syslog corpus', () => {
	it('has at least 100 lines', () => expect(corpus.length).toBeGreaterThanOrEqual(100));

	it.each(corpus.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
		const parsed = parseSyslog(entry.line, { now: new Date(entry.now ?? '2026-11-24T14:00:00Z'), timeZone: 'UTC' });
		expect(parsed).toMatchObject(entry.expect);
		if (entry.expect.format !== 'invalid') expect(parsed.parseError).toBeNull();
		const event = classifyProxmox(parsed);
		if (entry.event === null) expect(event).toBeNull();
		else expect(event).toMatchObject(entry.event);
	});
});
