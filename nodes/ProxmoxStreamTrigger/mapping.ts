/**
 * Maps a relay's WebSocket message to the common event (source `proxmox`) with configurable field
 * paths. A message shaped like a Proxmox notification (title, message, severity, timestamp,
 * fields) maps like the push trigger's deliveries, whatever the paths say about the rest.
 */
import { randomUUID } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { SEVERITY_NAMES, severityFromProxmox, type EventSeverity, type ProxmoxEventInfo } from '../shared/events';
import { proxmoxEvent } from '../ProxmoxTrigger/common';
import { notificationEventType } from '../ProxmoxTrigger/push/event';

export interface FieldPaths {
	id: string;
	title: string;
	message: string;
	severity: string;
	timestamp: string;
	host: string;
	type: string;
	vmid: string;
}

export const DEFAULT_PATHS: FieldPaths = {
	id: 'id',
	title: 'title',
	message: 'message',
	severity: 'severity',
	timestamp: 'timestamp',
	host: 'fields.hostname',
	type: 'fields.type',
	vmid: 'vmid',
};

/** `a.b.0.c` into a parsed JSON value; undefined when any step is missing. */
export function valueAt(data: unknown, path: string): unknown {
	if (!path) return undefined;
	let value: unknown = data;
	for (const step of path.split('.')) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as Record<string, unknown>)[step];
	}
	return value;
}

const SHORT_SEVERITIES: Record<string, EventSeverity> = { emerg: 'emergency', panic: 'emergency', crit: 'critical', err: 'error', warn: 'warning', information: 'info', informational: 'info' };

/** Syslog names (and their short forms), Proxmox's info/notice/warning/error/unknown, or 0-7. */
export function severityOf(value: unknown): EventSeverity {
	if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 7) return SEVERITY_NAMES[value];
	const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
	if ((SEVERITY_NAMES as readonly string[]).includes(text)) return text as EventSeverity;
	if (SHORT_SEVERITIES[text]) return SHORT_SEVERITIES[text];
	return severityFromProxmox(text);
}

/** Epoch seconds, epoch milliseconds or an ISO date; the receipt time otherwise. */
export function timeOf(value: unknown, receivedAt: Date): number {
	if (typeof value === 'number' && Number.isFinite(value)) return value > 1e12 ? Math.floor(value / 1000) : Math.floor(value);
	if (typeof value === 'string' && value.trim()) {
		const parsed = /^\d+(\.\d+)?$/.test(value.trim()) ? timeOf(Number(value), receivedAt) * 1000 : Date.parse(value);
		if (Number.isFinite(parsed)) return Math.floor(parsed / 1000);
	}
	return Math.floor(receivedAt.getTime() / 1000);
}

const text = (value: unknown): string | undefined => (value === undefined || value === null ? undefined : typeof value === 'string' ? value : JSON.stringify(value));

export interface MappedMessage {
	/** Stable for a JSON message with an id (dedupe), unique otherwise. */
	id: string;
	json: IDataObject;
}

export function mapMessage(raw: string, format: 'json' | 'text', paths: FieldPaths, receivedAt = new Date()): MappedMessage {
	if (format === 'text') {
		const id = randomUUID();
		const json = proxmoxEvent({ id, time: timeOf(undefined, receivedAt), severity: 'notice', host: null, title: null, message: raw, info: { type: 'relay.message' }, links: {} }, receivedAt);
		json.event = null;
		return { id, json };
	}
	let data: unknown;
	try {
		data = JSON.parse(raw);
	} catch {
		return mapMessage(raw, 'text', paths, receivedAt);
	}
	const idValue = text(valueAt(data, paths.id));
	const id = idValue ?? randomUUID();
	const severityValue = valueAt(data, paths.severity);
	const title = text(valueAt(data, paths.title)) ?? null;
	const host = text(valueAt(data, paths.host)) ?? null;
	const rawType = text(valueAt(data, paths.type));
	const vmidValue = Number(valueAt(data, paths.vmid));
	// A Proxmox notification's `fields.type` (vzdump, fencing...) maps to the shared vocabulary.
	const type = rawType && /^[a-z-]+$/.test(rawType) && !rawType.includes('.') ? notificationEventType(rawType, String(severityValue ?? ''), title ?? '') : (rawType ?? 'relay.message');
	const info: ProxmoxEventInfo = { type };
	if (host) info.node = host;
	if (Number.isInteger(vmidValue) && vmidValue > 0) info.vmid = vmidValue;
	const json = proxmoxEvent(
		{
			id,
			time: timeOf(valueAt(data, paths.timestamp), receivedAt),
			severity: severityOf(severityValue),
			host,
			title,
			message: text(valueAt(data, paths.message)) ?? raw,
			info,
			links: {},
		},
		receivedAt,
	);
	json.data = data as IDataObject;
	return { id, json };
}
