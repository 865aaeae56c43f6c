import type { IDataObject } from 'n8n-workflow';

import { apiPath } from '../../../shared/proxmox';
import { resolveNodeName } from '../../helpers/guests';
import { nodeLocator } from '../common.descriptions';
import type { ProxmoxOperation } from '../types';
import { forecastFull, type UsagePoint } from './forecast';

export const getStorageForecast: ProxmoxOperation = {
	value: 'getStorageForecast',
	name: 'Get Storage Full Forecast',
	action: 'Forecast when storages of a node will be full',
	description:
		'For each active storage of a node, fits a trend line through its usage history (RRD) and returns growth per day, days until full (null when not growing) and the date it would be full, plus current usage. Inputs: node, history window (week, month or year).',
	safety: 'read',
	properties: [
		nodeLocator(),
		{
			displayName: 'History',
			name: 'history',
			type: 'options',
			default: 'month',
			options: [
				{ name: 'Last Day', value: 'day' },
				{ name: 'Last Week', value: 'week' },
				{ name: 'Last Month', value: 'month' },
				{ name: 'Last Year', value: 'year' },
			],
			description: 'How much usage history the trend is fitted on',
		},
		{ displayName: 'Storage', name: 'storageFilter', type: 'string', default: '', placeholder: 'local-lvm', description: 'Only this storage (empty: every active storage of the node)' },
	],
	async execute(ctx) {
		const node = resolveNodeName(ctx);
		const timeframe = ctx.fn.getNodeParameter('history', ctx.itemIndex, 'month') as string;
		const only = (ctx.fn.getNodeParameter('storageFilter', ctx.itemIndex, '') as string).trim();
		const storages = ((await ctx.client.get<IDataObject[]>(apiPath`/nodes/${node}/storage`)) ?? []).filter(
			(s) => (only ? s.storage === only : true) && s.active !== false && s.enabled !== false,
		);
		const now = Math.floor(Date.now() / 1000);
		const out: IDataObject[] = [];
		for (const storage of storages) {
			const name = String(storage.storage);
			const rrd = (await ctx.client.get<IDataObject[]>(apiPath`/nodes/${node}/storage/${name}/rrddata`, { timeframe, cf: 'AVERAGE' })) ?? [];
			const points: UsagePoint[] = rrd.map((p) => ({ time: Number(p.time), used: Number(p.used), total: Number(p.total) }));
			const forecast = forecastFull(points, now);
			out.push({
				node,
				storage: name,
				type: storage.type as string,
				...(forecast ?? {
					used: storage.used as number,
					total: storage.total as number,
					daysUntilFull: null,
					fullAt: null,
					points: points.length,
					note: 'Not enough usage history for a forecast',
				}),
			});
		}
		const days = (item: IDataObject) => (typeof item.daysUntilFull === 'number' ? item.daysUntilFull : Number.MAX_VALUE);
		return out.sort((a, b) => days(a) - days(b));
	},
};
