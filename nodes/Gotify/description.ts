import type { INodeProperties } from 'n8n-workflow';

import { gotifySendEventProperties } from './sendEvent';

const show = (resource: string, operation: string[]) => ({ show: { resource: [resource], operation } });

function applicationLocator(resource: string, operation: string[], extra: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Application',
		name: 'application',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchApplications', searchable: true } },
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: '5',
				validation: [{ type: 'regex', properties: { regex: '^[0-9]+$', errorMessage: 'An application ID is a number' } }],
			},
			{ displayName: 'By Name', name: 'name', type: 'string', placeholder: 'Proxmox' },
		],
		displayOptions: show(resource, operation),
		...extra,
	};
}

const limitFields = (resource: string, operation: string): INodeProperties[] => [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: show(resource, [operation]),
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { resource: [resource], operation: [operation], returnAll: [false] } },
	},
];

export const gotifyProperties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		default: 'message',
		options: [
			{ name: 'Application', value: 'application' },
			{ name: 'Message', value: 'message' },
			{ name: 'Server', value: 'server' },
		],
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'send',
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{ name: 'Delete', value: 'delete', action: 'Delete a message' },
			{ name: 'Delete All of Application', value: 'deleteAll', action: 'Delete all messages of an application' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many messages' },
			{ name: 'Send', value: 'send', action: 'Send a message' },
			{ name: 'Send Event', value: 'sendEvent', action: 'Send an event as a notification' },
		],
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'getMany',
		displayOptions: { show: { resource: ['application'] } },
		options: [
			{ name: 'Create', value: 'create', action: 'Create an application' },
			{ name: 'Delete', value: 'delete', action: 'Delete an application' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many applications' },
			{ name: 'Update', value: 'update', action: 'Update an application' },
		],
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'health',
		displayOptions: { show: { resource: ['server'] } },
		options: [
			{ name: 'Get Health', value: 'health', action: 'Get the server health' },
			{ name: 'Get Version', value: 'version', action: 'Get the server version' },
		],
	},

	// ---- message: send ----
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		displayOptions: show('message', ['send']),
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show('message', ['send']),
		options: [
			{
				displayName: 'Android Intent URL',
				name: 'intentUrl',
				type: 'string',
				default: '',
				description: 'Opened by the Android app as soon as the message arrives (android::action onReceive)',
			},
			{
				displayName: 'Big Image URL',
				name: 'bigImageUrl',
				type: 'string',
				default: '',
				description: 'Image shown in the expanded Android notification',
			},
			{ displayName: 'Click URL', name: 'clickUrl', type: 'string', default: '', description: 'URL opened when the notification is tapped' },
			{
				displayName: 'Extras (JSON)',
				name: 'extras',
				type: 'json',
				default: '{}',
				description: 'Any further extras, e.g. {"myapp::data": {...}}. Merged with the options above.',
			},
			{ displayName: 'Markdown', name: 'markdown', type: 'boolean', default: false, description: 'Whether clients render the message as Markdown' },
			{
				displayName: 'Priority',
				name: 'priority',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 10 },
				default: 5,
				description: '0 silent, 1–3 icon, 4–7 sound, 8–10 sound and vibration. Without it the application default applies.',
			},
			{ displayName: 'Title', name: 'title', type: 'string', default: '', description: 'Defaults to the application name' },
		],
	},

	// ---- message: get many / delete ----
	{
		displayName: 'From',
		name: 'scope',
		type: 'options',
		default: 'all',
		options: [
			{ name: 'All Applications', value: 'all' },
			{ name: 'One Application', value: 'application' },
		],
		displayOptions: show('message', ['getMany']),
	},
	applicationLocator('message', ['getMany'], { displayOptions: { show: { resource: ['message'], operation: ['getMany'], scope: ['application'] } } }),
	applicationLocator('message', ['deleteAll']),
	...limitFields('message', 'getMany'),
	{
		displayName: 'Options',
		name: 'listOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show('message', ['getMany']),
		options: [
			{
				displayName: 'Older Than Message ID',
				name: 'since',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: 'Only messages with a smaller ID (Gotify pages newest first). 0 starts at the newest.',
			},
		],
	},
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 0,
		required: true,
		displayOptions: show('message', ['delete']),
	},

	// ---- application ----
	applicationLocator('application', ['update', 'delete']),
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		displayOptions: show('application', ['create']),
	},
	{
		displayName: 'Fields',
		name: 'applicationFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show('application', ['create', 'update']),
		options: [
			{
				displayName: 'Default Priority',
				name: 'defaultPriority',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 10 },
				default: 0,
				description: 'Priority of messages sent without one',
			},
			{ displayName: 'Description', name: 'description', type: 'string', default: '' },
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				description: 'New name (update only)',
				displayOptions: { show: { '/operation': ['update'] } },
			},
		],
	},
	...limitFields('application', 'getMany'),
	...gotifySendEventProperties,
];
