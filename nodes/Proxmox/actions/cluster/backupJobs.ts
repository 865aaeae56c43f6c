/** Scheduled backup jobs (/cluster/backup). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { apiPath, type ProxmoxParams } from '../../../shared/proxmox';
import { extraParameterFields, readExtraParameters } from '../../helpers/results';
import { storageLocator } from '../common.descriptions';
import type { OperationContext } from '../types';

export const jobIdField: INodeProperties = {
	displayName: 'Backup Job',
	name: 'jobId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The scheduled backup job (Datacenter > Backup), by ID',
	modes: [
		{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchBackupJobs', searchable: true } },
		{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'backup-1a2b3c4d-5e6f' },
	],
};

/** The job ID from the locator (or a plain string, as workflows from before the list have it). */
export function jobIdOf(ctx: OperationContext): string {
	return String(ctx.fn.getNodeParameter('jobId', ctx.itemIndex, '', { extractValue: true }) ?? '').trim();
}

const vmidsField: INodeProperties = {
	displayName: 'VMIDs',
	name: 'vmids',
	type: 'string',
	default: '',
	placeholder: '100,101',
	description: 'The guests the job backs up, comma-separated',
	displayOptions: { show: { selection: ['vmid'] } },
};

const MODE_OPTIONS = [
	{ name: 'Snapshot', value: 'snapshot', description: 'Live backup, no downtime (the default in Proxmox)' },
	{ name: 'Stop', value: 'stop', description: 'Shuts the guest down for the backup, then starts it again' },
	{ name: 'Suspend', value: 'suspend', description: 'Pauses the guest during the backup' },
];

const MODE_DESCRIPTION = 'Backup mode: how a running guest is backed up';

export const createJobFields: INodeProperties[] = [
	{ displayName: 'Schedule', name: 'schedule', type: 'string', default: '21:00', required: true, placeholder: 'mon..fri 21:00', description: 'Calendar event, e.g. 21:00, sat 02:30, mon..fri 21:00' },
	storageLocator({ name: 'jobStorage', description: 'Storage the backups are written to, e.g. local or a Proxmox Backup Server storage' }),
	{
		displayName: 'Selection',
		name: 'selection',
		type: 'options',
		default: 'all',
		description: 'Which guests the job backs up',
		options: [
			{ name: 'All Guests', value: 'all' },
			{ name: 'Listed VMIDs', value: 'vmid' },
		],
	},
	vmidsField,
	{ displayName: 'Mode', name: 'mode', type: 'options', default: 'snapshot', description: MODE_DESCRIPTION, options: MODE_OPTIONS },
	{ displayName: 'Enabled', name: 'enabled', type: 'boolean', default: true, description: 'Whether the job runs on its schedule' },
	{ displayName: 'Comment', name: 'comment', type: 'string', default: '' },
	extraParameterFields('backup job'),
];

export const updateJobFields: INodeProperties[] = [
	{ displayName: 'Schedule', name: 'schedule', type: 'string', default: '', placeholder: 'mon..fri 21:00', description: 'New calendar event (empty: keep)' },
	storageLocator({ name: 'jobStorage', required: false, description: 'New storage for the backups (empty: keep)' }),
	{
		displayName: 'Selection',
		name: 'selection',
		type: 'options',
		default: 'keep',
		description: 'Which guests the job backs up',
		options: [
			{ name: 'All Guests', value: 'all' },
			{ name: 'Keep', value: 'keep' },
			{ name: 'Listed VMIDs', value: 'vmid' },
		],
	},
	vmidsField,
	{ displayName: 'Mode', name: 'mode', type: 'options', default: '', description: MODE_DESCRIPTION, options: [{ name: 'Keep', value: '' }, ...MODE_OPTIONS] },
	{
		// Keep by default: a job someone disabled is not switched back on by an unrelated change.
		displayName: 'Enabled',
		name: 'enabled',
		type: 'options',
		default: 'keep',
		description: 'Whether the job runs on its schedule',
		options: [
			{ name: 'Keep', value: 'keep' },
			{ name: 'Enabled', value: 'yes' },
			{ name: 'Disabled', value: 'no' },
		],
	},
	{ displayName: 'Comment', name: 'comment', type: 'string', default: '', description: 'New comment (empty: keep)' },
	extraParameterFields('backup job'),
];

export function jobParams(ctx: OperationContext, forCreate: boolean): ProxmoxParams {
	const get = <T>(name: string, fallback: T) => ctx.fn.getNodeParameter(name, ctx.itemIndex, fallback as never) as T;
	const enabled = get<boolean | string>('enabled', forCreate ? true : 'keep');
	const params: ProxmoxParams = {
		schedule: get('schedule', ''),
		storage: String(ctx.fn.getNodeParameter('jobStorage', ctx.itemIndex, '', { extractValue: true }) ?? '').trim(),
		mode: get('mode', ''),
		comment: get('comment', ''),
	};
	// Update: 'keep' sends nothing; a boolean (Create, or a workflow from before the Keep choice) is sent as is.
	if (enabled === 'yes' || enabled === 'no') params.enabled = enabled === 'yes';
	else if (typeof enabled === 'boolean') params.enabled = enabled;
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
