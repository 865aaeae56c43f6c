import type { IDataObject } from 'n8n-workflow';

import type { ProxmoxOperation } from '../../shared/actions/types';
import { apiPath } from '../../shared/proxmox';
import { isoTime, withBooleans } from '../helpers/format';
import { readJobId, readStore } from '../helpers/ids';
import { jobLocator, storeLocator, type JobKind } from './common.descriptions';

const LABEL: Record<JobKind, string> = { verify: 'verify', prune: 'prune', sync: 'sync' };
const BOOLEAN_FIELDS = ['disable', 'ignore-verified', 'remove-vanished', 'encrypted-only', 'verified-only', 'run-on-mount', 'resync-corrupt', 'unmount-on-done'];

/** "Get Many" of a job kind: the scheduled jobs with their last run and next run (GET /admin/<kind>). */
export function jobsGetMany(kind: JobKind, extra: string): ProxmoxOperation {
	return {
		value: 'getJobs',
		name: `Get Many ${LABEL[kind][0].toUpperCase()}${LABEL[kind].slice(1)} Jobs`,
		action: `Get many ${LABEL[kind]} jobs`,
		description: `Lists the scheduled ${LABEL[kind]} jobs (${extra}) with schedule, last run (time, state, task) and next run, optionally of one datastore. Input: optional datastore.`,
		safety: 'read',
		properties: [
			{
				displayName: 'Only One Datastore',
				name: 'filterStore',
				type: 'boolean',
				default: false,
				description: 'Whether to list only the jobs of one datastore',
			},
			storeLocator({ displayOptions: { show: { filterStore: [true] } } }),
		],
		async execute(ctx) {
			const filter = ctx.fn.getNodeParameter('filterStore', ctx.itemIndex, false) as boolean;
			const store = filter ? readStore(ctx) : undefined;
			const jobs = (await ctx.client.get<IDataObject[]>(`/admin/${kind}`, store ? { store } : undefined)) ?? [];
			return jobs.map((job) => ({
				...withBooleans(job, BOOLEAN_FIELDS),
				...(job['last-run-endtime'] ? { lastRunEndIso: isoTime(job['last-run-endtime']) ?? null } : {}),
				...(job['next-run'] ? { nextRunIso: isoTime(job['next-run']) ?? null } : {}),
			}));
		},
	};
}

/** "Run Now" of a job kind: starts the job at once (POST /admin/<kind>/{id}/run), returns its task. */
export function jobsRunNow(kind: JobKind, what: string, safety: ProxmoxOperation['safety']): ProxmoxOperation {
	return {
		value: 'runJob',
		name: `Run ${LABEL[kind][0].toUpperCase()}${LABEL[kind].slice(1)} Job Now`,
		action: `Run a ${LABEL[kind]} job now`,
		description: `Starts a scheduled ${LABEL[kind]} job now, outside its schedule: ${what}. Returns the task ID (UPID), or waits and returns the outcome when "Wait for Completion" is on. Input: job ID.`,
		safety,
		startsTask: true,
		properties: [jobLocator(kind)],
		async execute(ctx) {
			const id = readJobId(ctx);
			const upid = await ctx.client.post<string>(apiPath`/admin/${kind}/${id}/run`);
			return { job: id, upid };
		},
	};
}
