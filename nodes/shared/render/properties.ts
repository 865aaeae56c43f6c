/** The parameters of "Send Event", identical on every notifier, and reading them for one item. */
import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { SEVERITY_NAMES, type EventSeverity } from '../events';
import { DEFAULT_EVENT_FIELDS, EVENT_FIELDS, eventView, passesMinimum, type EventField, type EventView } from './model';

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
		{ fields, guiUrl: (options.guiUrl as string) || undefined, logLines: (options.logLines as number) || undefined },
	);
	const root = (options.eventPath ? (options.eventPath as string).split('.').reduce<unknown>((at, key) => (at as IDataObject)?.[key], item) : item) as IDataObject;
	const event = root?.event as IDataObject | null | undefined;
	return { view, eventType: typeof event?.type === 'string' ? event.type : null, send: passesMinimum(view, minimum), minimum };
}

/** Output of Send Event for an item that was not sent. */
export function skippedOutput(input: SendEventInput): IDataObject {
	return { sent: false, severity: input.view.severity, reason: `Severity ${input.view.severity} is below the minimum ${input.minimum}` };
}
