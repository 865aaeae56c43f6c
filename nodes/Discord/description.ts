import type { INodeProperties } from 'n8n-workflow';

import { allowDestructiveProperty } from '../shared/aiGuard';
import { sendEventProperties } from '../shared/render';

const on = (...operation: string[]) => ({ show: { operation } });

const retryOptions: INodeProperties[] = [
	{
		displayName: 'Max Retries',
		name: 'maxRetries',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 10 },
		default: 3,
		description: 'How often to try again after a rate limit (429) or a Discord server error (5xx). Each wait is listed in the output under "retries".',
	},
	{
		displayName: 'Max Rate Limit Wait (Seconds)',
		name: 'maxWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 60,
		description: 'A 429 asking to wait longer than this fails at once instead of waiting',
	},
];

const threadIdOption: INodeProperties = {
	displayName: 'Thread ID',
	name: 'threadId',
	type: 'string',
	default: '',
	description: 'Post into (or act on a message in) this thread of the webhook\'s channel',
};

const mentionsOption: INodeProperties = {
	displayName: 'Allowed Mentions',
	name: 'allowedMentions',
	type: 'multiOptions',
	default: [],
	description: 'Which mentions in the content may notify someone. None (the default): text from logs or a model can never ping @everyone, a role or a user.',
	options: [
		{ name: 'Everyone and Here', value: 'everyone', description: 'The @everyone and @here mentions' },
		{ name: 'Roles', value: 'roles' },
		{ name: 'Users', value: 'users' },
	],
};

const limitOption = (split: boolean): INodeProperties => ({
	displayName: 'Over Discord Limits',
	name: 'limitMode',
	type: 'options',
	default: 'error',
	description: 'Content 2000 characters, 10 embeds, embed title 256, description 4096, 25 fields, 6000 characters over all embeds',
	options: [
		{ name: 'Fail Naming the Field', value: 'error', description: 'Nothing is sent' },
		{ name: 'Truncate', value: 'truncate', description: 'Cut each text to its limit (at a character boundary) and drop embeds or fields beyond the counts' },
		...(split ? [{ name: 'Split Into Several Messages', value: 'split', description: 'Send the content in chunks and the embeds over several messages, nothing lost' }] : []),
	],
});

const embedFields: INodeProperties[] = [
	{
		displayName: 'Embeds',
		name: 'embedsMode',
		type: 'options',
		default: 'none',
		options: [
			{ name: 'None', value: 'none' },
			{ name: 'Build Here', value: 'ui' },
			{ name: 'JSON', value: 'json', description: 'An array of Discord embed objects' },
		],
		displayOptions: on('send', 'edit'),
	},
	{
		displayName: 'Embeds',
		name: 'embeds',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Embed',
		default: {},
		displayOptions: { show: { operation: ['send', 'edit'], embedsMode: ['ui'] } },
		options: [
			{
				displayName: 'Embed',
				name: 'embed',
				values: [
					{ displayName: 'Author Name', name: 'authorName', type: 'string', default: '' },
					{ displayName: 'Color', name: 'color', type: 'color', default: '' },
					{ displayName: 'Description', name: 'description', type: 'string', typeOptions: { rows: 4 }, default: '' },
					{
						displayName: 'Fields',
						name: 'fields',
						type: 'fixedCollection',
						typeOptions: { multipleValues: true },
						placeholder: 'Add Field',
						default: {},
						options: [
							{
								displayName: 'Field',
								name: 'field',
								values: [
									{ displayName: 'Inline', name: 'inline', type: 'boolean', default: false, description: 'Whether the field is shown beside others' },
									{ displayName: 'Name', name: 'name', type: 'string', default: '' },
									{ displayName: 'Value', name: 'value', type: 'string', default: '' },
								],
							},
						],
					},
					{ displayName: 'Footer Text', name: 'footerText', type: 'string', default: '' },
					{ displayName: 'Image URL', name: 'imageUrl', type: 'string', default: '' },
					{ displayName: 'Thumbnail URL', name: 'thumbnailUrl', type: 'string', default: '' },
					{ displayName: 'Timestamp', name: 'timestamp', type: 'dateTime', default: '' },
					{ displayName: 'Title', name: 'title', type: 'string', default: '' },
					{ displayName: 'URL', name: 'url', type: 'string', default: '', description: 'Link of the title' },
				],
			},
		],
	},
	{
		displayName: 'Embeds (JSON)',
		name: 'embedsJson',
		type: 'json',
		default: '[]',
		description: 'Array of embed objects, e.g. [{"title": "Backup failed", "color": 15158332, "fields": [{"name": "Node", "value": "pve1"}]}]',
		displayOptions: { show: { operation: ['send', 'edit'], embedsMode: ['json'] } },
	},
];

