/**
 * Proxmox VE backup reports (reference/protocols.md §5.3, pve-manager `PVE/VZDump.pm` and
 * `templates/default/vzdump-body.txt.hbs`):
 * - the notification system (PVE ≥ 8.1): "Details / =======" then a left-aligned table
 *   `VMID Name Status Time Size Filename` (proxmox-notify renderer/plaintext.rs pads each column
 *   to its widest cell), durations like `1m 12s`, IEC sizes like `1.203 GiB`, then
 *   `Total running time:`, `Total size:` and "Logs / ====" with lines prefixed `<vmid>: `;
 * - the legacy vzdump mail (PVE ≤ 8.0, and `notification-mode legacy-sendmail` / `auto` with
 *   mailto): printf `%-10s %-20s %-6s %10s %10s  %s` under `VMID NAME STATUS TIME SIZE FILENAME`,
 *   times `HH:MM:SS`, sizes like `1.20GB`, then "Detailed backup logs:".
 */
export interface BackupGuest {
	vmid: number;
	name: string | null;
	/** As the table says: `ok` or `err`. */
	status: string;
	ok: boolean;
	/** As printed (`1m 12s`, `00:01:12`). */
	duration: string | null;
	durationSeconds: number | null;
	size: string | null;
	sizeBytes: number | null;
	/** Archive file name or PBS snapshot; null when the guest failed. */
	archive: string | null;
	/** The guest's `ERROR: Backup of VM <vmid> failed - <error>` from the logs. */
	error: string | null;
}

export interface BackupReport {
	format: 'notification' | 'legacy';
	guests: BackupGuest[];
	/** Job-level error line above the table (notification format), if any. */
	error: string | null;
	totalTime: string | null;
	totalSeconds: number | null;
	totalSize: string | null;
	totalBytes: number | null;
}

const UNITS: Record<string, number> = { B: 1, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3, TIB: 1024 ** 4, PIB: 1024 ** 5, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4, PB: 1024 ** 5 };

/** `1.203 GiB`, `0 B`, `1.20GB`, `512.00MB` to bytes (vzdump's legacy MB/GB are binary: format_size divides by 1024). */
export function parseSize(text: string | null | undefined): number | null {
	const match = /^([\d.]+)\s*([KMGTP]i?B|B)$/i.exec((text ?? '').trim());
	if (!match) return null;
	return Math.round(Number(match[1]) * UNITS[match[2].toUpperCase()]);
}

/** `1h 2m 3s`, `1m`, `45s`, `00:01:12` to seconds. */
export function parseDuration(text: string | null | undefined): number | null {
	const value = (text ?? '').trim();
	const clock = /^(\d+):(\d{2}):(\d{2})$/.exec(value);
	if (clock) return Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
	const parts = [...value.matchAll(/(\d+(?:\.\d+)?)\s*(d|h|m|s|ms)\b/g)];
	if (!parts.length || parts.map((p) => p[0]).join(' ').replace(/\s+/g, '') !== value.replace(/\s+/g, '')) return null;
	const factor: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };
	return Math.round(parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * factor[unit], 0));
}

const nullish = (value: string | undefined) => (!value || value === '-' || value === 'null' ? null : value);

/** Per-guest errors from the log section: `<vmid>: [date time ]ERROR: Backup of VM <vmid> failed - <error>`. */
function guestErrors(text: string): Map<number, string> {
	const errors = new Map<number, string>();
	for (const match of text.matchAll(/^(?:\d+: )?(?:\S+ \S+ )?ERROR: Backup of VM (\d+) failed - (.*)$/gm)) {
		if (!errors.has(Number(match[1]))) errors.set(Number(match[1]), match[2].trim());
	}
	return errors;
}

/** Splits a table row at the header's column starts; falls back to runs of 2+ spaces. */
function splitRow(row: string, starts: number[], columns: number): string[] {
	const bySpaces = row.trim().split(/\s{2,}/);
	if (bySpaces.length === columns) return bySpaces;
	return starts.map((start, i) => row.slice(start, i + 1 < starts.length ? starts[i + 1] : undefined).trim());
}

function notificationFormat(text: string): BackupReport | null {
	const lines = text.split(/\r?\n/);
	const header = lines.findIndex((line) => /^VMID\s+Name\s+Status\s+Time\s+Size\s+Filename\s*$/.test(line));
	if (header < 0) return null;
	const headerLine = lines[header];
	const starts = ['VMID', 'Name', 'Status', 'Time', 'Size', 'Filename'].map((word) => headerLine.indexOf(word));
	const errors = guestErrors(text);
	const guests: BackupGuest[] = [];
	for (const row of lines.slice(header + 1)) {
		if (!/^\d+\s/.test(row)) break;
		const [vmid, name, status, duration, size, archive] = splitRow(row, starts, 6);
		const ok = status === 'ok';
		guests.push({
			vmid: Number(vmid),
			name: nullish(name),
			status,
			ok,
			duration: nullish(duration),
			durationSeconds: parseDuration(duration),
			size: nullish(size),
			sizeBytes: parseSize(size),
			archive: ok ? nullish(archive) : null,
			error: errors.get(Number(vmid)) ?? (ok ? null : 'unknown error (see the logs)'),
		});
	}
	const details = lines.findIndex((line) => line.trim() === 'Details');
	const errorLines = lines.slice(0, details > 0 ? details : 0).map((l) => l.trim()).filter(Boolean);
	const totalTime = /^Total running time: (.+)$/m.exec(text)?.[1]?.trim() ?? null;
	const totalSize = /^Total size: (.+)$/m.exec(text)?.[1]?.trim() ?? null;
	return {
		format: 'notification',
		guests,
		error: errorLines.length ? errorLines.join('\n') : null,
		totalTime,
		totalSeconds: parseDuration(totalTime),
		totalSize,
		totalBytes: parseSize(totalSize),
	};
}

function legacyFormat(text: string): BackupReport | null {
	const lines = text.split(/\r?\n/);
	const header = lines.findIndex((line) => /^VMID\s+NAME\s+STATUS\s+TIME\s+SIZE\s+FILENAME\s*$/.test(line));
	if (header < 0) return null;
	const errors = guestErrors(text);
	const guests: BackupGuest[] = [];
	for (const row of lines.slice(header + 1)) {
		const match = /^(\d+)\s+(\S*)\s+(\S+)\s+(\S+)\s+(\S+)\s+(.*)$/.exec(row.trimEnd());
		if (!match) break;
		const [, vmid, name, status, duration, size, archive] = match;
		const ok = status === 'ok';
		guests.push({
			vmid: Number(vmid),
			name: nullish(name),
			status,
			ok,
			duration,
			durationSeconds: parseDuration(duration),
			size,
			sizeBytes: parseSize(size),
			archive: ok ? nullish(archive.trim()) : null,
			error: errors.get(Number(vmid)) ?? (ok ? null : 'unknown error (see the logs)'),
		});
	}
	return { format: 'legacy', guests, error: null, totalTime: null, totalSeconds: null, totalSize: null, totalBytes: null };
}

/** The guest table and totals of a vzdump report body (text part), or null when there is none. */
export function parseBackupReport(text: string): BackupReport | null {
	return notificationFormat(text) ?? legacyFormat(text);
}
