import type { IDataObject } from 'n8n-workflow';

import { apiPath } from '../../../shared/proxmox';
import { resolveNodeName } from '../../helpers/guests';
import { nodeLocator } from '../common.descriptions';
import type { ProxmoxOperation } from '../types';

/** PVE's syslog endpoint takes local "YYYY-MM-DD HH:MM:SS" times. */
function toPveTime(value: unknown): string | undefined {
	if (!value) return undefined;
	const date = new Date(String(value));
	if (Number.isNaN(date.getTime())) return undefined;
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

export const getSyslog: ProxmoxOperation = {
	value: 'getSyslog',
	name: 'Get System Log',
	action: 'Get the system log of a node',
	description:
		'Returns a node\'s system log lines, from the syslog view (service filter, time range) or the systemd journal (last N entries). Inputs: node, source, max lines. Needs Sys.Syslog.',
	safety: 'read',
	properties: [
		nodeLocator(),
		{
			displayName: 'Source',
			name: 'logSource',
			type: 'options',
			default: 'syslog',
			options: [
				{ name: 'Syslog', value: 'syslog', description: 'Numbered lines, filterable by service and time' },
				{ name: 'Journal', value: 'journal', description: 'The last entries of the systemd journal' },
			],
		},
		{ displayName: 'Max Lines', name: 'maxLines', type: 'number', default: 100, typeOptions: { minValue: 1 } },
		{ displayName: 'Service', name: 'service', type: 'string', default: '', placeholder: 'pveproxy', displayOptions: { show: { logSource: ['syslog'] } }, description: 'Only lines of this systemd unit' },
		{ displayName: 'Since', name: 'since', type: 'dateTime', default: '', displayOptions: { show: { logSource: ['syslog'] } } },
		{ displayName: 'Until', name: 'until', type: 'dateTime', default: '', displayOptions: { show: { logSource: ['syslog'] } } },
	],
	async execute(ctx) {
		const node = resolveNodeName(ctx);
		const max = ctx.fn.getNodeParameter('maxLines', ctx.itemIndex, 100) as number;
		if (ctx.fn.getNodeParameter('logSource', ctx.itemIndex, 'syslog') === 'journal') {
			const lines = (await ctx.client.get<string[]>(apiPath`/nodes/${node}/journal`, { lastentries: max })) ?? [];
			return { node, source: 'journal', lines: lines.length, log: lines.join('\n') };
		}
		const lines =
			(await ctx.client.get<IDataObject[]>(apiPath`/nodes/${node}/syslog`, {
				limit: max,
				service: ctx.fn.getNodeParameter('service', ctx.itemIndex, '') as string,
				since: toPveTime(ctx.fn.getNodeParameter('since', ctx.itemIndex, '')),
				until: toPveTime(ctx.fn.getNodeParameter('until', ctx.itemIndex, '')),
			})) ?? [];
		return { node, source: 'syslog', lines: lines.length, log: lines.map((line) => String(line.t ?? '')).join('\n') };
	},
};
