import type { Matcher } from './config';
import type { NotificationEvent } from './dispatcher';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function fieldRule(rule: string, fields: Record<string, string>): boolean {
	const m = /^(exact|regex):([^=]+)=(.*)$/.exec(rule);
	if (!m) return false;
	const value = fields[m[2]];
	if (value === undefined) return false;
	if (m[1] === 'exact') return m[3].split(',').map((s) => s.trim()).includes(value);
	try {
		return new RegExp(m[3]).test(value); // unanchored, like the Rust regex `is_match`
	} catch {
		return false;
	}
}

function dayMatches(spec: string, day: number): boolean {
	return spec.split(',').some((part) => {
		const [a, b] = part.split('..').map((s) => DAYS.indexOf(s.trim().slice(0, 3).toLowerCase()));
		if (b === undefined) return a === day;
		return a <= b ? day >= a && day <= b : day >= a || day <= b;
	});
}

function minutes(t: string): number {
	const [h, m] = t.split(':').map(Number);
	return h * 60 + (m || 0);
}

/** A subset of systemd calendar events as matchers use them: `mon..fri 9:00-17:00`, `sat,sun`, `8-18`. */
export function calendarMatches(spec: string, at: Date): boolean {
	let rest = spec.trim().toLowerCase();
	const dayPart = /^([a-z.,]+)\s*(.*)$/.exec(rest);
	if (dayPart) {
		if (!dayMatches(dayPart[1].replace(/-/g, '..'), at.getDay())) return false;
		rest = dayPart[2];
	}
	if (!rest) return true;
	const range = /^(\d{1,2}(?::\d{2})?)\s*-\s*(\d{1,2}(?::\d{2})?)$/.exec(rest);
	const now = at.getHours() * 60 + at.getMinutes();
	if (range) return now >= minutes(range[1]) && now <= minutes(range[2]);
	return now === minutes(rest);
}

/** proxmox-notify matcher semantics: no rules always matches (even inverted); mode all/any; invert. */
export function matcherMatches(m: Matcher, event: NotificationEvent, at: Date): boolean {
	const results: boolean[] = [];
	for (const s of m['match-severity'] ?? []) results.push(s.split(',').map((x) => x.trim()).includes(event.severity));
	for (const f of m['match-field'] ?? []) results.push(fieldRule(f, event.fields));
	for (const c of m['match-calendar'] ?? []) results.push(calendarMatches(c, at));
	if (!results.length) return true;
	const matched = m.mode === 'any' ? results.some(Boolean) : results.every(Boolean);
	return m['invert-match'] ? !matched : matched;
}
