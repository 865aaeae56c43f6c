/**
 * What the push source registers in the notification system of Proxmox VE (`/cluster/notifications`)
 * or Proxmox Backup Server 3.3+ (`/config/notifications`; the same proxmox-notify crate, so the same
 * parameters and rendering: reference/proxmox.md §3.3-§3.5): a webhook endpoint pointing at the workflow's webhook URL, with the per-activation secret in
 * Proxmox's secret store (sent back only as a header rendered from `{{ secrets.token }}`), and a
 * matcher that routes the chosen events to it, so Proxmox does the filtering.
 */
import { createHash } from 'node:crypto';

import type { ProxmoxClient } from './client';
import type { ProxmoxProduct } from './config';
import { apiPath, type ProxmoxParams } from './encode';
import { ProxmoxApiError } from './errors';

export const SECRET_HEADER = 'X-Proxmox-Token';
export const SECRET_NAME = 'token';

/**
 * Title, message, severity, timestamp and every metadata field, serialised by Proxmox's `json` helper.
 * The space before the last brace keeps `}}}` (a triple-stash close for Handlebars parsers) out.
 */
export const BODY_TEMPLATE = '{"title":{{ json title }},"message":{{ json message }},"severity":{{ json severity }},"timestamp":{{ timestamp }},"fields":{{ json fields }} }';

export const PVE_EVENT_TYPES = ['vzdump', 'replication', 'fencing', 'package-updates', 'system-mail'] as const;
/** PBS notification types (proxmox-backup `src/server/notifications.rs`; the docs say `verification`, the code sends `verify`). */
export const PBS_EVENT_TYPES = ['gc', 'verify', 'prune', 'sync', 'tape-backup', 'tape-load', 'acme', 'package-updates', 'system-mail'] as const;

/** Where the product keeps its notification configuration. */
export function notificationBase(product: ProxmoxProduct): string {
	return product === 'pbs' ? '/config/notifications' : '/cluster/notifications';
}
export const SEVERITIES = ['info', 'notice', 'warning', 'error', 'unknown'] as const;

export interface FieldMatch {
	mode: 'exact' | 'regex';
	field: string;
	value: string;
}

export interface PushFilters {
	severities: string[];
	types: string[];
	fields: FieldMatch[];
}

export interface RegistrationNames {
	endpoint: string;
	matcher: string;
}

export class FilterError extends Error {
	constructor(
		message: string,
		readonly field: string,
	) {
		super(message);
		this.name = 'FilterError';
	}
}

/**
 * Names of the endpoint and matcher: `n8n-<workflow id>-<8 hex of node id and URL>` (+ `-m` for the
 * matcher; endpoints and matchers share one namespace in notifications.cfg). The workflow ID makes
 * them recognisable, the hash keeps two nodes, or the editor's test URL and the production URL,
 * apart; the same workflow and node always get the same names, so a leftover is found and replaced.
 */
export function registrationNames(workflowId: string | undefined, nodeId: string, url: string): RegistrationNames {
	const workflow = (workflowId ?? 'unsaved').replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40) || 'unsaved';
	const hash = createHash('sha256').update(`${nodeId}\0${url}`).digest('hex').slice(0, 8);
	const endpoint = `n8n-${workflow}-${hash}`;
	return { endpoint, matcher: `${endpoint}-m` };
}

/** Matcher rules (mode all): severities as one set, event types as one exact rule, then field rules. */
export function matcherRules(filters: PushFilters): { 'match-severity'?: string[]; 'match-field'?: string[] } {
	const rules: { 'match-severity'?: string[]; 'match-field'?: string[] } = {};
	const unknownSeverity = filters.severities.find((s) => !(SEVERITIES as readonly string[]).includes(s));
	if (unknownSeverity) throw new FilterError(`"${unknownSeverity}" is not a Proxmox severity (info, notice, warning, error, unknown)`, 'severities');
	if (filters.severities.length) rules['match-severity'] = [filters.severities.join(',')];
	const fields: string[] = [];
	if (filters.types.length) fields.push(`exact:type=${filters.types.join(',')}`);
	filters.fields.forEach((match, index) => {
		const field = match.field.trim();
		const value = match.value.trim();
		if (!/^[A-Za-z0-9_-]+$/.test(field)) throw new FilterError(`Field match ${index + 1}: "${match.field}" is not a field name (e.g. type, hostname, job-id)`, 'fieldMatches');
		if (!value) throw new FilterError(`Field match ${index + 1} (${field}): the value is empty`, 'fieldMatches');
		if (match.mode === 'regex') {
			try {
				new RegExp(value);
			} catch (error) {
				throw new FilterError(`Field match ${index + 1} (${field}): invalid regular expression: ${(error as Error).message}`, 'fieldMatches');
			}
		}
		fields.push(`${match.mode}:${field}=${value}`);
	});
	if (fields.length) rules['match-field'] = fields;
	return rules;
}

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

