/**
 * The one event shape every trigger of this package emits, so a workflow (or the incident
 * agent) can treat a syslog line, a Gotify message, an ntfy message, a Proxmox task or a
 * mail the same way. Each trigger adds its source-specific fields beside these.
 */

export type EventSource = 'proxmox' | 'syslog' | 'gotify' | 'ntfy' | 'email';

/** Syslog's scale (RFC 5424), used by every source so severities compare across sources. */
export const SEVERITY_NAMES = [
	'emergency',
	'alert',
	'critical',
	'error',
	'warning',
	'notice',
	'info',
	'debug',
] as const;
export type EventSeverity = (typeof SEVERITY_NAMES)[number];

/** What a Proxmox-aware parser recognised in an event (a guest stopped, a backup failed...). */
export interface ProxmoxEventInfo {
	/** Dotted type such as `guest.stop`, `backup.failed`, `auth.failed`, `ha.state`. */
	type: string;
	node?: string;
	vmid?: number;
	upid?: string;
	user?: string;
	storage?: string;
	[field: string]: unknown;
}

export interface TriggerEvent {
	source: EventSource;
	/** Unique within the source; stable across redeliveries (used for dedupe and resume). */
	id: string;
	/** When the event happened, ISO 8601 (the sender's clock when it says; otherwise receipt). */
	timestamp: string;
	/** When this package received it, ISO 8601. */
	receivedAt: string;
	severity: EventSeverity;
	/** Proxmox node or sending host, when known. */
	host: string | null;
	title: string | null;
	message: string;
	/** Proxmox classification, or null when the event is not a recognised Proxmox event. */
	event: ProxmoxEventInfo | null;
}

export function severityRank(severity: EventSeverity): number {
	return SEVERITY_NAMES.indexOf(severity);
}

/** True when `severity` is at least as severe as `minimum` (emergency is the most severe). */
export function isAtLeast(severity: EventSeverity, minimum: EventSeverity): boolean {
	return severityRank(severity) <= severityRank(minimum);
}

/**
 * Gotify priority (0-10) to severity. Inverse of Proxmox's own Gotify target, which sends
 * info=1, notice=3, warning=5, error=9 (proxmox-notify), so Proxmox pushes round-trip.
 */
export function severityFromGotifyPriority(priority: number): EventSeverity {
	if (priority <= 0) return 'debug';
	if (priority <= 1) return 'info';
	if (priority <= 3) return 'notice';
	if (priority <= 6) return 'warning';
	if (priority <= 9) return 'error';
	return 'critical';
}

/** ntfy priority (1 min .. 5 max/urgent) to severity. */
export function severityFromNtfyPriority(priority: number): EventSeverity {
	switch (priority) {
		case 1:
			return 'debug';
		case 2:
			return 'info';
		case 4:
			return 'warning';
		case 5:
			return 'critical';
		default:
			return 'notice';
	}
}

/** Proxmox notification severities (info|notice|warning|error|unknown) to the shared scale. */
export function severityFromProxmox(severity: string): EventSeverity {
	switch (severity) {
		case 'error':
			return 'error';
		case 'warning':
			return 'warning';
		case 'notice':
			return 'notice';
		case 'info':
			return 'info';
		default:
			return 'notice';
	}
}

/**
 * Events that Proxmox reports without a task ID in at least one channel (notifications carry none):
 * PVE backup jobs, replication, fencing, updates, and PBS's gc/verify/prune/sync job results.
 */
const KEY_WITHOUT_UPID = /^(backup\.job\.|replication\.|node\.fence|package\.updates|(gc|verify|prune|sync)\.(finish|failed)$)/;

/**
 * `event.key`: the same string for one happening however it arrived (notification push, task poll,
 * syslog line), so a workflow can drop duplicates across sources.
 * - A task that only tasks report: `proxmox:task:<UPID>`.
 * - Anything else (and backup jobs, replication, fencing, package updates and PBS gc/verify/prune/sync
 *   results, which notifications report without a UPID): `proxmox:<type>:<node>:<subject>:<time>` where subject is the VMID,
 *   storage or job ID (`-` for backup jobs and when none applies) and time is the UTC time floored to 10 minutes (`YYYYMMDDTHHmm`).
 *   A backup whose notification and task end straddle a 10-minute boundary gets two keys.
 */
export function correlationKey(event: ProxmoxEventInfo, epochSeconds: number): string {
	if (typeof event.upid === 'string' && event.upid && !KEY_WITHOUT_UPID.test(event.type)) return `proxmox:task:${event.upid}`;
	// A backup job's notification names its job, its task does not: neither is part of the key.
	const subject = event.type.startsWith('backup.job.') ? '-' : (event.vmid ?? event.storage ?? (event.jobId as string | undefined) ?? '-');
	const bucket = new Date(Math.floor(epochSeconds / 600) * 600 * 1000).toISOString().replace(/[-:]/g, '').slice(0, 13);
	return `proxmox:${event.type}:${event.node ?? '-'}:${subject}:${bucket}`;
}
