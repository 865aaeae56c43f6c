import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { apiPath, toNodeError, type ProxmoxClient } from '../../shared/proxmox';
import { endpointSearchResults } from '../../shared/actions/apiCall';
import { PVE_CATALOGUE } from '../helpers/catalogue';
import { listClusterGuests, type GuestKind } from '../helpers/guests';
import { getClient } from '../transport';

function matches(filter: string | undefined, ...texts: Array<string | number | undefined>): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return texts.some((text) => text !== undefined && String(text).toLowerCase().includes(needle));
}

function currentValue(fn: ILoadOptionsFunctions, name: string): string {
	try {
		return String(fn.getCurrentNodeParameter(name, { extractValue: true }) ?? '').trim();
	} catch {
		return '';
	}
}

async function withClient<T>(fn: ILoadOptionsFunctions, run: (client: ProxmoxClient) => Promise<T>): Promise<T> {
	const client = await getClient(fn);
	try {
		return await run(client);
	} catch (error) {
		throw toNodeError(fn.getNode(), error);
	}
}

export async function searchNodes(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await withClient(this, async (client) => {
		const nodes = (await client.get<Array<{ node: string; status?: string }>>('/nodes')) ?? [];
		const results: INodeListSearchItems[] = nodes
			.filter((n) => matches(filter, n.node))
			.sort((a, b) => a.node.localeCompare(b.node))
			.map((n) => ({ name: `${n.node}${n.status && n.status !== 'online' ? ` (${n.status})` : ''}`, value: n.node }));
		return { results };
	});
}

async function searchGuests(fn: ILoadOptionsFunctions, kind: GuestKind, filter?: string): Promise<INodeListSearchResult> {
	return await withClient(fn, async (client) => {
		const guests = (await listClusterGuests(client)).filter((g) => g.type === kind && matches(filter, g.name, g.vmid));
		const results: INodeListSearchItems[] = guests
			.sort((a, b) => Number(a.vmid) - Number(b.vmid))
			.map((g) => ({
				name: `${g.name ?? '(no name)'} (${g.vmid}, ${kind === 'qemu' ? 'VM' : 'CT'}${g.template ? ' template' : ''}, ${g.status ?? 'unknown'} on ${g.node})`,
				value: String(g.vmid),
			}));
		return { results };
	});
}

export async function searchVms(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await searchGuests(this, 'qemu', filter);
}

export async function searchContainers(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await searchGuests(this, 'lxc', filter);
}

export async function searchStorages(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await withClient(this, async (client) => {
		const node = currentValue(this, 'node');
		const storages = node
			? ((await client.get<IDataObject[]>(apiPath`/nodes/${node}/storage`)) ?? [])
			: ((await client.get<IDataObject[]>('/storage')) ?? []);
		const results = storages
			.filter((s) => matches(filter, s.storage as string))
			.map((s) => ({ name: `${s.storage as string} (${(s.type as string) ?? ''}${s.content ? `: ${s.content as string}` : ''})`, value: s.storage as string }))
			.sort((a, b) => a.value.localeCompare(b.value));
		return { results };
	});
}

export async function searchSnapshots(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await withClient(this, async (client) => {
		const vmid = Number(currentValue(this, 'guest'));
		const guest = (await listClusterGuests(client)).find((g) => Number(g.vmid) === vmid || (!Number.isFinite(vmid) && g.name === currentValue(this, 'guest')));
		if (!guest?.node) return { results: [] };
		const snapshots = (await client.get<IDataObject[]>(apiPath`/nodes/${guest.node}/${guest.type}/${Number(guest.vmid)}/snapshot`)) ?? [];
		const results = snapshots
			.filter((s) => s.name !== 'current' && matches(filter, s.name as string))
			.map((s) => ({ name: `${s.name as string}${s.description ? ` – ${String(s.description).split('\n')[0]}` : ''}`, value: s.name as string }));
		return { results };
	});
}

export async function searchBackups(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await withClient(this, async (client) => {
		const node = currentValue(this, 'node');
		const storage = currentValue(this, 'storage');
		if (!node || !storage) return { results: [] };
		const content = (await client.get<IDataObject[]>(apiPath`/nodes/${node}/storage/${storage}/content`, { content: 'backup' })) ?? [];
		const results = content
			.filter((c) => matches(filter, c.volid as string, c.vmid as number))
			.sort((a, b) => Number(b.ctime ?? 0) - Number(a.ctime ?? 0))
			.map((c) => ({
				name: `${c.vmid ?? '?'}: ${String(c.volid).replace(/^[^:]+:backup\//, '')}${c.protected ? ' (protected)' : ''}`,
				value: c.volid as string,
			}));
		return { results };
	});
}

/** Scheduled backup jobs (/cluster/backup), named by schedule, storage and comment. */
export async function searchBackupJobs(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await withClient(this, async (client) => {
		const jobs = (await client.get<IDataObject[]>('/cluster/backup')) ?? [];
		const results = jobs
			.filter((job) => matches(filter, job.id as string, job.comment as string | undefined, job.storage as string | undefined))
			.sort((a, b) => String(a.id).localeCompare(String(b.id)))
			.map((job) => ({
				name: `${job.id as string}: ${(job.schedule as string) ?? '?'} to ${(job.storage as string) ?? '?'}${job.comment ? ` – ${String(job.comment).split('\n')[0]}` : ''}${[0, '0', false].includes(job.enabled as never) ? ' (disabled)' : ''}`,
				value: job.id as string,
			}));
		return { results };
	});
}

/** Every endpoint of the PVE API schema; no request to Proxmox is needed. */
export async function searchEndpoints(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return { results: endpointSearchResults(PVE_CATALOGUE, filter) };
}
