import { nodeRead } from './simple';

export const getNetwork = nodeRead({
	value: 'getNetwork',
	name: 'Get Network Interfaces',
	action: 'Get the network interfaces of a node',
	description: 'Lists a node\'s network interfaces (bridges, bonds, physical NICs, VLANs) with addresses, state and autostart. Inputs: node, optional type.',
	path: '/network',
	properties: [
		{
			displayName: 'Type',
			name: 'ifaceType',
			type: 'options',
			default: '',
			options: [
				{ name: 'All', value: '' },
				{ name: 'Any Bridge (Incl. OVS)', value: 'any_bridge' },
				{ name: 'Bond', value: 'bond' },
				{ name: 'Bridge', value: 'bridge' },
				{ name: 'Physical', value: 'eth' },
				{ name: 'VLAN', value: 'vlan' },
			],
		},
	],
	params: (ctx) => ({ type: ctx.fn.getNodeParameter('ifaceType', ctx.itemIndex, '') as string }),
});
