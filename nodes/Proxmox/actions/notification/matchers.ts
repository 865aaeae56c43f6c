import type { INodeProperties } from 'n8n-workflow';

import type { ProxmoxParams } from '../../../shared/proxmox';
import type { OperationContext } from '../types';

export const matcherNameField: INodeProperties = { displayName: 'Matcher Name', name: 'matcherName', type: 'string', default: '', required: true, placeholder: 'n8n-all' };

export const matcherFields: INodeProperties[] = [
	{ displayName: 'Targets', name: 'targets', type: 'string', default: '', placeholder: 'n8n', description: 'Comma-separated target names to notify' },
	{
		displayName: 'Mode',
		name: 'matchMode',
		type: 'options',
		default: 'all',
		options: [
			{ name: 'All Rules Match', value: 'all' },
			{ name: 'Any Rule Matches', value: 'any' },
		],
	},
	{ displayName: 'Severities', name: 'severities', type: 'string', default: '', placeholder: 'warning,error', description: 'Comma-separated: info, notice, warning, error, unknown (a set, not a threshold)' },
	{ displayName: 'Field Rules', name: 'fieldRules', type: 'string', default: '', placeholder: 'exact:type=vzdump', description: 'One per line: exact:&lt;field&gt;=&lt;v1&gt;,&lt;v2&gt; or regex:&lt;field&gt;=&lt;regex&gt;' },
	{ displayName: 'Calendar Rules', name: 'calendarRules', type: 'string', default: '', placeholder: 'mon-fri 9:00-17:00', description: 'One per line' },
	{ displayName: 'Invert Match', name: 'invert', type: 'boolean', default: false, description: 'Whether to notify when the rules do NOT match' },
	{ displayName: 'Comment', name: 'matcherComment', type: 'string', default: '' },
	{ displayName: 'Disabled', name: 'matcherDisable', type: 'boolean', default: false, description: 'Whether the matcher is disabled' },
];

const split = (text: string, by: RegExp) =>
	text
		.split(by)
		.map((s) => s.trim())
		.filter(Boolean);

export function matcherParams(ctx: OperationContext): ProxmoxParams {
	const get = <T>(name: string, fallback: T) => ctx.fn.getNodeParameter(name, ctx.itemIndex, fallback as never) as T;
	const params: ProxmoxParams = {
		target: split(get('targets', ''), /,/),
		mode: get('matchMode', 'all'),
		'match-severity': split(get('severities', ''), /,/).length ? [split(get('severities', ''), /,/).join(',')] : [],
		'match-field': split(get('fieldRules', ''), /\n/),
		'match-calendar': split(get('calendarRules', ''), /\n/),
		'invert-match': get('invert', false),
		comment: get('matcherComment', ''),
		disable: get('matcherDisable', false),
	};
	for (const [key, value] of Object.entries(params)) {
		if (Array.isArray(value) && value.length === 0) delete params[key];
	}
	return params;
}
