import type { ProxmoxOperation } from '../../../shared/actions/types';
import { apiPath } from '../../../shared/proxmox';
import { nsParam, readNamespace, readSnapshot, readStore } from '../../helpers/ids';
import { namespaceLocator, snapshotLocator, storeLocator } from '../common.descriptions';
import { snapshotSummary } from './list';

export function protection(value: boolean): ProxmoxOperation {
	return {
		value: value ? 'protect' : 'unprotect',
		name: value ? 'Protect' : 'Unprotect',
		action: value ? 'Protect a snapshot' : 'Unprotect a snapshot',
		description: value
			? 'Marks a snapshot protected: prune, group delete and manual delete keep it until it is unprotected. Input: datastore, namespace, snapshot (vm/100/2025-01-31T03:00:00Z).'
			: 'Removes the protection of a snapshot so prune and delete may remove it again. Input: datastore, namespace, snapshot (vm/100/2025-01-31T03:00:00Z).',
		safety: 'write',
		properties: [storeLocator(), namespaceLocator(), snapshotLocator()],
		async execute(ctx) {
			const store = readStore(ctx);
			const ns = readNamespace(ctx);
			const snapshot = readSnapshot(ctx);
			await ctx.client.put(apiPath`/admin/datastore/${store}/protected`, { ...nsParam(ns), ...snapshot, protected: value });
			return { ...snapshotSummary(store, ns, snapshot), protected: value };
		},
	};
}

export const protect = protection(true);
