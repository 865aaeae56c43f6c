import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { endpointSearchResults } from '../../shared/actions/apiCall';
import { apiPath, toNodeError, type ProxmoxClient } from '../../shared/proxmox';
import { PBS_CATALOGUE } from '../helpers/catalogue';
import { bool } from '../helpers/format';
import { checkStore, NAMESPACE_REGEX, parseGroup, snapshotPath } from '../helpers/ids';
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

/** The datastore and namespace chosen in the node (empty results until a valid store is set). */
function scope(fn: ILoadOptionsFunctions): { store: string; ns?: string } | undefined {
	const store = currentValue(fn, 'store');
	if (checkStore(store)) return undefined;
	const ns = currentValue(fn, 'namespace');
	return { store, ...(ns && new RegExp(NAMESPACE_REGEX).test(ns) ? { ns } : {}) };
}

export async function searchDatastores(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await withClient(this, async (client) => {
		const stores = (await client.get<Array<{ store: string; comment?: string }>>('/admin/datastore')) ?? [];
		const results: INodeListSearchItems[] = stores
			.filter((s) => matches(filter, s.store, s.comment))
			.sort((a, b) => a.store.localeCompare(b.store))
			.map((s) => ({ name: s.comment ? `${s.store} (${s.comment})` : s.store, value: s.store }));
		return { results };
	});
}

export async function searchNamespaces(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await withClient(this, async (client) => {
		const where = scope(this);
		if (!where) return { results: [] };
		const list = (await client.get<Array<{ ns: string; comment?: string }>>(apiPath`/admin/datastore/${where.store}/namespace`)) ?? [];
		const results: INodeListSearchItems[] = list
			.filter((n) => matches(filter, n.ns, n.comment))
			.map((n) => ({ name: n.ns ? n.ns : '(root namespace)', value: n.ns }))
			.sort((a, b) => String(a.value).localeCompare(String(b.value)));
		return { results };
	});
}

export async function searchGroups(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await withClient(this, async (client) => {
		const where = scope(this);
		if (!where) return { results: [] };
		const groups = (await client.get<IDataObject[]>(apiPath`/admin/datastore/${where.store}/groups`, { ns: where.ns })) ?? [];
		const results: INodeListSearchItems[] = groups
			.map((g) => ({ value: `${g['backup-type'] as string}/${g['backup-id'] as string}`, comment: g.comment as string | undefined, count: g['backup-count'] as number }))
			.filter((g) => matches(filter, g.value, g.comment))
			.sort((a, b) => a.value.localeCompare(b.value, undefined, { numeric: true }))
			.map((g) => ({ name: `${g.value} (${g.count ?? '?'} snapshots${g.comment ? `, ${g.comment}` : ''})`, value: g.value }));
		return { results };
	});
}

export async function searchSnapshots(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await withClient(this, async (client) => {
		const where = scope(this);
		if (!where) return { results: [] };
		const group = parseGroup(currentValue(this, 'group'));
		const list = (await client.get<IDataObject[]>(apiPath`/admin/datastore/${where.store}/snapshots`, { ns: where.ns, ...(group ?? {}) })) ?? [];
		const results: INodeListSearchItems[] = list
			.sort((a, b) => Number(b['backup-time']) - Number(a['backup-time']))
			.map((s) => ({ path: snapshotPath(s['backup-type'], s['backup-id'], s['backup-time']), s }))
			.filter(({ path, s }) => matches(filter, path, s.comment as string))
			.slice(0, 200)
			.map(({ path, s }) => ({
				name: `${path}${bool(s.protected) ? ' (protected)' : ''}${s.comment ? ` – ${String(s.comment)}` : ''}`,
				value: path,
			}));
		return { results };
	});
}

async function searchJobs(fn: ILoadOptionsFunctions, kind: 'verify' | 'prune' | 'sync', filter?: string): Promise<INodeListSearchResult> {
	return await withClient(fn, async (client) => {
		const jobs = (await client.get<IDataObject[]>(`/config/${kind}`)) ?? [];
		const results: INodeListSearchItems[] = jobs
			.filter((j) => matches(filter, j.id as string, j.store as string, j.comment as string))
			.map((j) => ({ name: `${j.id as string} (${j.store as string}${j.schedule ? `, ${j.schedule as string}` : ''})`, value: j.id as string }));
		return { results };
	});
}

export async function searchVerifyJobs(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await searchJobs(this, 'verify', filter);
}

export async function searchPruneJobs(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await searchJobs(this, 'prune', filter);
}

export async function searchSyncJobs(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return await searchJobs(this, 'sync', filter);
}

/** Every endpoint of the PBS API schema; no request to the server is needed. */
export async function searchEndpoints(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	return { results: endpointSearchResults(PBS_CATALOGUE, filter) };
}
