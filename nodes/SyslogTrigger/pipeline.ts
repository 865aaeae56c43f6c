import { SEVERITY_NAMES, severityRank, type EventSeverity } from '../shared/events';
import { classifyProxmox } from './classify/proxmox';
import type { MessageFilter } from './filters';
import { Deduper } from './floodGuard/dedupe';
import { Dispatcher } from '../shared/pacing';
import { buildItem, repeatSummary, type MessageMeta, type SyslogItem, type SyslogTransport } from './item';
import { decodePayload, parseSyslog } from './parser';
import { trimTrailer } from './parser/rfc5424';
import { SyslogStats } from './stats';

export interface PipelineConfig {
	maxMessageBytes: number;
	/** What to do with input that is not syslog: emit it with `parseError`, or drop and count it. */
	unparseable: 'emit' | 'drop';
	classify: boolean;
	includeRaw: boolean;
	timeZone: string;
	filter: MessageFilter | null;
	allowSource: ((address: string) => boolean) | null;
	dedupeWindowMs: number;
	dedupeMaxKeys: number;
	ratePerSecond: number;
	batchSize: number;
	batchMaxWaitMs: number;
	maxQueue: number;
	maxQueueBytes: number;
	maxInFlight: number;
	attachStats: boolean;
}

/** Delivers one batch (one n8n execution); the promise, when given, settles when it finished. */
export type Deliver = (items: SyslogItem[]) => Promise<unknown> | void;

/**
 * Bytes in, n8n items out: parse, classify, filter, dedupe, queue (shedding the least severe when
 * full), pace to the rate limit and batch, counting every message that does not make it.
 */
export class SyslogPipeline {
	readonly stats = new SyslogStats();
	private readonly deduper: Deduper<SyslogItem> | null;
	private readonly dispatcher: Dispatcher<SyslogItem>;

	constructor(
		private readonly config: PipelineConfig,
		deliver: Deliver,
	) {
		this.deduper =
			config.dedupeWindowMs > 0
				? new Deduper<SyslogItem>(config.dedupeWindowMs, config.dedupeMaxKeys, (first, repeats) => this.enqueueRepeats(first, repeats))
				: null;
		this.dispatcher = new Dispatcher<SyslogItem>(
			{
				batchSize: config.batchSize,
				maxWaitMs: config.batchMaxWaitMs,
				maxQueue: config.maxQueue,
				maxQueueBytes: config.maxQueueBytes,
				maxInFlight: config.maxInFlight,
				ratePerSecond: config.ratePerSecond,
			},
			(items) => {
				this.stats.emitted += items.length;
				this.stats.executions++;
				if (config.attachStats) {
					const snapshot = this.snapshot();
					for (const item of items) item.stats = snapshot;
				}
				return deliver(items);
			},
			{ sizeOf: approximateSize, rankOf: (item) => severityRank(item.severity), ranks: SEVERITY_NAMES.length, onShed: (item) => this.shed(item) },
		);
	}

	/** See Dispatcher.onPressure: the TCP listener pauses its connections while this says `true`. */
	onPressure(listener: (congested: boolean) => void): void {
		this.dispatcher.onPressure(listener);
	}

	snapshot() {
		return this.stats.snapshot(this.dispatcher.queued);
	}

	/** False when the peer is outside the allow-list (counted); TCP calls this once per connection. */
	admits(address: string): boolean {
		if (!this.config.allowSource || this.config.allowSource(address)) return true;
		return false;
	}

	/** A TCP connection from outside the allow-list was refused. */
	refused(): void {
		this.stats.tcp.rejected++;
	}

	/** One received message (a datagram or a TCP frame). Never throws. */
	handle(bytes: Buffer, sourceAddress: string, sourcePort: number, transport: SyslogTransport, framedTruncated = false): void {
		const stats = this.stats;
		stats.received++;
		if (transport === 'udp' && !this.admits(sourceAddress)) {
			stats.drop('sourceNotAllowed');
			return;
		}
		let truncated = framedTruncated;
		if (bytes.length > this.config.maxMessageBytes) {
			bytes = bytes.subarray(0, this.config.maxMessageBytes);
			truncated = true;
		}
		if (truncated) stats.truncated++;
		const { text, invalidUtf8 } = decodePayload(bytes);
		if (invalidUtf8) stats.invalidUtf8++;
		const receivedAt = receiptTime();
		const parsed = parseSyslog(text, { now: receivedAt, timeZone: this.config.timeZone });
		if (parsed.parseError) {
			stats.parseErrors++;
			if (this.config.unparseable === 'drop') {
				stats.drop('unparseable');
				return;
			}
		} else {
			stats.parsed++;
		}
		const event = this.config.classify ? safeClassify(parsed) : null;
		if (
			this.config.filter &&
			!this.config.filter({
				severity: parsed.severity as EventSeverity | null,
				facilityCode: parsed.facilityCode,
				hostname: parsed.hostname,
				appName: parsed.appName,
				message: parsed.message,
				event,
			})
		) {
			stats.drop('filtered');
			return;
		}
		const receivedIso = isoOf(receivedAt);
		const meta: MessageMeta = { sourceAddress, sourcePort, transport, truncated, invalidUtf8 };
		const item = buildItem(parsed, event, trimTrailer(text), meta, receivedIso, this.config.includeRaw);
		if (this.deduper) {
			const key = `${sourceAddress}\u0000${parsed.hostname}\u0000${parsed.appName}\u0000${parsed.facilityCode}\u0000${parsed.severityCode}\u0000${parsed.message}`;
			if (!this.deduper.offer(key, item)) {
				stats.drop('deduplicated');
				return;
			}
		}
		this.enqueue(item);
	}

	close(): void {
		this.deduper?.close();
		this.dispatcher.close();
	}

	private enqueue(item: SyslogItem): void {
		if (!this.dispatcher.push(item)) this.stats.shed(item.severity);
	}

	/** A queued item gave way to a more severe one. */
	private shed(item: SyslogItem): void {
		if (item.repeated) {
			// Counted when it was queued; its repeats stay counted as `deduplicated`.
			this.stats.repeatSummaries--;
			this.stats.repeatSummariesLost++;
		} else {
			this.stats.shed(item.severity);
		}
	}

	/** A dedupe window closed with repeats held back: report them (not a received message, so counted apart). */
	private enqueueRepeats(first: SyslogItem, repeats: number): void {
		if (this.dispatcher.push(repeatSummary(first, repeats, new Date().toISOString()))) this.stats.repeatSummaries++;
		else this.stats.repeatSummariesLost++;
	}
}

/** Memory an item holds, roughly: its two long strings (UTF-16) plus the fixed fields. */
function approximateSize(item: SyslogItem): number {
	return (item.message.length + (item.raw?.length ?? 0)) * 2 + 1024;
}

function safeClassify(parsed: Parameters<typeof classifyProxmox>[0]) {
	try {
		return classifyProxmox(parsed);
	} catch {
		// A classifier bug must never stop the message itself from arriving.
		return null;
	}
}

let lastReceipt = new Date(0);
let lastReceiptIso = lastReceipt.toISOString();

/** Receipt time; one Date per millisecond is enough under bursts. */
function receiptTime(): Date {
	const now = Date.now();
	if (now !== lastReceipt.getTime()) {
		lastReceipt = new Date(now);
		lastReceiptIso = lastReceipt.toISOString();
	}
	return lastReceipt;
}

function isoOf(date: Date): string {
	return date === lastReceipt ? lastReceiptIso : date.toISOString();
}
