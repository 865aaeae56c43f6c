import { SEVERITY_NAMES, type EventSeverity } from '../shared/events';

/** Counters operators use to see loss: every message is received once and then either emitted or dropped for one reason. */
export const DROP_REASONS = [
	'sourceNotAllowed',
	'unparseable',
	'filtered',
	'deduplicated',
	'queueFull',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/**
 * What the kernel granted the UDP socket. Linux reports twice the size asked for (half is its own
 * bookkeeping) and caps the request at `net.core.rmem_max`.
 */
export interface UdpBufferStats {
	/** Bytes asked for: the trigger's 4 MiB, or `net.core.rmem_max` when that is lower. */
	requestedReceiveBufferBytes: number;
	/** SO_RCVBUF as the kernel reports it after the request. */
	receiveBufferBytes: number;
	/** `net.core.rmem_max` (null where /proc/sys/net/core/rmem_max cannot be read). */
	kernelMaxBytes: number | null;
}

function emptyBySeverity(): Record<EventSeverity, number> {
	return Object.fromEntries(SEVERITY_NAMES.map((name) => [name, 0])) as Record<EventSeverity, number>;
}

export interface SyslogStatsSnapshot {
	since: string;
	received: number;
	parsed: number;
	parseErrors: number;
	truncated: number;
	invalidUtf8: number;
	emitted: number;
	/** Items emitted when a dedupe window closed (not received messages: they report held-back repeats). */
	repeatSummaries: number;
	/** Repeat summaries that met a full queue (their repeats stay counted as `deduplicated`). */
	repeatSummariesLost: number;
	executions: number;
	queued: number;
	dropped: Record<DropReason, number> & { total: number };
	queueFullBySeverity: Record<EventSeverity, number>;
	udp: UdpBufferStats | null;
	tcp: { open: number; accepted: number; rejected: number; idleClosed: number; tlsErrors: number };
}

export class SyslogStats {
	readonly since = new Date().toISOString();
	received = 0;
	parsed = 0;
	parseErrors = 0;
	truncated = 0;
	invalidUtf8 = 0;
	emitted = 0;
	repeatSummaries = 0;
	repeatSummariesLost = 0;
	executions = 0;
	readonly dropped: Record<DropReason, number> = {
		sourceNotAllowed: 0,
		unparseable: 0,
		filtered: 0,
		deduplicated: 0,
		queueFull: 0,
	};
	/** `queueFull` drops by the severity of the message shed (the least severe go first). */
	readonly queueFullBySeverity = emptyBySeverity();
	/** The UDP socket's receive buffer (null until UDP listens). */
	udp: UdpBufferStats | null = null;
	readonly tcp = { open: 0, accepted: 0, rejected: 0, idleClosed: 0, tlsErrors: 0 };

	drop(reason: DropReason, count = 1): void {
		this.dropped[reason] += count;
	}

	/** A message dropped because the queue was full. */
	shed(severity: EventSeverity): void {
		this.dropped.queueFull++;
		this.queueFullBySeverity[severity]++;
	}

	totalDropped(): number {
		return DROP_REASONS.reduce((sum, reason) => sum + this.dropped[reason], 0);
	}

	snapshot(queued: number): SyslogStatsSnapshot {
		return {
			since: this.since,
			received: this.received,
			parsed: this.parsed,
			parseErrors: this.parseErrors,
			truncated: this.truncated,
			invalidUtf8: this.invalidUtf8,
			emitted: this.emitted,
			repeatSummaries: this.repeatSummaries,
			repeatSummariesLost: this.repeatSummariesLost,
			executions: this.executions,
			queued,
			dropped: { ...this.dropped, total: this.totalDropped() },
			queueFullBySeverity: { ...this.queueFullBySeverity },
			udp: this.udp ? { ...this.udp } : null,
			tcp: { ...this.tcp },
		};
	}
}
