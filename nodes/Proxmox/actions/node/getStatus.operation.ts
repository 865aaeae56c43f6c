import { nodeRead } from './simple';

export const getStatus = nodeRead({
	value: 'getStatus',
	name: 'Get Status',
	action: 'Get node status',
	description: 'Returns one node\'s detailed status: CPU model and load, memory, swap, root disk, kernel and PVE version, uptime. Input: node name.',
	path: '/status',
});