export function endpointParams(names: RegistrationNames, url: string, secret: string, comment: string): ProxmoxParams {
	return {
		name: names.endpoint,
		url,
		method: 'post',
		body: base64(BODY_TEMPLATE),
		header: [`name=Content-Type,value=${base64('application/json')}`, `name=${SECRET_HEADER},value=${base64(`{{ secrets.${SECRET_NAME} }}`)}`],
		secret: [`name=${SECRET_NAME},value=${base64(secret)}`],
		comment,
	};
}

export function matcherParams(names: RegistrationNames, filters: PushFilters, comment: string): ProxmoxParams {
	return { name: names.matcher, target: [names.endpoint], mode: 'all', ...matcherRules(filters), comment };
}

/** A fingerprint of what the matcher should hold, to tell a stale registration from a current one. */
export function registrationDigest(url: string, filters: PushFilters): string {
	return createHash('sha256').update(JSON.stringify({ url, rules: matcherRules(filters) })).digest('hex').slice(0, 16);
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * The exact commands that create the same endpoint and matcher by hand, run as root: `pvesh` on any
 * PVE node, `proxmox-backup-debug api` (the API over PBS's local socket, same parameters) on the PBS
 * host. The secret is read from the shell variable N8N_SECRET so it never appears in n8n.
 */
export function manualCommands(names: RegistrationNames, url: string, filters: PushFilters, product: ProxmoxProduct = 'pve'): string {
	const rules = matcherRules(filters);
	const base = notificationBase(product);
	const create = product === 'pbs' ? 'proxmox-backup-debug api create' : 'pvesh create';
	const lines = [
		`read -rs N8N_SECRET   # type the secret set in the node's "Secret" field`,
		`${create} ${base}/endpoints/webhook --name ${names.endpoint} --method post --url ${shellQuote(url)} \\`,
		`  --header name=Content-Type,value=${base64('application/json')} \\`,
		`  --header name=${SECRET_HEADER},value=${base64(`{{ secrets.${SECRET_NAME} }}`)} \\`,
		`  --secret name=${SECRET_NAME},value=$(printf %s "$N8N_SECRET" | base64 -w0) \\`,
		`  --body ${base64(BODY_TEMPLATE)}`,
		[
			`${create} ${base}/matchers --name ${names.matcher} --target ${names.endpoint} --mode all`,
			...(rules['match-severity'] ?? []).map((rule) => `--match-severity ${shellQuote(rule)}`),
			...(rules['match-field'] ?? []).map((rule) => `--match-field ${shellQuote(rule)}`),
		].join(' '),
	];
	return lines.join('\n');
}

const isNotFound = (error: unknown) => error instanceof ProxmoxApiError && (error.status === 404 || (error.status === 500 && /not found|does not exist/i.test(error.message)));

async function getOrUndefined<T>(client: ProxmoxClient, path: string): Promise<T | undefined> {
	try {
		return await client.get<T>(path);
	} catch (error) {
		if (isNotFound(error)) return undefined;
		throw error;
	}
}

export async function readRegistration(client: ProxmoxClient, names: RegistrationNames): Promise<{ endpoint?: { url?: string; comment?: string }; matcher?: { comment?: string } }> {
	const base = notificationBase(client.product);
	const endpoint = await getOrUndefined<{ url?: string; comment?: string }>(client, base + apiPath`/endpoints/webhook/${names.endpoint}`);
	const matcher = await getOrUndefined<{ comment?: string }>(client, base + apiPath`/matchers/${names.matcher}`);
	return { endpoint, matcher };
}

/** Removes the matcher, then the endpoint (a matcher may not name a missing target); missing ones are fine. */
export async function removeRegistration(client: ProxmoxClient, names: RegistrationNames): Promise<void> {
	const base = notificationBase(client.product);
	for (const path of [base + apiPath`/matchers/${names.matcher}`, base + apiPath`/endpoints/webhook/${names.endpoint}`]) {
		try {
			await client.delete(path);
		} catch (error) {
			if (!isNotFound(error)) throw error;
		}
	}
}

export async function createRegistration(client: ProxmoxClient, names: RegistrationNames, url: string, secret: string, filters: PushFilters, comment: string): Promise<void> {
	const base = notificationBase(client.product);
	await client.post(`${base}/endpoints/webhook`, endpointParams(names, url, secret, comment));
	try {
		await client.post(`${base}/matchers`, matcherParams(names, filters, comment));
	} catch (error) {
		await removeRegistration(client, names).catch(() => undefined);
		throw error;
	}
}
