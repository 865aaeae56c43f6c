import type { INodeProperties } from 'n8n-workflow';

import { allowDestructiveProperty } from '../shared/aiGuard';
import { sendEventProperties } from '../shared/render';
import { AI_ALLOWED_RECIPIENTS } from './aiRecipients';

const on = (...operation: string[]) => ({ show: { operation } });
/** Shown only on the node's AI tool variant (n8n-workflow's `@tool` display condition). */
const asTool = { show: { '@tool': [true] } };

const addressOptions: INodeProperties[] = [
	{ displayName: 'BCC', name: 'bcc', type: 'string', default: '', description: 'Blind copies: addresses separated by commas (not shown to other recipients)' },
	{ displayName: 'CC', name: 'cc', type: 'string', default: '', description: 'Copies: addresses separated by commas' },
	{ displayName: 'Reply To', name: 'replyTo', type: 'string', default: '', description: 'Address answers go to' },
];

export const emailProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'send',
		options: [
			{ name: 'Send', value: 'send', action: 'Send an email', description: 'Send a message with text and/or HTML, attachments and headers' },
			{
				name: 'Send Event',
				value: 'sendEvent',
				action: 'Send an event as an email',
				description: "Mail a trigger's event (and its AI analysis) as HTML with a plain-text part, severity banner, fields, task log and links",
			},
		],
	},
	{
		displayName: 'From',
		name: 'fromEmail',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Proxmox <alerts@example.com>',
		description: 'Sender address, optionally with a name',
	},
	{
		displayName: 'To',
		name: 'toEmail',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'admin@example.com, ops@example.com',
		description: 'Recipients, separated by commas',
	},
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '',
		required: true,
		displayOptions: on('send'),
	},
	{
		displayName: 'Format',
		name: 'emailFormat',
		type: 'options',
		default: 'text',
		options: [
			{ name: 'Text', value: 'text' },
			{ name: 'HTML', value: 'html' },
			{ name: 'Both', value: 'both', description: 'HTML with a plain-text alternative for clients that do not show HTML' },
		],
		displayOptions: on('send'),
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		displayOptions: { show: { operation: ['send'], emailFormat: ['text', 'both'] } },
	},
	{
		displayName: 'HTML',
		name: 'html',
		type: 'string',
		typeOptions: { rows: 6, editor: 'htmlEditor' },
		default: '',
		displayOptions: { show: { operation: ['send'], emailFormat: ['html', 'both'] } },
	},
	...sendEventProperties(on('sendEvent')),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: on('send'),
		options: [
			{
				displayName: 'Attachments',
				name: 'attachments',
				type: 'string',
				default: '',
				placeholder: 'data, report',
				description: 'Binary properties of the input item to attach, separated by commas',
			},
			...addressOptions,
			{
				displayName: 'Headers',
				name: 'headers',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Header',
				default: {},
				options: [
					{
						displayName: 'Header',
						name: 'header',
						values: [
							{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'X-Proxmox-Node' },
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: on('sendEvent'),
		options: [...addressOptions],
	},
	{
		displayName: 'AI Allowed Recipients',
		name: AI_ALLOWED_RECIPIENTS,
		type: 'string',
		// The owner's list: no expression, so no $fromAI button a model could fill (shared/aiGuard.ts).
		noDataExpression: true,
		typeOptions: { rows: 3 },
		default: '',
		placeholder: 'ops@example.com\n@example.com',
		description:
			'The only recipients an AI agent using this node as a tool may mail in To, CC and BCC: addresses, or "@example.com" for a whole domain (not its subdomains), one per line or separated by commas; case does not matter. Any other recipient, and every recipient while the list is empty, is refused unless "Allow Destructive Operations From AI" is on.',
		displayOptions: asTool,
	},
	allowDestructiveProperty('mail to recipients not on "AI Allowed Recipients"', asTool),
];
