import { clusterRead } from './simple';

export const getLog = clusterRead({
	value: 'getLog',
	name: 'Get Log',
	action: 'Get the cluster log',
	description: 'Returns the newest entries of the cluster log (time, node, user, tag, priority, message). Input: maximum number of entries. Needs Sys.Syslog on / to see entries of other users.',
	path: '/cluster/log',
	properties: [{ displayName: 'Max Entries', name: 'max', type: 'number', default: 50, typeOptions: { minValue: 1 } }],
	params: (ctx) => ({ max: ctx.fn.getNodeParameter('max', ctx.itemIndex, 50) as number }),
});
