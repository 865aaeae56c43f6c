/** An ntfy message as the package's TriggerEvent plus ntfy's own fields. */
import type { IDataObject } from 'n8n-workflow';

import { severityFromNtfyPriority, type TriggerEvent } from '../shared/events';
import { recogniseProxmoxNotification } from '../shared/stream';
import type { NtfyStreamMessage } from './stream';

export function ntfyEvent(message: NtfyStreamMessage, receivedAt = new Date()): IDataObject {
	const priority = typeof message.priority === 'number' && message.priority > 0 ? message.priority : 3;
	const text = message.message ?? '';
	const title = message.title ?? null;
	const recognised = recogniseProxmoxNotification(title, text);
	const event: TriggerEvent = {
		source: 'ntfy',
		id: message.id,
		timestamp: new Date(message.time * 1000).toISOString(),
		receivedAt: receivedAt.toISOString(),
		severity: severityFromNtfyPriority(priority),
		host: recognised?.host ?? null,
		title,
		message: text,
		event: recognised?.event ?? null,
	};
	return {
		...event,
		topic: message.topic,
		priority,
		tags: message.tags ?? [],
		click: message.click ?? null,
		icon: message.icon ?? null,
		actions: message.actions ?? [],
		attachment: message.attachment ?? null,
		contentType: message.content_type ?? 'text/plain',
		sequenceId: message.sequence_id ?? null,
		expires: message.expires ?? null,
	} as unknown as IDataObject;
}
