import type { IDataObject } from 'n8n-workflow';

import { limitItems } from '../../../shared/actions/results';
import type { ProxmoxOperation } from '../../../shared/actions/types';
import { isoTime } from '../../helpers/format';
import { limitFields } from '../common.descriptions';

interface UsageEntry {
	store: string;
	total?: number;
	used?: number;
	avail?: number;
	'gc-status'?: IDataObject;
	'estimated-full-date'?: number;
	error?: string;
	[key: string]: unknown;
}

export const getMany: ProxmoxOperation = {
	value: 'getMany',
	name: 'Get Many',
	action: 'Get many datastores',
	description:
		'Lists the datastores the credential can see with usage (total, used, available bytes, used percent), the last garbage collection status and the estimated date the datastore is full. PBS extrapolates that date from the usage history; it is null when usage does not grow.',
	safety: 'read',
	properties: [...limitFields()],
	async execute(ctx) {
		const [usage, stores] = await Promise.all([
			ctx.client.get<UsageEntry[]>('/status/datastore-usage'),
			ctx.client.get<Array<{ store: string; comment?: string; 'maintenance'?: string }>>('/admin/datastore'),
		]);
		const comments = new Map((stores ?? []).map((s) => [s.store, s]));
		const items = (usage ?? []).map((entry): IDataObject => {
			const total = Number(entry.total ?? 0);
			const used = Number(entry.used ?? 0);
			const full = Number(entry['estimated-full-date']);
			return {
				store: entry.store,
				comment: comments.get(entry.store)?.comment ?? '',
				total,
				used,
				avail: Number(entry.avail ?? total - used),
				usedPercent: total > 0 ? Math.round((used / total) * 1000) / 10 : null,
				gcStatus: entry['gc-status'] ?? null,
				estimatedFullDate: Number.isFinite(full) && full > 0 ? full : null,
				estimatedFullDateIso: full > 0 ? (isoTime(full) ?? null) : null,
				...(entry.error ? { error: entry.error } : {}),
			};
		});
		return limitItems(ctx, items);
	},
};
