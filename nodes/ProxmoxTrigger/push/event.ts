/**
 * A notification delivered by Proxmox's webhook target (body rendered from BODY_TEMPLATE) as the
 * common event. `fields.type` says what happened (reference/proxmox.md §3.3 PVE table, §3.4 PBS); the
 * subject adds details the fields lack (recogniseProxmoxNotification, shared with Gotify and ntfy).
 */
import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { severityFromProxmox, type ProxmoxEventInfo } from '../../shared/events';
import { recogniseProxmoxNotification } from '../../shared/stream';
import { eventLinks, proxmoxEvent } from '../common';

export interface NotificationBody {
	title?: unknown;
	message?: unknown;
	severity?: unknown;
	timestamp?: unknown;
	fields?: unknown;
}

/** The event type for a notification: the Syslog/Gotify vocabulary where it has one. */
export function notificationEventType(type: string | undefined, severity: string, title: string): string {
	const failed = severity === 'error';
	switch (type) {
		case 'vzdump':
			return failed ? 'backup.job.failed' : 'backup.job.finish';
		case 'replication':
			return 'replication.failed';
		case 'fencing':
			return 'node.fence';
		case 'package-updates':
			return 'package.updates';
		case 'system-mail':
			return 'system.mail';
		case 'gc':
		case 'verify':
		case 'prune':
		case 'sync':
		case 'tape-backup':
			return `${type}.${failed ? 'failed' : 'finish'}`;
		case undefined:
		case '':
			return title === 'Test notification' ? 'notification.test' : 'notification';
		default:
			return `notification.${type}`;
	}
}

export function notificationEvent(body: NotificationBody, origin: string, receivedAt = new Date(), product: 'pve' | 'pbs' = 'pve'): IDataObject {
	const title = typeof body.title === 'string' ? body.title : '';
	const message = typeof body.message === 'string' ? body.message : '';
	const severity = typeof body.severity === 'string' ? body.severity : 'unknown';
	const timestamp = typeof body.timestamp === 'number' && Number.isFinite(body.timestamp) ? body.timestamp : Math.floor(receivedAt.getTime() / 1000);
	const fields: Record<string, string> = {};
	if (body.fields && typeof body.fields === 'object') for (const [key, value] of Object.entries(body.fields as Record<string, unknown>)) fields[key] = String(value);
	const recognised = recogniseProxmoxNotification(title, message);
	const info: ProxmoxEventInfo = { ...(recognised?.event ?? {}), type: notificationEventType(fields.type, severity, title), notificationType: fields.type ?? null, fields };
	if (fields.hostname && info.node === undefined) info.node = fields.hostname;
	if (fields['job-id']) info.jobId = fields['job-id'];
	if (fields.datastore) info.storage = fields.datastore;
	const replicationGuest = /^(\d+)-\d+$/.exec(fields['job-id'] ?? '');
	if (fields.type === 'replication' && replicationGuest) info.vmid = Number(replicationGuest[1]);
	const id = createHash('sha256').update(JSON.stringify([timestamp, title, message, severity, fields])).digest('hex').slice(0, 24);
	return proxmoxEvent(
		{
			id,
			time: timestamp,
			severity: severityFromProxmox(severity),
			host: fields.hostname ?? recognised?.host ?? null,
			title: title || null,
			message,
			info,
			// PVE's web interface keeps its view in the URL; PBS's has no such deep links.
			links: product === 'pve' ? eventLinks(origin, { node: info.node }) : {},
		},
		receivedAt,
	);
}
