/** Notification targets (endpoints) of PVE ≥ 8.1: gotify, sendmail, smtp and webhook (8.3+). */
import type { INodeProperties } from 'n8n-workflow';

import type { ProxmoxParams } from '../../../shared/proxmox';
import type { OperationContext } from '../types';

export const TARGET_TYPES = [
	{ name: 'Gotify', value: 'gotify' },
	{ name: 'Sendmail', value: 'sendmail' },
	{ name: 'SMTP', value: 'smtp' },
	{ name: 'Webhook', value: 'webhook' },
];

export const targetTypeField: INodeProperties = { displayName: 'Target Type', name: 'targetType', type: 'options', default: 'webhook', options: TARGET_TYPES };
export const targetNameField: INodeProperties = {
	displayName: 'Target Name',
	name: 'targetName',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'n8n',
	description: 'Name of the notification target (letters, digits, - and _)',
};

const show = (...types: string[]) => ({ show: { targetType: types } });
const nameValues = (displayName: string, name: string, description: string, secret = false): INodeProperties => ({
	displayName,
	name,
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: `Add ${displayName.replace(/s$/, '')}`,
	default: {},
	description,
	displayOptions: show('webhook'),
	options: [
		{
			displayName: 'Entry',
			name: 'entry',
			values: [
				{ displayName: 'Name', name: 'name', type: 'string', default: '' },
				{ displayName: 'Value', name: 'value', type: 'string', typeOptions: { password: secret }, default: '' },
			],
		},
	],
});

/** Type-specific fields; on update, empty fields keep the current value. */
export const targetFields: INodeProperties[] = [
	{ displayName: 'Server', name: 'server', type: 'string', default: '', placeholder: 'https://gotify.example.com', displayOptions: show('gotify', 'smtp'), description: 'Gotify URL or SMTP host' },
	{ displayName: 'Token', name: 'token', type: 'string', typeOptions: { password: true }, default: '', displayOptions: show('gotify'), description: 'Gotify application token' },
	{ displayName: 'Port', name: 'port', type: 'number', default: 0, displayOptions: show('smtp'), description: 'SMTP port (0: default for the mode)' },
	{
		displayName: 'Encryption',
		name: 'mode',
		type: 'options',
		default: '',
		displayOptions: show('smtp'),
		options: [
			{ name: 'Default (TLS)', value: '' },
			{ name: 'None (Insecure)', value: 'insecure' },
			{ name: 'STARTTLS', value: 'starttls' },
			{ name: 'TLS', value: 'tls' },
		],
	},
	{ displayName: 'Username', name: 'username', type: 'string', default: '', displayOptions: show('smtp') },
	{ displayName: 'Password', name: 'smtpPassword', type: 'string', typeOptions: { password: true }, default: '', displayOptions: show('smtp') },
	{ displayName: 'From Address', name: 'fromAddress', type: 'string', default: '', placeholder: 'pve@example.com', displayOptions: show('sendmail', 'smtp') },
	{ displayName: 'Mail To', name: 'mailto', type: 'string', default: '', placeholder: 'ops@example.com', displayOptions: show('sendmail', 'smtp'), description: 'Comma-separated e-mail addresses' },
	{ displayName: 'Mail To Users', name: 'mailtoUser', type: 'string', default: '', placeholder: 'root@pam', displayOptions: show('sendmail', 'smtp'), description: 'Comma-separated PVE users (their configured e-mail)' },
	{ displayName: 'URL', name: 'url', type: 'string', default: '', placeholder: 'https://n8n.example.com/webhook/proxmox', displayOptions: show('webhook'), description: 'May use templates such as {{ secrets.token }}' },
	{
		displayName: 'HTTP Method',
		name: 'httpMethod',
		type: 'options',
		default: 'post',
		displayOptions: show('webhook'),
		options: [
			{ name: 'GET', value: 'get' },
			{ name: 'POST', value: 'post' },
			{ name: 'PUT', value: 'put' },
		],
	},
	{
		displayName: 'Body Template',
		name: 'body',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		placeholder: '{"title":{{ json title }},"message":{{ json message }},"severity":{{ json severity }},"timestamp":{{ timestamp }},"fields":{{ json fields }}}',
		displayOptions: show('webhook'),
		description: 'Handlebars template of the request body (sent to Proxmox base64-encoded, as it requires)',
	},
	nameValues('Headers', 'headers', 'HTTP headers; values may use templates such as {{ secrets.token }}'),
	nameValues('Secrets', 'secrets', 'Secret values stored in Proxmox\'s private config, usable as {{ secrets.<name> }}', true),
	{ displayName: 'Comment', name: 'comment', type: 'string', default: '' },
	{ displayName: 'Disabled', name: 'disable', type: 'boolean', default: false, description: 'Whether the target is disabled' },
];

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const list = (text: string) =>
	text
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);

export function targetParams(ctx: OperationContext, type: string): ProxmoxParams {
	const get = <T>(name: string, fallback: T) => ctx.fn.getNodeParameter(name, ctx.itemIndex, fallback as never) as T;
	const params: ProxmoxParams = { comment: get('comment', ''), disable: get('disable', false) };
	if (type === 'gotify') Object.assign(params, { server: get('server', ''), token: get('token', '') });
	if (type === 'sendmail' || type === 'smtp') {
		Object.assign(params, { 'from-address': get('fromAddress', ''), mailto: list(get('mailto', '')), 'mailto-user': list(get('mailtoUser', '')) });
	}
	if (type === 'smtp') {
		Object.assign(params, { server: get('server', ''), port: get('port', 0) || undefined, mode: get('mode', ''), username: get('username', ''), password: get('smtpPassword', '') });
	}
	if (type === 'webhook') {
		const body = get('body', '');
		const pairs = (name: string) => (get<{ entry?: Array<{ name: string; value: string }> }>(name, {}).entry ?? []).filter((e) => e.name.trim());
		Object.assign(params, {
			url: get('url', ''),
			method: get('httpMethod', 'post'),
			body: body ? base64(body) : undefined,
			header: pairs('headers').map((e) => `name=${e.name.trim()},value=${base64(e.value)}`),
			secret: pairs('secrets').map((e) => `name=${e.name.trim()},value=${base64(e.value)}`),
		});
	}
	for (const [key, value] of Object.entries(params)) {
		if (Array.isArray(value) && value.length === 0) delete params[key];
	}
	return params;
}