export const discordProperties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		default: 'message',
		options: [{ name: 'Message', value: 'message' }],
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'send',
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{ name: 'Delete', value: 'delete', action: 'Delete a message', description: 'Delete a message this webhook sent' },
			{ name: 'Edit', value: 'edit', action: 'Edit a message', description: 'Change the content or embeds of a message this webhook sent' },
			{ name: 'Get', value: 'get', action: 'Get a message', description: 'Get a message this webhook sent' },
			{ name: 'Send', value: 'send', action: 'Send a message', description: 'Post a message with content, embeds and files' },
			{
				name: 'Send Event',
				value: 'sendEvent',
				action: 'Send an event as an embed',
				description: "Post a trigger's event (and its AI analysis) as an embed with severity colour, fields, time and a link to Proxmox",
			},
		],
	},
	{
		displayName: 'Content',
		name: 'content',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: 'Message text (Markdown), up to 2000 characters. A message needs content, an embed or a file.',
		displayOptions: on('send', 'edit'),
	},
	...embedFields,
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '1234567890123456789',
		description: 'ID of a message this webhook sent, as Send returns it',
		displayOptions: on('edit', 'delete', 'get'),
	},
	{
		displayName: 'Files',
		name: 'binaryProperties',
		type: 'string',
		default: '',
		placeholder: 'data, report',
		description: 'Binary properties of the input item to attach, separated by commas (up to 10 files)',
		displayOptions: on('send', 'edit'),
	},
	...sendEventProperties(on('sendEvent')),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: on('send', 'sendEvent'),
		options: [
			mentionsOption,
			{ displayName: 'Avatar URL', name: 'avatarUrl', type: 'string', default: '', description: "Overrides the webhook's avatar for this message" },
			{
				displayName: 'New Forum Thread Name',
				name: 'threadName',
				type: 'string',
				default: '',
				description: 'In a forum or media channel: create a thread with this name for the message',
			},
			{ displayName: 'Suppress Embeds', name: 'suppressEmbeds', type: 'boolean', default: false, description: 'Whether link previews are not shown' },
			{
				displayName: 'Suppress Notifications',
				name: 'suppressNotifications',
				type: 'boolean',
				default: false,
				description: 'Whether the message is sent silently (no push or desktop notification)',
			},
			{ ...threadIdOption },
			{ displayName: 'Text to Speech', name: 'tts', type: 'boolean', default: false, description: 'Whether the message is read aloud' },
			{ displayName: 'Username', name: 'username', type: 'string', default: '', description: "Overrides the webhook's name (1 to 80 characters, not containing \"discord\")" },
			{
				displayName: 'Wait for Message',
				name: 'wait',
				type: 'boolean',
				default: true,
				description: 'Whether Discord returns the saved message (with its ID, needed to edit or delete it). Off: Discord answers 204 and errors in saving go unnoticed.',
			},
			limitOption(true),
			...retryOptions,
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: on('edit'),
		options: [mentionsOption, { ...threadIdOption }, limitOption(false), ...retryOptions],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: on('get', 'delete'),
		options: [{ ...threadIdOption }, ...retryOptions],
	},
	allowDestructiveProperty('deleting messages', on('delete')),
];
