import { nodeRead } from './simple';

export const getServices = nodeRead({
	value: 'getServices',
	name: 'Get Services',
	action: 'Get the services of a node',
	description: 'Lists the Proxmox system services of a node (pveproxy, pvedaemon, corosync, pve-cluster...) with their state. Input: node.',
	path: '/services',
});
