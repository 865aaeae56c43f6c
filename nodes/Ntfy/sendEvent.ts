/**
 * ntfy "Send Event": the common event rendered by the shared renderer: title, priority, tags
 * (emoji per severity and event type), Markdown, click URL, an "Open in Proxmox" button and an
 * optional HTTP button (e.g. an n8n approval webhook).
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readSendEvent, renderNtfy, safeHttpUrl, sendEventProperties, skippedOutput } from '../shared/render';
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
	{
		displayName: 'HTTP Action Button',
		name: 'eventHttpAction',
		type: 'collection',
		placeholder: 'Add Button Field',
		default: {},
		description: 'A button that sends an HTTP request when tapped, e.g. to an n8n Wait node\'s resume URL to approve a proposed fix',
		displayOptions: onSendEvent,
		options: [
			{ displayName: 'Body', name: 'body', type: 'string', default: '', description: 'Request body sent by the button' },
			{ displayName: 'Label', name: 'label', type: 'string', default: 'Approve' },
			{
				displayName: 'Method',
				name: 'method',
				type: 'options',
				default: 'POST',
				options: [
					{ name: 'GET', value: 'GET' },
					{ name: 'POST', value: 'POST' },
					{ name: 'PUT', value: 'PUT' },
				],
			},
			{ displayName: 'URL', name: 'url', type: 'string', default: '', placeholder: 'https://n8n.example.com/webhook-waiting/123' },
		],
	},
];

export async function sendEvent(this: IExecuteFunctions, connection: NtfyConnection, itemIndex: number): Promise<IDataObject> {
	const topic = (this.getNodeParameter('topic', itemIndex) as string).trim();
	const problem = validateTopic(topic);
	if (problem) throw new NodeOperationError(this.getNode(), problem, { itemIndex });
	const button = this.getNodeParameter('eventHttpAction', itemIndex, {}) as IDataObject;
	let httpAction: Parameters<typeof renderNtfy>[2];
	if (button.url) {
		const url = safeHttpUrl(String(button.url));
		if (!url) throw new NodeOperationError(this.getNode(), `HTTP Action Button URL "${String(button.url)}" is not an http(s) URL`, { itemIndex });
		httpAction = { label: String(button.label || 'Approve'), url, method: String(button.method || 'POST'), body: button.body ? String(button.body) : undefined };
	}
	const input = readSendEvent(this, itemIndex);
	if (!input.send) return skippedOutput(input);
	const rendered = renderNtfy(input.view, input.eventType, httpAction);
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
