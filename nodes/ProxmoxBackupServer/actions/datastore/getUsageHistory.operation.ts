import type { IDataObject } from 'n8n-workflow';

import type { ProxmoxOperation } from '../../../shared/actions/types';
import { apiPath } from '../../../shared/proxmox';
import { isoTime } from '../../helpers/format';
import { readStore } from '../../helpers/ids';
import { storeLocator } from '../common.descriptions';

export const getUsageHistory: ProxmoxOperation = {
	value: 'getUsageHistory',
	name: 'Get Usage History',
	action: 'Get the usage history of a datastore',
	description:
		'Returns the datastore\'s RRD data points (time, total, used, read/write bytes per second, IO ticks) for a timeframe (hour, day, week, month, year), one item per point. Input: datastore, timeframe, consolidation (average or maximum).',
	safety: 'read',
	properties: [
		storeLocator(),
		{
			displayName: 'Timeframe',
			name: 'timeframe',
			type: 'options',
			default: 'day',
			options: [
				{ name: 'Day', value: 'day' },
				{ name: 'Decade', value: 'decade' },
				{ name: 'Hour', value: 'hour' },
				{ name: 'Month', value: 'month' },
				{ name: 'Week', value: 'week' },
				{ name: 'Year', value: 'year' },
			],
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
	],
	async execute(ctx) {
		const store = readStore(ctx);
		const timeframe = ctx.fn.getNodeParameter('timeframe', ctx.itemIndex, 'day') as string;
		const cf = ctx.fn.getNodeParameter('cf', ctx.itemIndex, 'AVERAGE') as string;
		const points = (await ctx.client.get<IDataObject[]>(apiPath`/admin/datastore/${store}/rrd`, { timeframe, cf })) ?? [];
		return points.map((point) => ({ store, ...point, timeIso: isoTime(point.time) ?? null }));
	},
};
