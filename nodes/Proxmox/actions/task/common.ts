import { NodeOperationError, type INodeProperties } from 'n8n-workflow';

import { parseUpid, type Upid } from '../../../shared/proxmox';
import type { OperationContext } from '../types';

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
			description: 'A UPID looks like UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>:',
		});
	}
	return upid;
}
