/** Snapshots of VMs and containers. */
import type { IDataObject } from 'n8n-workflow';

import { resolveGuest, type GuestKind } from '../../helpers/guests';
import { taskOrResult } from '../../helpers/results';
import { guestLocator, snapshotLocator } from '../common.descriptions';
import { locatorValue, type ProxmoxOperation } from '../types';
import { guestSummary, RESOURCE_NOUN } from './common';

export function snapshotGetMany(kind: GuestKind): ProxmoxOperation {
	const noun = RESOURCE_NOUN[kind];
	return {
		value: 'getSnapshots',
		name: 'Get Snapshots',
		action: `Get snapshots of a ${noun}`,
		description: `Lists the ${noun}'s snapshots (name, description, creation time, parent${kind === 'qemu' ? ', whether RAM was saved' : ''}); the entry "current" is the live state. Input: VMID or name.`,
		safety: 'read',
		properties: [guestLocator(kind)],
		async execute(ctx) {
			const guest = await resolveGuest(ctx, kind);
			const list = await ctx.client.get<IDataObject[]>(`${guest.base}/snapshot`);
			return (list ?? []).map((snap) => ({ node: guest.node, vmid: guest.vmid, ...snap }));
		},
	};
}

export function snapshotCreate(kind: GuestKind): ProxmoxOperation {
	const noun = RESOURCE_NOUN[kind];
	return {
		value: 'createSnapshot',
		name: 'Create Snapshot',
		action: `Create a snapshot of a ${noun}`,
		description: `Takes a snapshot of the ${noun}. Inputs: VMID or name, snapshot name (letters, digits, - and _), optional description${kind === 'qemu' ? ', whether to include RAM (vmstate)' : ''}. Returns the task result.`,
		safety: 'write',
		startsTask: true,
		properties: [
			guestLocator(kind),
			{ displayName: 'Snapshot Name', name: 'snapname', type: 'string', default: '', required: true, placeholder: 'before-upgrade' },
			{ displayName: 'Description', name: 'snapDescription', type: 'string', default: '' },
			...(kind === 'qemu'
				? [{ displayName: 'Include RAM', name: 'vmstate', type: 'boolean' as const, default: false, description: 'Whether to save the running VM\'s memory so a rollback resumes it running' }]
				: []),
		],
		async execute(ctx) {
			const guest = await resolveGuest(ctx, kind);
			const snapname = (ctx.fn.getNodeParameter('snapname', ctx.itemIndex) as string).trim();
			const params: Record<string, string | boolean> = { snapname, description: ctx.fn.getNodeParameter('snapDescription', ctx.itemIndex, '') as string };
			if (kind === 'qemu' && (ctx.fn.getNodeParameter('vmstate', ctx.itemIndex, false) as boolean)) params.vmstate = true;
			const data = await ctx.client.post(`${guest.base}/snapshot`, params);
			return taskOrResult(data, { ...guestSummary(guest), snapshot: snapname });
		},
	};
}

export function snapshotRollback(kind: GuestKind): ProxmoxOperation {
	const noun = RESOURCE_NOUN[kind];
	return {
		value: 'rollbackSnapshot',
		name: 'Rollback Snapshot',
		action: `Roll back a ${noun} to a snapshot`,
		description: `Returns the ${noun} to a snapshot; every change since then is lost. Inputs: VMID or name, snapshot name. Returns the task result.`,
		safety: 'destructive',
		startsTask: true,
		properties: [
			guestLocator(kind),
			snapshotLocator(),
			{ displayName: 'Start After Rollback', name: 'startAfter', type: 'boolean', default: false, description: 'Whether to start the guest after the rollback' },
		],
		async execute(ctx) {
			const guest = await resolveGuest(ctx, kind);
			const snapshot = locatorValue(ctx, 'snapshot');
			const start = ctx.fn.getNodeParameter('startAfter', ctx.itemIndex, false) as boolean;
			const data = await ctx.client.post(`${guest.base}/snapshot/${encodeURIComponent(snapshot)}/rollback`, start ? { start } : {});
			return taskOrResult(data, { ...guestSummary(guest), snapshot });
		},
	};
}

export function snapshotDelete(kind: GuestKind): ProxmoxOperation {
	const noun = RESOURCE_NOUN[kind];
	return {
		value: 'deleteSnapshot',
		name: 'Delete Snapshot',
		action: `Delete a snapshot of a ${noun}`,
		description: `Deletes one snapshot of the ${noun} (the live state is kept). Inputs: VMID or name, snapshot name. Returns the task result.`,
		safety: 'destructive',
		startsTask: true,
		properties: [guestLocator(kind), snapshotLocator()],
		async execute(ctx) {
			const guest = await resolveGuest(ctx, kind);
			const snapshot = locatorValue(ctx, 'snapshot');
			const data = await ctx.client.delete(`${guest.base}/snapshot/${encodeURIComponent(snapshot)}`);
			return taskOrResult(data, { ...guestSummary(guest), snapshot });
		},
	};
}
