import { rrdFields } from '../common.descriptions';
import { nodeRead } from './simple';

export const getMetrics = nodeRead({
	value: 'getMetrics',
	name: 'Get Metrics',
	action: 'Get node metrics',
	description: 'Returns the node\'s RRD history (CPU, load, memory, network, disk I/O per data point). Inputs: node, timeframe (hour to decade), consolidation (average or max).',
	path: '/rrddata',
	properties: rrdFields(true),
	params: (ctx) => ({ timeframe: ctx.fn.getNodeParameter('timeframe', ctx.itemIndex) as string, cf: ctx.fn.getNodeParameter('cf', ctx.itemIndex) as string }),
});
