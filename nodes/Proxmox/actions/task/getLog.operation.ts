import { getTaskLog, getTaskLogTail } from '../../../shared/proxmox';
import type { ProxmoxOperation } from '../types';
import { readUpid, upidField } from './common';

export const getLog: ProxmoxOperation = {
	value: 'getLog',
	name: 'Get Log',
	action: 'Get the log of a task',
	description: 'Returns a task\'s log lines: the last N lines, or N lines from a start line. Inputs: UPID, number of lines. Returns the lines as one text plus the line count.',
	safety: 'read',
	properties: [
		upidField,
		{
			displayName: 'Lines',
			name: 'part',
			type: 'options',
			default: 'tail',
			options: [
				{ name: 'Last Lines', value: 'tail' },
				{ name: 'From Start Line', value: 'range' },
			],
		},
		{ displayName: 'Start Line', name: 'start', type: 'number', default: 0, typeOptions: { minValue: 0 }, displayOptions: { show: { part: ['range'] } } },
		{ displayName: 'Line Count', name: 'lineCount', type: 'number', default: 50, typeOptions: { minValue: 1 } },
	],
	async execute(ctx) {
		const upid = readUpid(ctx);
		const count = ctx.fn.getNodeParameter('lineCount', ctx.itemIndex, 50) as number;
		if (ctx.fn.getNodeParameter('part', ctx.itemIndex, 'tail') === 'tail') {
			const lines = await getTaskLogTail(ctx.client, upid.upid, count);
			return { upid: upid.upid, node: upid.node, lines: lines.length, log: lines.join('\n') };
		}
		const start = ctx.fn.getNodeParameter('start', ctx.itemIndex, 0) as number;
		const page = await getTaskLog(ctx.client, upid.upid, start, count);
		return { upid: upid.upid, node: upid.node, start, total: page.total, lines: page.lines.length, log: page.lines.map((l) => l.t).join('\n') };
	},
};
