/**
 * Shapes PBS answers into items. PBS answers JSON booleans (true/false, proxmox-router); the
 * package's simulator used 0/1 for a while, so both are read.
 */
import type { IDataObject } from 'n8n-workflow';

import { snapshotPath } from './ids';

export function bool(value: unknown): boolean {
	return value === true || value === 1 || value === '1' || value === 'true';
}

export function isoTime(seconds: unknown): string | undefined {
	const n = Number(seconds);
	return Number.isFinite(n) && n > 0 ? new Date(n * 1000).toISOString() : undefined;
}

interface SnapshotFile {
	filename?: string;
	size?: number;
	'crypt-mode'?: string;
}

/** One snapshot of `GET /admin/datastore/{store}/snapshots` as an item. */
export function snapshotItem(store: string, ns: string, entry: IDataObject, now = Date.now()): IDataObject {
	const files = (Array.isArray(entry.files) ? entry.files : []) as SnapshotFile[];
	const verification = (entry.verification ?? undefined) as { state?: string; upid?: string } | undefined;
	const time = Number(entry['backup-time']);
	const modes = [...new Set(files.map((f) => f['crypt-mode'] ?? 'none'))];
	return {
		datastore: store,
		namespace: ns,
		snapshot: snapshotPath(entry['backup-type'], entry['backup-id'], time),
		backupType: entry['backup-type'] as string,
		backupId: String(entry['backup-id']),
		backupTime: time,
		backupTimeIso: isoTime(time) ?? null,
		ageHours: Math.round(((now / 1000 - time) / 3600) * 10) / 10,
		size: typeof entry.size === 'number' ? entry.size : files.reduce((sum, f) => sum + (f.size ?? 0), 0),
		owner: (entry.owner as string) ?? null,
		protected: bool(entry.protected),
		notes: (entry.comment as string) ?? '',
		verifyState: verification?.state ?? 'none',
		verifyUpid: verification?.upid || null,
		encrypted: modes.includes('encrypt'),
		cryptMode: modes.length === 1 ? modes[0] : modes.length ? 'mixed' : 'none',
		files: files.map((f) => f.filename ?? '').filter(Boolean),
	};
}

/** Turns 0/1 of the named fields of a config entry into booleans. */
export function withBooleans(entry: IDataObject, fields: string[]): IDataObject {
	const out: IDataObject = { ...entry };
	for (const field of fields) if (field in out) out[field] = bool(out[field]);
	return out;
}
