/**
 * ntfy "Send Event": the common event rendered by the shared renderer: title, priority, tags
 * (emoji per severity and event type), Markdown, click URL, the Action Buttons (e.g. Approve /
 * Reject to an n8n Wait node's resume URL) and an "Open in Proxmox" button.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { NTFY_MAX_ACTIONS, readSendEvent, renderNtfy, sendEventProperties, skippedOutput } from '../shared/render';
import { publishJsonBody, validateTopic, type ActionInput } from './publish';
import { ntfyRequest, parseNdjson, type NtfyConnection } from './transport';

const onSendEvent = { show: { operation: ['sendEvent'] } };

export const ntfySendEventProperties: INodeProperties[] = [
	{
		displayName: 'Topic',
		name: 'topic',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'proxmox-alerts',
		description: 'Topic name: 1 to 64 letters, digits, "-" or "_"',
		displayOptions: onSendEvent,
	},
	...sendEventProperties(onSendEvent),
];

export async function sendEvent(this: IExecuteFunctions, connection: NtfyConnection, itemIndex: number): Promise<IDataObject> {
	const topic = (this.getNodeParameter('topic', itemIndex) as string).trim();
	const problem = validateTopic(topic);
	if (problem) throw new NodeOperationError(this.getNode(), problem, { itemIndex });
	const input = readSendEvent(this, itemIndex);
	if (input.view.actions.length > NTFY_MAX_ACTIONS) {
		throw new NodeOperationError(this.getNode(), `ntfy allows at most ${NTFY_MAX_ACTIONS} action buttons; Action Buttons has ${input.view.actions.length}`, { itemIndex });
	}
	if (!input.send) return skippedOutput(input);
	const rendered = renderNtfy(input.view, input.eventType);
	const actions: ActionInput[] = rendered.actions.map((action) => ({
		action: action.action as ActionInput['action'],
		label: String(action.label),
		url: String(action.url),
		clear: action.clear === true,
		method: action.method as string | undefined,
		body: action.body as string | undefined,
	}));
	const body = publishJsonBody({
		topic,
		message: rendered.message,
		title: rendered.title,
		markdown: true,
		priority: rendered.priority,
		tags: rendered.tags,
		click: rendered.click,
		actions,
	});
	const response = await ntfyRequest(connection, { method: 'POST', path: '/', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
	return { sent: true, severity: input.view.severity, ...(parseNdjson(response.text())[0] as IDataObject) };
}
