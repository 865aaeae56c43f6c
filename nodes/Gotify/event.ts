/** A Gotify message as the package's TriggerEvent plus Gotify's own fields. */
import type { IDataObject } from 'n8n-workflow';

import { severityFromGotifyPriority, type TriggerEvent } from '../shared/events';
import { recogniseProxmoxNotification, unwrapCodeFence } from '../shared/stream';
import type { GotifyMessage } from './transport';

export function gotifyEvent(message: GotifyMessage, applicationName: string | null, receivedAt = new Date()): IDataObject {
	const priority = message.priority ?? 0;
	const title = message.title ?? null;
	const extras = message.extras ?? {};
	const display = extras['client::display'] as { contentType?: string } | undefined;
	const notification = extras['client::notification'] as { click?: { url?: string } } | undefined;
	const recognised = recogniseProxmoxNotification(title, unwrapCodeFence(message.message));
	const event: TriggerEvent = {
		source: 'gotify',
		id: String(message.id),
		timestamp: new Date(message.date).toISOString(),
		receivedAt: receivedAt.toISOString(),
		severity: severityFromGotifyPriority(priority),
		host: recognised?.host ?? null,
		title,
		// Proxmox's Gotify target fences its plain-text body as Markdown code; hand on the text.
		message: recognised ? unwrapCodeFence(message.message) : message.message,
		event: recognised?.event ?? null,
	};
	return {
		...event,
		appid: message.appid,
		application: applicationName,
		priority,
		extras,
		contentType: display?.contentType ?? 'text/plain',
		clickUrl: notification?.click?.url ?? null,
		date: message.date,
	} as unknown as IDataObject;
}
