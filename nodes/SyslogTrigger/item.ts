import type { IDataObject } from 'n8n-workflow';
import { correlationKey, type ProxmoxEventInfo, type TriggerEvent } from '../shared/events';
import type { ParsedSyslog } from './parser';
import type { SyslogStatsSnapshot } from './stats';

export type SyslogTransport = 'udp' | 'tcp' | 'tls';

export interface MessageMeta {
	sourceAddress: string;
	sourcePort: number;
	transport: SyslogTransport;
	truncated: boolean;
	invalidUtf8: boolean;
}

/** A syslog message as the trigger emits it: the shared event shape plus syslog fields. */
export interface SyslogItem extends TriggerEvent {
	kind: 'message';
	format: ParsedSyslog['format'];
	facility: string | null;
	facilityCode: number | null;
	severityCode: number | null;
	hostname: string | null;
	appName: string | null;
	procId: string | null;
	msgId: string | null;
	structuredData: ParsedSyslog['structuredData'];
	raw?: string;
	sourceAddress: string;
	sourcePort: number;
	transport: SyslogTransport;
	truncated: boolean;
	invalidUtf8: boolean;
	parseError: string | null;
	/** 1 for a message; for a dedupe summary, how many identical messages were held back. */
	repeatCount: number;
	repeated: boolean;
	stats?: SyslogStatsSnapshot;
}

function describe(event: ProxmoxEventInfo, host: string | null): string {
	const subject = typeof event.vmid === 'number' ? ` ${event.vmid}` : '';
	const where = event.node ?? host;
	return `${event.type}${subject}${where ? ` on ${where}` : ''}`;
}

/**
 * `event.key` (nodes/shared/events.ts) for a classified line, at the line's own time, so a workflow
 * can match it with the poll and push events of the same happening. The `end task` line of a
 * vzdump task is the backup job's end, which the task poll and the notification report as
 * `backup.job.*`: it is keyed as that.
 */
export function syslogEventKey(event: ProxmoxEventInfo, timestamp: string): string {
	const keyed = event.taskType === 'vzdump' && event.phase === 'end' ? { ...event, type: event.success ? 'backup.job.finish' : 'backup.job.failed' } : event;
	return correlationKey(keyed, Math.floor(Date.parse(timestamp) / 1000));
}

/**
 * Same sender + same bytes = same id, so a message that is retransmitted (or relayed twice)
 * can be recognised downstream.
 */
export function messageId(sourceAddress: string, raw: string): string {
	// Two FNV-1a lanes (64 bits): far cheaper than a crypto hash object per message; ids need no secrecy.
	let a = 0x811c9dc5;
	let b = 0x01000193 ^ raw.length;
	const text = `${sourceAddress}\n${raw}`;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		a = Math.imul(a ^ code, 0x01000193);
		b = Math.imul(b ^ code, 0x5bd1e995);
		b ^= b >>> 15;
	}
	return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

export function buildItem(
	parsed: ParsedSyslog,
	event: ProxmoxEventInfo | null,
	raw: string,
	meta: MessageMeta,
	receivedAt: string,
	includeRaw: boolean,
): SyslogItem {
	const host = parsed.hostname ?? meta.sourceAddress;
	const timestamp = parsed.timestamp ?? receivedAt;
	if (event) event = { ...event, key: syslogEventKey(event, Number.isNaN(Date.parse(timestamp)) ? receivedAt : timestamp) };
	const item: SyslogItem = {
		source: 'syslog',
		id: messageId(meta.sourceAddress, raw),
		timestamp,
		receivedAt,
		severity: parsed.severity ?? 'notice',
		host,
		title: event ? describe(event, host) : parsed.appName,
		message: parsed.message,
		event,
		kind: 'message',
		format: parsed.format,
		facility: parsed.facility,
		facilityCode: parsed.facilityCode,
		severityCode: parsed.severityCode,
		hostname: parsed.hostname,
		appName: parsed.appName,
		procId: parsed.procId,
		msgId: parsed.msgId,
		structuredData: parsed.structuredData,
		sourceAddress: meta.sourceAddress,
		sourcePort: meta.sourcePort,
		transport: meta.transport,
		truncated: meta.truncated,
		invalidUtf8: meta.invalidUtf8,
		parseError: parsed.parseError,
		repeatCount: 1,
		repeated: false,
	};
	if (includeRaw) item.raw = raw;
	return item;
}

/** The item emitted when a dedupe window closes with repeats held back. */
export function repeatSummary(first: SyslogItem, repeats: number, closedAt: string): SyslogItem {
	return {
		...first,
		id: `${first.id}:repeat:${closedAt}`,
		receivedAt: closedAt,
		repeatCount: repeats,
		repeated: true,
	};
}

/** A periodic statistics item, in the shared event shape. */
export function statsItem(stats: SyslogStatsSnapshot, droppedSinceLast: number): IDataObject {
	const now = new Date().toISOString();
	const event: TriggerEvent = {
		source: 'syslog',
		id: `stats:${now}`,
		timestamp: now,
		receivedAt: now,
		severity: droppedSinceLast > 0 ? 'warning' : 'info',
		host: null,
		title: 'Syslog Trigger statistics',
		message: `received ${stats.received}, emitted ${stats.emitted}, dropped ${stats.dropped.total} (${droppedSinceLast} since the last report), queued ${stats.queued}`,
		event: null,
	};
	return { ...event, kind: 'stats', stats } as unknown as IDataObject;
}
