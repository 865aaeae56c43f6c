/**
 * Task operations shared by the Proxmox VE and Proxmox Backup Server nodes: the node to ask is
 * read from the UPID (PVE and PBS formats), so they work for both products.
 */
import { NodeOperationError, type IDataObject, type INodeProperties } from 'n8n-workflow';

import { getTaskLog, getTaskLogTail, outcomeFromStatus, parseUpid, taskPaths, waitForTask, type TaskStatus, type Upid } from '../proxmox';
import type { OperationContext, ProxmoxOperation } from './types';

export const upidField: INodeProperties = {
	displayName: 'Task ID (UPID)',
	name: 'upid',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'UPID:pve1:0000A1B2:00C3D4E5:6720F00D:qmstart:100:root@pam:',
	description: 'The task\'s UPID, as returned by operations that start a task',
};

export function readUpid(ctx: OperationContext): Upid {
	const value = String(ctx.fn.getNodeParameter('upid', ctx.itemIndex) ?? '').trim();
	const upid = parseUpid(value);
	if (!upid) {
		throw new NodeOperationError(ctx.fn.getNode(), `"${value}" is not a Proxmox task ID`, {
			itemIndex: ctx.itemIndex,
			description: 'A UPID looks like UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>: (Proxmox Backup Server adds a task number after pstart)',
		});
	}
	return upid;
}

export const taskGet: ProxmoxOperation = {
	value: 'get',
	name: 'Get Status',
	action: 'Get the status of a task',
	description: 'Returns whether a task is running or stopped and, once stopped, its exit status (OK, WARNINGS: n, or the error message) and success flag. Input: UPID.',
	safety: 'read',
	properties: [upidField],
	async execute(ctx) {
		const upid = readUpid(ctx);
		const status = await ctx.client.get<TaskStatus>(taskPaths(upid.upid).status);
		const outcome = outcomeFromStatus(status, upid.upid, Math.floor(Date.now() / 1000));
		return { ...(status as IDataObject), success: outcome.success, durationSeconds: outcome.durationSeconds };
	},
};

export const taskWait: ProxmoxOperation = {
	value: 'wait',
	name: 'Wait for Completion',
	action: 'Wait for a task to finish',
	description:
		'Waits until a task stops, polling the node named in the UPID. Returns exit status, success and duration; a failed task is an error carrying the last log lines. Inputs: UPID, timeout in seconds.',
	safety: 'read',
	properties: [
		upidField,
		{ displayName: 'Timeout (Seconds)', name: 'timeout', type: 'number', default: 600, typeOptions: { minValue: 1 }, description: 'How long to wait; the task keeps running after a timeout' },
	],
	async execute(ctx) {
		const upid = readUpid(ctx);
		const timeout = ctx.fn.getNodeParameter('timeout', ctx.itemIndex, 600) as number;
		return (await waitForTask(ctx.client, upid.upid, { timeoutMs: timeout * 1000 })) as unknown as IDataObject;
	},
};

export const taskStop: ProxmoxOperation = {
	value: 'stop',
	name: 'Stop',
	action: 'Stop a running task',
	description: 'Aborts a running task (e.g. a backup or migration); its work stays unfinished. Input: UPID. Returns the UPID.',
	safety: 'destructive',
	properties: [upidField],
	async execute(ctx) {
		const upid = readUpid(ctx);
		await ctx.client.delete(taskPaths(upid.upid).task);
		return { upid: upid.upid, node: upid.node, stopRequested: true };
	},
};

export const taskGetLog: ProxmoxOperation = {
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
