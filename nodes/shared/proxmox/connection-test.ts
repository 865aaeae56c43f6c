/**
 * The credential's "Test" button: proves the whole path (reachability, TLS, authentication,
 * privileges) and says precisely what is wrong when it is not. Privilege separation on an API
 * token is the classic trap: the token authenticates but sees nothing.
 */
import { TransportError } from '../transport';
import type { ProxmoxClient } from './client';
import { endpointLabel } from './config';
import { asSentence, ProxmoxApiError, ProxmoxAuthError } from './errors';
import { pbsGrantCommand } from './pbs-privileges';

export interface ConnectionTestResult {
	ok: boolean;
	message: string;
}

interface ClusterStatusEntry {
	type: string;
	name: string;
	online?: boolean | number;
}

export async function testConnection(client: ProxmoxClient): Promise<ConnectionTestResult> {
	if (client.product === 'pbs') return await testPbsConnection(client);
	const hosts = client.config.endpoints.map((e) => endpointLabel(e)).join(', ');
	let version: { version?: string; release?: string };
	let host: string;
	try {
		const response = await client.request<{ version?: string; release?: string }>('GET', '/version', undefined, { timeoutMs: 15000 });
		version = response.data ?? {};
		host = response.host;
	} catch (error) {
		return { ok: false, message: describeFailure(error, hosts) };
	}
	const product = client.product === 'pve' ? 'Proxmox VE' : 'Proxmox Backup Server';
	let permissions: Record<string, unknown> = {};
	try {
		permissions = (await client.get<Record<string, unknown>>('/access/permissions')) ?? {};
	} catch (error) {
		return { ok: false, message: describeFailure(error, hosts) };
	}
	const granted = Object.values(permissions).some((privs) => privs && typeof privs === 'object' && Object.keys(privs).length > 0);
	if (!granted) {
		const who = client.config.auth.method === 'token' ? `API token ${client.config.auth.tokenId}` : `user ${client.config.auth.username}`;
		return {
			ok: false,
			message:
				`Connected to ${product} ${version.version ?? ''} on ${host}, but the ${who} has no privileges at all. ` +
				(client.config.auth.method === 'token'
					? 'With privilege separation on (the default), a token gets nothing until an ACL names the token itself: pveum acl modify / --roles PVEAuditor --tokens <user@realm!token>.'
					: 'Grant the user a role: pveum acl modify / --roles PVEAuditor --users <user@realm>.'),
		};
	}
	let cluster = '';
	try {
		const status = await client.get<ClusterStatusEntry[]>('/cluster/status');
		const entry = (status ?? []).find((s) => s.type === 'cluster');
		const nodes = (status ?? []).filter((s) => s.type === 'node');
		cluster = entry ? `cluster "${entry.name}", ${nodes.filter((n) => n.online).length}/${nodes.length} nodes online` : 'standalone node';
	} catch (error) {
		if (!(error instanceof ProxmoxApiError && error.status === 403)) return { ok: false, message: describeFailure(error, hosts) };
		cluster = 'cluster name not visible without Sys.Audit on /';
	}
	return { ok: true, message: `Connected to ${product} ${version.version ?? version.release ?? ''} on ${host} (${cluster})` };
}

function describeFailure(error: unknown, hosts: string): string {
	if (error instanceof TransportError) {
		if (error.kind === 'tls') {
			return error.presentedFingerprint
				? `TLS certificate mismatch on ${error.target ?? hosts}: the server presented SHA-256 fingerprint ${error.presentedFingerprint}, which is not the pinned one. Compare it with node > System > Certificates in the Proxmox GUI.`
				: error.message;
		}
		if (error.kind === 'connection' || error.kind === 'connectTimeout') return `Proxmox is unreachable (${hosts}): ${error.message}`;
		return error.message;
	}
	if (error instanceof ProxmoxAuthError) return error.message;
	if (error instanceof ProxmoxApiError) {
		if (error.status === 401) return `Authentication failed on ${error.host}: ${asSentence(error.message)} Check the token ID and secret (or user, realm and password).`;
		return `${error.host} answered ${error.status} ${error.message}`;
	}
	return error instanceof Error ? error.message : String(error);
}

/**
 * PBS `/version` answers `{"version":"4.0","release":"18","repoid":…}` (proxmox-backup
 * src/api2/version.rs: major.minor and the package release); older simulators put the full
 * version in `version`. Either way: "4.0.18".
 */
export function pbsVersionText(version: { version?: unknown; release?: unknown }): string {
	const main = typeof version.version === 'string' ? version.version : '';
	const release = typeof version.release === 'string' || typeof version.release === 'number' ? String(version.release) : '';
	if (/^\d+\.\d+$/.test(main) && /^\d+$/.test(release)) return `${main}.${release}`;
	return main || release;
}

/**
 * PBS: version, the datastores the credential can see, and whether it may audit them. A token
 * with privilege separation and no ACL of its own authenticates but sees no datastore.
 */
async function testPbsConnection(client: ProxmoxClient): Promise<ConnectionTestResult> {
	const hosts = client.config.endpoints.map((e) => endpointLabel(e)).join(', ');
	const auth = client.config.auth;
	const authId = auth.method === 'token' ? auth.tokenId : auth.username;
	const who = auth.method === 'token' ? `API token ${authId}` : `user ${authId}`;
	let versionText: string;
	let host: string;
	try {
		const response = await client.request<{ version?: string; release?: string }>('GET', '/version', undefined, { timeoutMs: 15000 });
		versionText = pbsVersionText(response.data ?? {});
		host = response.host;
	} catch (error) {
		return { ok: false, message: describeFailure(error, hosts) };
	}
	let stores: string[];
	let permissions: Record<string, Record<string, unknown>> = {};
	try {
		const list = (await client.get<Array<{ store?: string }>>('/admin/datastore')) ?? [];
		stores = list.map((entry) => String(entry.store ?? '')).filter(Boolean);
		permissions = (await client.get<Record<string, Record<string, unknown>>>('/access/permissions')) ?? {};
	} catch (error) {
		return { ok: false, message: describeFailure(error, hosts) };
	}
	const prefix = `Connected to Proxmox Backup Server ${versionText} on ${host}`;
	const tokenNote = auth.method === 'token' ? ' (with privilege separation, the ACL must name the token itself)' : '';
	if (!stores.length) {
		return {
			ok: false,
			message: `${prefix}, but the ${who} sees no datastore: it lacks Datastore.Audit. Grant it${tokenNote}: ${pbsGrantCommand('/datastore', 'Datastore.Audit', authId)}`,
		};
	}
	const canAudit = (store: string) =>
		Object.entries(permissions).some(
			([path, privs]) => (path === '/' || path === '/datastore' || path === `/datastore/${store}` || path.startsWith(`/datastore/${store}/`)) && !!privs && 'Datastore.Audit' in privs,
		);
	const blind = stores.filter((store) => !canAudit(store));
	const listed = `datastores: ${stores.join(', ')}`;
	if (blind.length === stores.length) {
		return {
			ok: false,
			message: `${prefix} (${listed}), but the ${who} lacks Datastore.Audit, so usage, groups and snapshots stay hidden. Grant it${tokenNote}: ${pbsGrantCommand(`/datastore/${blind[0]}`, 'Datastore.Audit', authId)}`,
		};
	}
	const partial = blind.length ? `; no Datastore.Audit on ${blind.join(', ')} (${pbsGrantCommand(`/datastore/${blind[0]}`, 'Datastore.Audit', authId)})` : '';
	return { ok: true, message: `${prefix} (${listed}${partial})` };
}
