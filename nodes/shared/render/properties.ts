/** The parameters of "Send Event", identical on every notifier, and reading them for one item. */
import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { SEVERITY_NAMES, type EventSeverity } from '../events';
import { DEFAULT_EVENT_FIELDS, EVENT_FIELDS, EventShapeError, eventView, passesMinimum, type EventAction, type EventField, type EventView } from './model';
import { safeHttpUrl } from './text';

export function sendEventProperties(displayOptions: IDisplayOptions): INodeProperties[] {
	return [
		{
			displayName:
				'Sends the input item as a notification. The item must be in the event shape the package\'s triggers emit (source, severity, host, title, message, event); an AI analysis in it is shown too.',
			name: 'sendEventNotice',
			type: 'notice',
			default: '',
			displayOptions,
		},
		{
			displayName: 'Minimum Severity',
			name: 'eventMinSeverity',
			type: 'options',
			default: 'debug',
			description: 'Events less severe than this are not sent; they pass through with "sent": false',
			options: SEVERITY_NAMES.map((name) => ({ name: name[0].toUpperCase() + name.slice(1), value: name })),
			displayOptions,
		},
		{
			displayName: 'Fields',
			name: 'eventFields',
			type: 'multiOptions',
			default: [...DEFAULT_EVENT_FIELDS],
			description: 'Which parts of the event this channel shows',
			options: EVENT_FIELDS.map((field) => ({ name: field.name, value: field.value })),
			displayOptions,
		},
		{
			displayName: 'Action Buttons',
			name: 'eventActions',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Button',
			default: {},
			description:
				'Buttons the notification carries, e.g. Approve / Reject to an n8n Wait node\'s resume URL. A button with an empty URL is left out, so an expression can offer it only when it applies.',
			displayOptions,
			options: [
				{
					displayName: 'Button',
					name: 'button',
					values: [
						{ displayName: 'Label', name: 'label', type: 'string', default: '', placeholder: 'Approve' },
						{
							displayName: 'Method',
							name: 'method',
							type: 'options',
							default: 'POST',
							description:
								'POST sends the request without opening a page: a button in ntfy, a form button in e-mail, and the URL as text to copy in Gotify and Discord (a link would be followed by link previews and mail scanners). GET opens the URL: a link everywhere.',
							options: [
								{ name: 'POST (Send a Request)', value: 'POST' },
								{ name: 'GET (Open the URL)', value: 'GET' },
							],
						},
						{ displayName: 'URL', name: 'url', type: 'string', default: '', placeholder: 'https://n8n.example.com/webhook-waiting/123?signature=…' },
					],
				},
			],
		},
		{
			displayName: 'Event Options',
			name: 'eventOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions,
			options: [
				{
					displayName: 'AI Analysis Field',
					name: 'analysisPath',
					type: 'string',
					default: 'analysis',
					description:
						'Where the item carries the AI analysis (summary, probableCause, recommendedActions, evidence, needsHuman), as a dot path. Empty: none.',
				},
				{
					displayName: 'Event Field',
					name: 'eventPath',
					type: 'string',
					default: '',
					description: 'Where the event is in the item, as a dot path. Empty: the item itself is the event.',
				},
				{
					displayName: 'Proxmox GUI URL',
					name: 'guiUrl',
					type: 'string',
					default: '',
					placeholder: 'https://pve1.example.com:8006',
					description: 'Base URL of the Proxmox web interface; the notification links to the guest or node of the event',
				},
				{
					displayName: 'Task Log Lines',
					name: 'logLines',
					type: 'number',
					typeOptions: { minValue: 1, maxValue: 200 },
					default: 15,
					description: 'How many of the last task log lines to include',
				},
			],
		},
	];
}

export interface SendEventInput {
	view: EventView;
	/** The event's Proxmox type (for tags), or null. */
	eventType: string | null;
	/** False when the event is below the minimum severity (nothing is sent). */
	send: boolean;
	minimum: EventSeverity;
}

/** Reads the Send Event parameters for `itemIndex` and builds the view (throws EventShapeError). */
export function readSendEvent(context: IExecuteFunctions, itemIndex: number): SendEventInput {
	const minimum = context.getNodeParameter('eventMinSeverity', itemIndex, 'debug') as EventSeverity;
	const fields = context.getNodeParameter('eventFields', itemIndex, DEFAULT_EVENT_FIELDS) as EventField[];
	const options = context.getNodeParameter('eventOptions', itemIndex, {}) as IDataObject;
	const item = context.getInputData()[itemIndex]?.json ?? {};
	const view = eventView(
		item,
		{ eventPath: (options.eventPath as string) ?? '', analysisPath: options.analysisPath === undefined ? 'analysis' : String(options.analysisPath) },
		{ fields, guiUrl: (options.guiUrl as string) || undefined, logLines: (options.logLines as number) || undefined, actions: readActions(context, itemIndex) },
	);
	const root = (options.eventPath ? (options.eventPath as string).split('.').reduce<unknown>((at, key) => (at as IDataObject)?.[key], item) : item) as IDataObject;
	const event = root?.event as IDataObject | null | undefined;
	return { view, eventType: typeof event?.type === 'string' ? event.type : null, send: passesMinimum(view, minimum), minimum };
}

/** The Action Buttons of `itemIndex`: buttons without a URL are left out; a URL that is not http(s) fails. */
export function readActions(context: IExecuteFunctions, itemIndex: number): EventAction[] {
	const raw = context.getNodeParameter('eventActions.button', itemIndex, []) as IDataObject[];
	const actions: EventAction[] = [];
	for (const [index, button] of (Array.isArray(raw) ? raw : []).entries()) {
		const given = String(button.url ?? '').trim();
		if (!given) continue;
		const label = String(button.label ?? '').trim();
		if (!label) throw new EventShapeError(`Action button ${index + 1} has a URL but no label`, `eventActions.button[${index}].label`);
		const url = safeHttpUrl(given);
		if (!url) throw new EventShapeError(`Action button "${label}": URL "${given}" is not an http(s) URL`, `eventActions.button[${index}].url`);
		actions.push({ label, url, method: button.method === 'GET' ? 'GET' : 'POST' });
	}
	return actions;
}

/** Output of Send Event for an item that was not sent. */
export function skippedOutput(input: SendEventInput): IDataObject {
	return { sent: false, severity: input.view.severity, reason: `Severity ${input.view.severity} is below the minimum ${input.minimum}` };
}
