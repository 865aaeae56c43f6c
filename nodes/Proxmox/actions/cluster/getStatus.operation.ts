import { clusterRead } from './simple';

export const getStatus = clusterRead({
	value: 'getStatus',
	name: 'Get Status',
	action: 'Get cluster status',
	description: 'Returns the cluster entry (name, quorate, node count) and one entry per node (online, IP, node ID, local). No inputs.',
	path: '/cluster/status',
});
