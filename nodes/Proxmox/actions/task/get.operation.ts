import type { IDataObject } from 'n8n-workflow';

import { outcomeFromStatus, taskPaths, type TaskStatus } from '../../../shared/proxmox';
import type { ProxmoxOperation } from '../types';
import { readUpid, upidField } from './common';

export const get: ProxmoxOperation = {
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
