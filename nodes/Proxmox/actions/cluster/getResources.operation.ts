import { clusterRead } from './simple';

export const getResources = clusterRead({
	value: 'getResources',
	name: 'Get Resources',
	action: 'Get cluster resources',
	description:
		'Lists every resource of the cluster in one request: guests (VMs, containers), nodes, storages, pools, SDN, with status and usage (CPU, memory, disk). Optional type filter. The data is refreshed by Proxmox about every 10 s.',
	path: '/cluster/resources',
	properties: [
		{
			displayName: 'Type',
			name: 'resourceType',
			type: 'options',
			default: '',
			options: [
				{ name: 'All', value: '' },
				{ name: 'Guests (VMs and Containers)', value: 'vm' },
				{ name: 'Nodes', value: 'node' },
				{ name: 'SDN', value: 'sdn' },
				{ name: 'Storage', value: 'storage' },
			],
		},
	],
	params: (ctx) => ({ type: ctx.fn.getNodeParameter('resourceType', ctx.itemIndex, '') as string }),
});
