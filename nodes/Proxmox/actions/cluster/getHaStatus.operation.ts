import { clusterRead } from './simple';

export const getHaStatus = clusterRead({
	value: 'getHaStatus',
	name: 'Get HA Status',
	action: 'Get high-availability status',
	description: 'Returns the HA manager state: quorum, master, each node\'s LRM and each HA-managed service with its state. No inputs.',
	path: '/cluster/ha/status/current',
});
