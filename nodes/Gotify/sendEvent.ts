/**
 * Gotify "Send Event": the common event rendered by the shared renderer as Markdown, priority
 * from severity (the inverse of the Gotify Trigger's mapping) and a click URL into Proxmox.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readSendEvent, renderGotify, sendEventProperties, skippedOutput } from '../shared/render';
import { gotifyRequest, type GotifyConnection } from './transport';

export const gotifySendEventProperties: INodeProperties[] = sendEventProperties({ show: { resource: ['message'], operation: ['sendEvent'] } });

export async function sendEvent(this: IExecuteFunctions, connection: GotifyConnection, itemIndex: number): Promise<IDataObject[]> {
	const input = readSendEvent(this, itemIndex);
	if (!input.send) return [skippedOutput(input)];
	const rendered = renderGotify(input.view);
	const message = await gotifyRequest<IDataObject>(connection, {
		method: 'POST',
		path: '/message',
		token: 'app',
		json: { title: rendered.title, message: rendered.message, priority: rendered.priority, extras: rendered.extras },
	});
	return [{ sent: true, severity: input.view.severity, ...message }];
}
