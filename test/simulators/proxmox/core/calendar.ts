/**
 * Next occurrence of a systemd-style calendar event, as PVE (`pve-calendar-event`) and PBS job schedules use
 * them (proxmox-time `CalendarEvent::compute_next_event`): `daily`, `hourly`, `weekly`, `sat 03:00`,
 * `mon..fri 22:30`, `*:0/15`, `02,14:00`, `*-*-01 04:00`. Evaluated in UTC, the simulator's time zone.
 * Seconds are always 0.
 */

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface Parsed {
	weekdays: Set<number> | undefined;
	days: Set<number> | undefined;
	hours: Set<number>;
	minutes: Set<number>;
}

function values(spec: string, max: number, min = 0): Set<number> | undefined {
	const out = new Set<number>();
	for (const part of spec.split(',')) {
		const m = /^(\*|\d+)(?:\.\.(\d+))?(?:\/(\d+))?$/.exec(part);
		if (!m) return undefined;
		const start = m[1] === '*' ? min : Number(m[1]);
		const end = m[2] !== undefined ? Number(m[2]) : m[1] === '*' || m[3] ? max : start;
		const step = m[3] ? Number(m[3]) : 1;
		if (!step || start > max) return undefined;
		for (let v = start; v <= Math.min(end, max); v += step) out.add(v);
	}
	return out;
}

function weekdays(spec: string): Set<number> | undefined {
	const out = new Set<number>();
	for (const part of spec.toLowerCase().split(',')) {
		const [a, b] = part.split('..').map((d) => DAYS.indexOf(d.slice(0, 3)));
		if (a < 0 || (b !== undefined && b < 0)) return undefined;
		if (b === undefined) out.add(a);
		else for (let d = a; ; d = (d + 1) % 7) {
			out.add(d);
			if (d === b) break;
		}
	}
	return out;
}

const NAMED: Record<string, string> = { minutely: '*:*', hourly: '*:00', daily: '00:00', weekly: 'mon 00:00', monthly: '*-*-01 00:00', yearly: '*-01-01 00:00', annually: '*-01-01 00:00' };

export function parseCalendarEvent(spec: string): Parsed | undefined {
	const tokens = (NAMED[spec.trim().toLowerCase()] ?? spec.trim()).split(/\s+/).filter(Boolean);
	const parsed: Parsed = { weekdays: undefined, days: undefined, hours: new Set([0]), minutes: new Set([0]) };
	for (const token of tokens) {
		if (/^[a-z]/i.test(token)) {
			parsed.weekdays = weekdays(token);
			if (!parsed.weekdays) return undefined;
		} else if (token.includes('-')) {
			const day = token.split('-').pop() as string;
			parsed.days = day === '*' ? undefined : values(day, 31, 1);
		} else {
			const [h, m = '00'] = token.includes(':') ? token.split(':') : ['*', token];
			const hours = values(h, 23);
			const minutes = values(m, 59);
			if (!hours || !minutes) return undefined;
			parsed.hours = hours;
			parsed.minutes = minutes;
		}
	}
	return parsed;
}

/** First event strictly after `after` (epoch seconds), or undefined for an unparsable schedule. */
export function nextCalendarEvent(spec: string, after: number): number | undefined {
	const p = parseCalendarEvent(spec);
	if (!p) return undefined;
	const start = after - (after % 60) + 60;
	const dayStart = start - (start % 86400);
	for (let day = 0; day <= 400; day++) {
		const base = dayStart + day * 86400;
		const date = new Date(base * 1000);
		if (p.weekdays && !p.weekdays.has(date.getUTCDay())) continue;
		if (p.days && !p.days.has(date.getUTCDate())) continue;
		for (const h of [...p.hours].sort((a, b) => a - b)) {
			for (const m of [...p.minutes].sort((a, b) => a - b)) {
				const t = base + h * 3600 + m * 60;
				if (t >= start) return t;
			}
		}
	}
	return undefined;
}

/** Every event in [from, to) (seed history of scheduled jobs). */
export function calendarEventsBetween(spec: string, from: number, to: number): number[] {
	const out: number[] = [];
	let t = nextCalendarEvent(spec, from - 1);
	while (t !== undefined && t < to) {
		out.push(t);
		t = nextCalendarEvent(spec, t);
	}
	return out;
}
