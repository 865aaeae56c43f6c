/**
 * Syslog parser: throughput of ours against glossy and syslog-parse (npm) on the same corpus in
 * the same run (ratios), and how many corpus lines each gets right.
 * Run from the repository root after `npm run build` (it loads the built parser from dist/).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedSyslog, ParseOptions } from '../nodes/SyslogTrigger/parser';
import type { ProxmoxEventInfo } from '../nodes/shared/events';

const ROOT = process.cwd();
/* eslint-disable @typescript-eslint/no-require-imports */
// Resolved from the repository root, so the bench runs wherever it was compiled to.
const load = (id: string): unknown => require(require.resolve(id, { paths: [ROOT] }));
const ours = require(join(ROOT, 'dist/nodes/SyslogTrigger/parser')) as { parseSyslog: (text: string, options: ParseOptions) => ParsedSyslog };
const classifier = require(join(ROOT, 'dist/nodes/SyslogTrigger/classify/proxmox')) as {
	classifyProxmox: (input: ParsedSyslog) => ProxmoxEventInfo | null;
};
const glossy = load('glossy') as { Parse: { parse: (line: string) => Record<string, unknown> | undefined } };
const syslogParse = (load('syslog-parse') as { default: (line: string) => Record<string, unknown> | undefined }).default;
/* eslint-enable @typescript-eslint/no-require-imports */

interface CorpusEntry {
	name: string;
	line: string;
	now?: string;
	expect: Record<string, unknown>;
}

const corpus = JSON.parse(readFileSync(join(ROOT, 'test/unit/syslog/fixtures/corpus.json'), 'utf8')) as CorpusEntry[];
const lines = corpus.map((entry) => entry.line);
const options: ParseOptions = { now: new Date(), timeZone: 'UTC' };

/** What each parser says, in our field names (undefined = the parser has no such field). */
type Normalized = Partial<Record<'facilityCode' | 'severityCode' | 'timestamp' | 'hostname' | 'appName' | 'procId' | 'message', unknown>>;

const iso = (value: unknown) => (value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : (value ?? null));

const normalizers: Record<string, (line: string, now: Date) => Normalized | null> = {
	ours: (line, now) => {
		const parsed = ours.parseSyslog(line, { now, timeZone: 'UTC' });
		return parsed.parseError ? null : parsed;
	},
	glossy: (line) => {
		const parsed = glossy.Parse.parse(line);
		if (!parsed) return null;
		return {
			facilityCode: parsed.facilityID ?? null,
			severityCode: parsed.severityID ?? null,
			timestamp: iso(parsed.time),
			hostname: parsed.host ?? null,
			appName: parsed.appName ?? null,
			procId: parsed.pid ?? null,
			message: parsed.message,
		};
	},
	'syslog-parse': (line) => {
		const parsed = syslogParse(line);
		if (!parsed) return null;
		return {
			facilityCode: parsed.facilityCode ?? null,
			severityCode: parsed.severityCode ?? null,
			timestamp: iso(parsed.time),
			hostname: parsed.host || null,
			appName: parsed.process ?? null,
			procId: parsed.pid === undefined ? null : String(parsed.pid),
			message: parsed.message,
		};
	},
};

const FIELDS = ['facilityCode', 'severityCode', 'timestamp', 'hostname', 'appName', 'procId', 'message'] as const;

function correctness(name: string) {
	const normalize = normalizers[name];
	const valid = corpus.filter((entry) => entry.expect.format !== 'invalid');
	const invalid = corpus.filter((entry) => entry.expect.format === 'invalid');
	let linesRight = 0;
	const fieldRight: Record<string, [number, number]> = {};
	for (const entry of valid) {
		let result: Normalized | null = null;
		try {
			result = normalize(entry.line, new Date(entry.now ?? '2026-11-24T14:00:00Z'));
		} catch {
			result = null;
		}
		let all = true;
		for (const field of FIELDS) {
			if (!(field in entry.expect)) continue;
			fieldRight[field] ??= [0, 0];
			fieldRight[field][1]++;
			const ok = result !== null && JSON.stringify(result[field] ?? null) === JSON.stringify(entry.expect[field]);
			if (ok) fieldRight[field][0]++;
			else all = false;
		}
		if (all) linesRight++;
	}
	let rejected = 0;
	for (const entry of invalid) {
		try {
			if (normalize(entry.line, new Date()) === null) rejected++;
		} catch {
			rejected++;
		}
	}
	return { linesRight, lines: valid.length, fieldRight, rejected, invalid: invalid.length };
}

function throughput(parse: (line: string) => unknown, minMs = 1500): number {
	for (let i = 0; i < 2000; i++) parse(lines[i % lines.length]);
	let count = 0;
	const started = process.hrtime.bigint();
	let elapsedMs = 0;
	while (elapsedMs < minMs) {
		for (const line of lines) parse(line);
		count += lines.length;
		elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
	}
	return (count / elapsedMs) * 1000;
}

const rates: Record<string, number> = {
	ours: throughput((line) => ours.parseSyslog(line, options)),
	glossy: throughput((line) => glossy.Parse.parse(line)),
	'syslog-parse': throughput((line) => syslogParse(line)),
};
const oursWithClassifier = throughput((line) => classifier.classifyProxmox(ours.parseSyslog(line, options)));

console.log(`\nSyslog parser bench (${corpus.length}-line corpus: RFC examples, logger/rsyslog captures, oddities, Proxmox lines; Node ${process.version})`);
console.log('parser         lines/s     ratio to ours   corpus lines fully right   invalid lines rejected');
for (const name of Object.keys(rates)) {
	const result = correctness(name);
	console.log(
		`${name.padEnd(14)} ${Math.round(rates[name]).toString().padStart(9)}   ${(rates[name] / rates.ours).toFixed(2).padStart(8)}x        ${`${result.linesRight}/${result.lines}`.padStart(10)}                 ${result.rejected}/${result.invalid}`,
	);
	console.log(
		`               fields right: ${Object.entries(result.fieldRight)
			.map(([field, [right, total]]) => `${field} ${right}/${total}`)
			.join(', ')}`,
	);
}
console.log(`ours + Proxmox classifier: ${Math.round(oursWithClassifier)} lines/s (${(oursWithClassifier / rates.ours).toFixed(2)}x of parsing alone)`);
