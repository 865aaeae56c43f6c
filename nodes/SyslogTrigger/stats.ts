/** Counters operators use to see loss: every message is received once and then either emitted or dropped for one reason. */
export const DROP_REASONS = [
	'sourceNotAllowed',
	'unparseable',
	'filtered',
	'deduplicated',
	'rateLimited',
	'queueFull',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

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
		rateLimited: 0,
		queueFull: 0,
	};
	readonly tcp = { open: 0, accepted: 0, rejected: 0, idleClosed: 0, tlsErrors: 0 };

	drop(reason: DropReason, count = 1): void {
		this.dropped[reason] += count;
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
			tcp: { ...this.tcp },
		};
	}
}
