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

