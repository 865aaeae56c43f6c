
export type KeepOptions = Partial<Record<'keep-last' | 'keep-hourly' | 'keep-daily' | 'keep-weekly' | 'keep-monthly' | 'keep-yearly', number>>;

const pad = (n: number) => String(n).padStart(2, '0');
function isoWeek(d: Date): string {
	const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
	const day = t.getUTCDay() || 7;
	t.setUTCDate(t.getUTCDate() + 4 - day);
	const yearStart = new Date(Date.UTC(t.getUTCFullYear(), 0, 1));
	return `${t.getUTCFullYear()}/${Math.ceil(((t.getTime() - yearStart.getTime()) / 86400000 + 1) / 7)}`;
}

/** What the selection needs: a backup time (epoch) and the protected flag (PBS snapshots, PVE backup volumes). */
export interface Prunable {
	time: number;
	protected?: boolean;
}

const SELECTORS: Array<[keyof KeepOptions, (s: Prunable) => string]> = [
	['keep-last', (s) => String(s.time)],
	['keep-hourly', (s) => new Date(s.time * 1000).toISOString().slice(0, 13)],
	['keep-daily', (s) => new Date(s.time * 1000).toISOString().slice(0, 10)],
	['keep-weekly', (s) => isoWeek(new Date(s.time * 1000))],
	['keep-monthly', (s) => { const d = new Date(s.time * 1000); return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}`; }],
	['keep-yearly', (s) => String(new Date(s.time * 1000).getUTCFullYear())],
];

/**
 * The PBS prune selection (pbs-datastore prune.rs): per option, keep the newest snapshot of each of
 * the N newest periods not already covered; protected snapshots are always kept; no option keeps all.
 * PVE's `PVE::Storage::prune_mark_backup_group` applies the same rules to vzdump archives.
 */
export function pruneSelection<T extends Prunable>(group: T[], keep: KeepOptions): Map<T, 'keep' | 'remove' | 'protected'> {
	const list = [...group].sort((a, b) => b.time - a.time);
	const mark = new Map<T, 'keep' | 'remove' | 'protected'>();
	const any = SELECTORS.some(([k]) => (keep[k] ?? 0) > 0);
	if (!any) {
		for (const s of list) mark.set(s, s.protected ? 'protected' : 'keep');
		return mark;
	}
	for (const [option, select] of SELECTORS) {
		const count = keep[option] ?? 0;
		if (!count) continue;
		const already = new Set(list.filter((s) => mark.get(s) === 'keep' || mark.get(s) === 'protected').map(select));
		const included = new Set<string>();
		for (const s of list) {
			if (mark.has(s)) continue;
			if (s.protected) {
				mark.set(s, 'protected');
				continue;
			}
			const id = select(s);
			if (already.has(id)) continue;
			if (!included.has(id)) {
				if (included.size >= count) break;
				included.add(id);
				mark.set(s, 'keep');
			} else mark.set(s, 'remove');
		}
	}
	for (const s of list) if (!mark.has(s)) mark.set(s, s.protected ? 'protected' : 'remove');
	return mark;
}
