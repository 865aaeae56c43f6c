import type { IDataObject } from 'n8n-workflow';

import { waitForTask } from '../../../shared/proxmox';
import type { ProxmoxOperation } from '../types';
import { readUpid, upidField } from './common';

export const wait: ProxmoxOperation = {
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
