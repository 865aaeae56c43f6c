/** Scheduled backup jobs (/cluster/backup). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { apiPath, type ProxmoxParams } from '../../../shared/proxmox';
import { extraParameterFields, readExtraParameters } from '../../helpers/results';
import type { OperationContext } from '../types';

export const jobIdField: INodeProperties = {
	displayName: 'Job ID',
	name: 'jobId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'backup-1a2b3c4d-5e6f',
	description: 'ID of the backup job (see Get Backup Jobs)',
};

const commonJobFields: INodeProperties[] = [
	{ displayName: 'VMIDs', name: 'vmids', type: 'string', default: '', placeholder: '100,101', displayOptions: { show: { selection: ['vmid'] } } },
	{ displayName: 'Enabled', name: 'enabled', type: 'boolean', default: true, description: 'Whether the job runs on its schedule' },
	{ displayName: 'Comment', name: 'comment', type: 'string', default: '' },
	extraParameterFields('backup job'),
];

export const createJobFields: INodeProperties[] = [
	{ displayName: 'Schedule', name: 'schedule', type: 'string', default: '21:00', required: true, placeholder: 'mon..fri 21:00', description: 'Calendar event, e.g. 21:00, sat 02:30, mon..fri 21:00' },
	{ displayName: 'Storage', name: 'jobStorage', type: 'string', default: '', required: true, placeholder: 'local', description: 'Target storage' },
	{
		displayName: 'Selection',
		name: 'selection',
		type: 'options',
		default: 'all',
		options: [
			{ name: 'All Guests', value: 'all' },
			{ name: 'Listed VMIDs', value: 'vmid' },
		],
	},
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		default: 'snapshot',
		options: [
			{ name: 'Snapshot', value: 'snapshot' },
			{ name: 'Stop', value: 'stop' },
			{ name: 'Suspend', value: 'suspend' },
		],
	},
	...commonJobFields,
];

export const updateJobFields: INodeProperties[] = [
	{ displayName: 'Schedule', name: 'schedule', type: 'string', default: '', placeholder: 'mon..fri 21:00', description: 'New calendar event (empty: keep)' },
	{ displayName: 'Storage', name: 'jobStorage', type: 'string', default: '', placeholder: 'local', description: 'New target storage (empty: keep)' },
	{
		displayName: 'Selection',
		name: 'selection',
		type: 'options',
		default: 'keep',
		options: [
			{ name: 'All Guests', value: 'all' },
			{ name: 'Keep', value: 'keep' },
			{ name: 'Listed VMIDs', value: 'vmid' },
		],
	},
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		default: '',
		options: [
			{ name: 'Keep', value: '' },
			{ name: 'Snapshot', value: 'snapshot' },
			{ name: 'Stop', value: 'stop' },
			{ name: 'Suspend', value: 'suspend' },
		],
	},
	...commonJobFields,
];

export function jobParams(ctx: OperationContext, forCreate: boolean): ProxmoxParams {
	const get = <T>(name: string, fallback: T) => ctx.fn.getNodeParameter(name, ctx.itemIndex, fallback as never) as T;
	const params: ProxmoxParams = {
		schedule: get('schedule', ''),
		storage: get('jobStorage', ''),
		mode: get('mode', ''),
		enabled: get('enabled', true),
		comment: get('comment', ''),
	};
	const selection = get<string>('selection', forCreate ? 'all' : 'keep');
	if (selection === 'all') params.all = true;
	if (selection === 'vmid') {
		params.vmid = get('vmids', '').replace(/\s+/g, '');
		if (!forCreate) params.all = false;
	}
	return { ...params, ...readExtraParameters(ctx) };
}

export async function getJob(ctx: OperationContext, id: string): Promise<IDataObject> {
	return await ctx.client.get<IDataObject>(apiPath`/cluster/backup/${id}`);
}
