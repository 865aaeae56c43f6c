/**
 * Finding guests: the user gives a VMID or a name, the API needs the node too. One request to
 * /cluster/resources answers for the whole cluster; it is a pvestatd cache that lags a few
 * seconds behind, so a miss falls back to the (fresh) per-node guest lists.
 */
import { NodeOperationError } from 'n8n-workflow';

import { apiPath, nodeNameProblem, vmidProblem, type ProxmoxClient } from '../../shared/proxmox';
import type { OperationContext } from '../actions/types';

export type GuestKind = 'qemu' | 'lxc';

export interface ClusterResource {
	id: string;
	type: string;
	node?: string;
	vmid?: number;
	name?: string;
	status?: string;
	template?: number | boolean;
	[key: string]: unknown;
}

export interface GuestRef {
	kind: GuestKind;
	node: string;
	vmid: number;
	name?: string;
	status?: string;
	/** `/nodes/{node}/{qemu|lxc}/{vmid}` */
	base: string;
}

export const GUEST_NOUN: Record<GuestKind, string> = { qemu: 'VM', lxc: 'container' };

/**
 * A guest's `tags` as a list. Proxmox stores them as one string separated by ";" (it also accepts
 * "," and spaces on input: pve-common's pve-tag-list format); empty entries are dropped.
 */
export function tagList(tags: unknown): string[] {
	if (typeof tags !== 'string') return [];
	return tags.split(/[;,\s]+/).filter(Boolean);
}

export async function listClusterGuests(client: ProxmoxClient): Promise<ClusterResource[]> {
	const resources = await client.get<ClusterResource[]>('/cluster/resources', { type: 'vm' });
	return (resources ?? []).filter((r) => r.type === 'qemu' || r.type === 'lxc');
}

function guestBase(kind: GuestKind, node: string, vmid: number): string {
	return apiPath`/nodes/${node}/${kind}/${vmid}`;
}

async function freshLookup(client: ProxmoxClient, kind: GuestKind, match: (g: { vmid: number; name?: string }) => boolean) {
	const nodes = await client.get<Array<{ node: string; status?: string }>>('/nodes');
	for (const { node, status } of nodes ?? []) {
		if (status && status !== 'online') continue;
		const guests = await client.get<Array<{ vmid: number | string; name?: string; status?: string }>>(apiPath`/nodes/${node}/${kind}`).catch(() => []);
		const found = (guests ?? []).map((g) => ({ ...g, vmid: Number(g.vmid) })).find(match);
		if (found) return { node, vmid: found.vmid, name: found.name, status: found.status };
	}
	return undefined;
}

/** Resolves the `guest` locator (VMID or name) of the current item to node + VMID. */
export async function resolveGuest(ctx: OperationContext, kind: GuestKind, parameter = 'guest'): Promise<GuestRef> {
	const locator = ctx.fn.getNodeParameter(parameter, ctx.itemIndex) as { mode?: string; value?: unknown } | string | number;
	const mode = typeof locator === 'object' && locator ? locator.mode : 'id';
	const raw = String(typeof locator === 'object' && locator ? locator.value ?? '' : locator).trim();
	if (!raw) throw new NodeOperationError(ctx.fn.getNode(), `No ${GUEST_NOUN[kind]} given`, { itemIndex: ctx.itemIndex });
	const byName = mode === 'name' && !/^\d+$/.test(raw);
	const vmid = byName ? undefined : Number(raw);
	if (!byName && vmidProblem(raw)) {
		throw new NodeOperationError(ctx.fn.getNode(), `${kind === 'qemu' ? 'VM' : 'Container'}: "${raw.slice(0, 100)}" ${vmidProblem(raw)}`, { itemIndex: ctx.itemIndex });
	}
	const matches = (g: { vmid?: number; name?: string }) => (byName ? g.name === raw : Number(g.vmid) === vmid);
	const all = await listClusterGuests(ctx.client);
	const hits = all.filter(matches);
	if (hits.length > 1 && byName) {
		throw new NodeOperationError(ctx.fn.getNode(), `${hits.length} guests are named "${raw}" (VMIDs ${hits.map((h) => h.vmid).join(', ')}): select one by VMID`, {
			itemIndex: ctx.itemIndex,
		});
	}
	let hit = hits[0];
	if (hit && hit.type !== kind) {
		const other = hit.type === 'qemu' ? 'VM' : 'container';
		throw new NodeOperationError(ctx.fn.getNode(), `VMID ${hit.vmid} is a ${other}, not a ${GUEST_NOUN[kind]}: use the ${other === 'VM' ? 'VM' : 'Container'} resource`, {
			itemIndex: ctx.itemIndex,
		});
	}
	if (!hit) {
		const fresh = await freshLookup(ctx.client, kind, (g) => matches(g));
		if (fresh) hit = { id: `${kind}/${fresh.vmid}`, type: kind, ...fresh };
	}
	if (!hit || !hit.node || hit.vmid === undefined) {
		throw new NodeOperationError(ctx.fn.getNode(), `No ${GUEST_NOUN[kind]} ${byName ? `named "${raw}"` : `with VMID ${raw}`} exists in the cluster`, {
			itemIndex: ctx.itemIndex,
			description: 'Check the VMID or name; list guests with the "Get Many" operation.',
		});
	}
	return { kind, node: hit.node, vmid: Number(hit.vmid), name: hit.name, status: hit.status, base: guestBase(kind, hit.node, Number(hit.vmid)) };
}

export function resolveNodeName(ctx: OperationContext, parameter = 'node'): string {
	const value = String(ctx.fn.getNodeParameter(parameter, ctx.itemIndex, undefined, { extractValue: true }) ?? '').trim();
	if (!value) throw new NodeOperationError(ctx.fn.getNode(), 'No node given', { itemIndex: ctx.itemIndex });
	const problem = nodeNameProblem(value);
	if (problem) throw new NodeOperationError(ctx.fn.getNode(), `Node: "${value.slice(0, 100)}" ${problem}`, { itemIndex: ctx.itemIndex });
	return value;
}
