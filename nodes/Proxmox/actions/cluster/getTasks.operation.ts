import { clusterRead } from './simple';

export const getTasks = clusterRead({
	value: 'getTasks',
	name: 'Get Recent Tasks',
	action: 'Get recent cluster tasks',
	description: 'Returns the recent and running tasks of every node (UPID, node, type, ID, user, start/end time, status). For filters use Task > Get Many.',
	path: '/cluster/tasks',
});
