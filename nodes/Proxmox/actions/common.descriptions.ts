import type { INodeProperties } from 'n8n-workflow';

import type { GuestKind } from '../helpers/guests';

export { limitFields, waitFields } from '../../shared/actions/resource';

export function nodeLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Node',
		name: 'node',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'Cluster node (host) name, e.g. pve1',
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchNodes', searchable: true } },
			{
				displayName: 'By Name',
				name: 'name',
				type: 'string',
				placeholder: 'pve1',
				validation: [{ type: 'regex', properties: { regex: '^[a-zA-Z0-9][a-zA-Z0-9.-]*$', errorMessage: 'Not a valid node name' } }],
			},
		],
		...overrides,
	};
}

const GUEST_LABEL: Record<GuestKind, string> = { qemu: 'VM', lxc: 'Container' };

export function guestLocator(kind: GuestKind, overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: GUEST_LABEL[kind],
		name: 'guest',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: `The ${kind === 'qemu' ? 'virtual machine' : 'container'}, by VMID or name; its node is found automatically`,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: kind === 'qemu' ? 'searchVms' : 'searchContainers', searchable: true },
			},
			{
				displayName: 'By VMID',
				name: 'id',
				type: 'string',
				placeholder: '100',
				validation: [{ type: 'regex', properties: { regex: '^\\d{3,9}$', errorMessage: 'A VMID is a number from 100 to 999999999' } }],
			},
			{ displayName: 'By Name', name: 'name', type: 'string', placeholder: 'web01' },
		],
		...overrides,
	};
}

export function storageLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Storage',
		name: 'storage',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'Storage ID, e.g. local or local-lvm',
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchStorages', searchable: true } },
			{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'local' },
		],
		...overrides,
	};
}

export function snapshotLocator(): INodeProperties {
	return {
		displayName: 'Snapshot',
		name: 'snapshot',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'Snapshot name. The list shows the snapshots of the guest chosen above, and stays empty until one is chosen.',
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchSnapshots', searchable: true } },
			{
				displayName: 'By Name',
				name: 'name',
				type: 'string',
				placeholder: 'before-upgrade',
				validation: [{ type: 'regex', properties: { regex: '^[A-Za-z][A-Za-z0-9_-]*$', errorMessage: 'Snapshot names start with a letter' } }],
			},
		],
	};
}

export function backupVolumeLocator(): INodeProperties {
	return {
		displayName: 'Backup',
		name: 'volume',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description:
			'Backup volume ID, e.g. local:backup/vzdump-qemu-100-2025_01_01-00_00_00.vma.zst. The list shows the backups on the node and storage chosen above, and stays empty until both are chosen.',
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchBackups', searchable: true } },
			{ displayName: 'By Volume ID', name: 'id', type: 'string', placeholder: 'local:backup/vzdump-qemu-100-….vma.zst' },
		],
	};
}

export const RRD_TIMEFRAMES = [
	{ name: 'Hour', value: 'hour' },
	{ name: 'Day', value: 'day' },
	{ name: 'Week', value: 'week' },
	{ name: 'Month', value: 'month' },
	{ name: 'Year', value: 'year' },
];

export function rrdFields(withDecade = false): INodeProperties[] {
	return [
		{
			displayName: 'Timeframe',
			name: 'timeframe',
			type: 'options',
			default: 'hour',
			options: withDecade ? [...RRD_TIMEFRAMES, { name: 'Decade', value: 'decade' }] : RRD_TIMEFRAMES,
			description: 'Period the data points cover',
		},
		{
			displayName: 'Consolidation',
			name: 'cf',
			type: 'options',
			default: 'AVERAGE',
			options: [
				{ name: 'Average', value: 'AVERAGE' },
				{ name: 'Maximum', value: 'MAX' },
			],
			description: 'How values within each data point are combined',
		},
	];
}
