import type { ProxmoxOperation } from '../../../shared/actions/types';
import { apiPath, type ProxmoxParams } from '../../../shared/proxmox';
import { nsParam, readGroup, readNamespace, readPositive, readSnapshot, readStore, snapshotPath } from '../../helpers/ids';
import { groupLocator, namespaceLocator, snapshotLocator, storeLocator } from '../common.descriptions';

export const start: ProxmoxOperation = {
	value: 'start',
	name: 'Start',
	action: 'Start verifying backups',
	description:
		'Starts verification (reads every chunk and checks its checksum) of a whole datastore namespace, one backup group or one snapshot; each snapshot\'s verify state becomes ok or failed. Returns the task ID (UPID), or waits and returns the outcome when "Wait for Completion" is on; a failed verification is an error with the log tail. Input: datastore, scope, group or snapshot.',
	safety: 'write',
	startsTask: true,
	properties: [
		storeLocator(),
		namespaceLocator(),
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'options',
			default: 'datastore',
			options: [
				{ name: 'Datastore (Namespace)', value: 'datastore', description: 'Every snapshot in the namespace and below' },
				{ name: 'Backup Group', value: 'group', description: 'Every snapshot of one group' },
				{ name: 'Snapshot', value: 'snapshot', description: 'One snapshot' },
			],
		},
		groupLocator({ displayOptions: { show: { scope: ['group'] } } }),
		snapshotLocator({ displayOptions: { show: { scope: ['snapshot'] } } }),
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{ displayName: 'Skip Verified', name: 'ignoreVerified', type: 'boolean', default: true, description: 'Whether to skip snapshots already verified successfully (see Re-Verify After)' },
				{ displayName: 'Re-Verify After (Days)', name: 'outdatedAfter', type: 'number', typeOptions: { minValue: 0 }, default: 30, description: 'With Skip Verified: verify again when the last verification is older than this' },
			],
		},
	],
	async execute(ctx) {
		const store = readStore(ctx);
		const ns = readNamespace(ctx);
		const scope = ctx.fn.getNodeParameter('scope', ctx.itemIndex, 'datastore') as string;
		const options = ctx.fn.getNodeParameter('options', ctx.itemIndex, {}) as { ignoreVerified?: boolean; outdatedAfter?: number };
		const params: ProxmoxParams = { ...nsParam(ns) };
		let target = ns ? `${store}:${ns}` : store;
		if (scope === 'group') {
			const group = readGroup(ctx);
			Object.assign(params, group);
			target = `${target} ${group['backup-type']}/${group['backup-id']}`;
		} else if (scope === 'snapshot') {
			const snapshot = readSnapshot(ctx);
			Object.assign(params, snapshot);
			target = `${target} ${snapshotPath(snapshot['backup-type'], snapshot['backup-id'], snapshot['backup-time'])}`;
		}
		if (options.ignoreVerified !== undefined) params['ignore-verified'] = options.ignoreVerified;
		if (options.outdatedAfter !== undefined) params['outdated-after'] = readPositive(ctx, 'options.outdatedAfter');
		const upid = await ctx.client.post<string>(apiPath`/admin/datastore/${store}/verify`, params);
		return { store, scope, target, upid };
	},
};
