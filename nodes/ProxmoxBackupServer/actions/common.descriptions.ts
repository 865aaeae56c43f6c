import type { INodeProperties } from 'n8n-workflow';

import { GROUP_REGEX, NAMESPACE_REGEX, SNAPSHOT_REGEX, STORE_REGEX } from '../helpers/ids';

export { limitFields } from '../../shared/actions/resource';

export function storeLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Datastore',
		name: 'store',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The datastore, e.g. backup',
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchDatastores', searchable: true } },
			{
				displayName: 'By Name',
				name: 'name',
				type: 'string',
				placeholder: 'backup',
				validation: [{ type: 'regex', properties: { regex: STORE_REGEX, errorMessage: 'Letters, digits, _ . - (3–32 characters)' } }],
			},
		],
		...overrides,
	};
}

export function namespaceLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Namespace',
		name: 'namespace',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description: 'Namespace inside the datastore chosen above; empty for the root namespace. The list stays empty until a datastore is chosen.',
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchNamespaces', searchable: true } },
			{
				displayName: 'By Path',
				name: 'path',
				type: 'string',
				placeholder: 'dept/team',
				validation: [{ type: 'regex', properties: { regex: `^$|${NAMESPACE_REGEX}`, errorMessage: 'Up to 8 levels like dept/team' } }],
			},
		],
		...overrides,
	};
}

export function groupLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Backup Group',
		name: 'group',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'Backup group as type/ID, e.g. vm/100, ct/200 or host/web01. The list shows the groups of the datastore (and namespace) chosen above.',
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchGroups', searchable: true } },
			{
				displayName: 'By Type/ID',
				name: 'id',
				type: 'string',
				placeholder: 'vm/100',
				validation: [{ type: 'regex', properties: { regex: GROUP_REGEX, errorMessage: 'Give type/ID, e.g. vm/100' } }],
			},
		],
		...overrides,
	};
}

export function snapshotLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Snapshot',
		name: 'snapshot',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'Backup snapshot as type/ID/time, e.g. vm/100/2025-01-31T03:00:00Z. The list shows the snapshots of the datastore (and namespace) chosen above.',
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchSnapshots', searchable: true } },
			{
				displayName: 'By Path',
				name: 'id',
				type: 'string',
				placeholder: 'vm/100/2025-01-31T03:00:00Z',
				validation: [{ type: 'regex', properties: { regex: SNAPSHOT_REGEX, errorMessage: 'Give type/ID/time, e.g. vm/100/2025-01-31T03:00:00Z' } }],
			},
		],
		...overrides,
	};
}

export type JobKind = 'verify' | 'prune' | 'sync';

export function jobLocator(kind: JobKind): INodeProperties {
	const method = { verify: 'searchVerifyJobs', prune: 'searchPruneJobs', sync: 'searchSyncJobs' }[kind];
	return {
		displayName: 'Job',
		name: 'jobId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: `The ${kind} job`,
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: method, searchable: true } },
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: kind === 'sync' ? 'pull-offsite' : kind === 'verify' ? 'v-weekly' : 'p-daily',
				validation: [{ type: 'regex', properties: { regex: STORE_REGEX, errorMessage: 'Letters, digits, _ . -' } }],
			},
		],
	};
}

export const KEEP_OPTIONS = ['keep-last', 'keep-hourly', 'keep-daily', 'keep-weekly', 'keep-monthly', 'keep-yearly'] as const;

/** The prune retention options (PBS prune.rs): each 0 = not used; all unset keeps everything. */
export function keepFields(): INodeProperties {
	return {
		displayName: 'Retention',
		name: 'keep',
		type: 'collection',
		placeholder: 'Add Retention Option',
		default: {},
		description: 'How many snapshots to keep per period; a snapshot kept by one option is not counted by the next. Protected snapshots are always kept.',
		options: [
			{ displayName: 'Keep Daily', name: 'keep-daily', type: 'number', typeOptions: { minValue: 0 }, default: 7, description: 'Number of days with a snapshot to keep (the newest of each day)' },
			{ displayName: 'Keep Hourly', name: 'keep-hourly', type: 'number', typeOptions: { minValue: 0 }, default: 24, description: 'Number of hours with a snapshot to keep' },
			{ displayName: 'Keep Last', name: 'keep-last', type: 'number', typeOptions: { minValue: 0 }, default: 3, description: 'Number of newest snapshots to keep' },
			{ displayName: 'Keep Monthly', name: 'keep-monthly', type: 'number', typeOptions: { minValue: 0 }, default: 6, description: 'Number of months with a snapshot to keep' },
			{ displayName: 'Keep Weekly', name: 'keep-weekly', type: 'number', typeOptions: { minValue: 0 }, default: 4, description: 'Number of ISO weeks with a snapshot to keep' },
			{ displayName: 'Keep Yearly', name: 'keep-yearly', type: 'number', typeOptions: { minValue: 0 }, default: 1, description: 'Number of years with a snapshot to keep' },
		],
	};
}
