/**
 * Safety class of a Proxmox Backup Server API Call, from its endpoint and parameters (the
 * mechanism, shared with the PVE node, is nodes/shared/actions/apiCallSafety.ts). The classes
 * follow the curated operations (Prune > Apply and Run Prune Job are destructive, so are
 * POST …/prune and …/prune/{id}/run here) and add what only the raw API can reach: users,
 * tokens, ACLs, realms, TFA, certificates, network, host disks, remotes' and S3 credentials,
 * encryption keys, shells, and reading files out of backups. Paths: proxmox-backup src/api2.
 *
 * Decisions: GC, verify, sync (without `remove-vanished`), notes, protection and namespace
 * creation are writes, as their curated operations; every DELETE is destructive; a write that
 * sets retention (`keep-*`, `prune-schedule`) or removes vanished snapshots is destructive; an
 * endpoint missing from the catalogue is destructive unless it is a GET.
 */
import type { SafetyVerdict } from '../../shared/aiGuard';
import { truthy, SEGMENT as V, type ApiCallRules, type EndpointRule, type SecretAnswerRule } from '../../shared/actions/apiCallSafety';

const re = (source: string) => new RegExp(source);
const STORE = `^/admin/datastore/${V}`;
const NODE = `^/nodes/${V}`;

/** Destructive endpoints, first match wins (DELETE is handled before). */
export const PBS_DESTRUCTIVE_RULES: EndpointRule[] = [
	{ methods: ['GET'], path: re(`${STORE}/(download|download-decoded|pxar-file-download)$`), reason: 'reads files out of a backup (any file of the backed-up guest or host)', byReading: true },
	{ methods: ['GET', 'POST', 'PUT'], path: /^\/(backup|reader)(\/|$)/, reason: 'opens the backup or restore protocol (writes or reads backup data)', byReading: true },
	{ methods: ['GET', 'POST', 'PUT'], path: /^\/access\/(ticket|vncticket|openid\/login)$/, reason: 'issues or checks login tickets', byReading: true },
	{ methods: ['GET', 'POST', 'PUT'], path: re(`${NODE}/(termproxy|vncwebsocket)$`), reason: 'opens a shell on the host; the answer carries a ticket', byReading: true },
	{ path: /^\/access(\/|$)/, reason: 'changes users, tokens, permissions (ACLs), TFA or passwords' },
	{ path: /^\/config\/access(\/|$)/, reason: 'changes authentication realms (LDAP, AD, OpenID) or TFA settings' },
	{ path: /^\/config\/acme(\/|$)/, reason: 'changes ACME accounts and plugins' },
	{ path: re(`${NODE}/certificates(/|$)`), reason: "replaces the server's TLS certificate" },
	{ path: re(`${NODE}/(network|dns)(/|$)`), reason: "changes the server's network configuration" },
	{ path: re(`${NODE}/disks(/|$)`), reason: 'initialises, wipes or formats host disks' },
	{ path: re(`${NODE}/status$`), reason: 'reboots or shuts down the server' },
	{ path: re(`${NODE}/services/${V}/stop$`), reason: 'stops a server service' },
	{ path: re(`${NODE}/apt/repositories$`), reason: 'changes where packages come from' },
	{ path: /^\/config\/remote(\/|$)/, reason: "changes remotes and their passwords (sync reads and writes through them)" },
	{ path: /^\/config\/s3(\/|$)/, reason: 'changes S3 endpoints and their access keys' },
	{ path: /^\/config\/(encryption-keys|tape-encryption-keys)(\/|$)/, reason: 'changes encryption keys (backups made with a lost key cannot be restored)' },
	{ path: re(`${STORE}/(prune|prune-datastore)$`), reason: 'removes the snapshots the retention does not keep', when: (p) => !truthy(p['dry-run']) },
	{ path: re(`^/admin/prune/${V}/run$`), reason: 'runs a prune job (removes the snapshots its retention does not keep)' },
	{ path: re(`${STORE}/change-owner$`), reason: "changes a backup group's owner (who may prune and delete it)" },
	{ path: /^\/config\/datastore$/, reason: 'reuses or overwrites an existing datastore directory', when: (p) => truthy(p['reuse-datastore']) || truthy(p['overwrite-in-use']) },
	{ path: /^\/tape\/drive\/[^/]+\/(format-media|label-media|barcode-label-media)$/, reason: 'erases or relabels tape media' },
];

const PBS_SECRET_ANSWERS: SecretAnswerRule[] = [
	// POST (and PUT with `regenerate`) /access/users/{userid}/token/{token-name} answer the secret
	// as `value` (proxmox-backup src/api2/access/user.rs).
	{ path: re(`^/access/users/${V}/token/${V}$`), keys: ['value'] },
];

/** Retention (`keep-*`, `prune-schedule`) makes later prunes delete snapshots; `remove-vanished` deletes them at sync. */
function writeSafety(_method: string, path: string, params: Record<string, unknown>): SafetyVerdict {
	// A prune with `dry-run` only lists what it would remove.
	if (truthy(params['dry-run']) && /\/(prune|prune-datastore)$/.test(path)) return 'write';
	const retention = Object.keys(params).filter((key) => /^keep-(last|hourly|daily|weekly|monthly|yearly)$/.test(key) || key === 'prune-schedule');
	if (retention.length) return { safety: 'destructive', reason: `sets ${retention.join(', ')}, which prunes older snapshots` };
	if (truthy(params['remove-vanished'])) return { safety: 'destructive', reason: 'remove-vanished deletes local snapshots missing on the other side' };
	return 'write';
}

export const PBS_API_RULES: ApiCallRules = { destructive: PBS_DESTRUCTIVE_RULES, secretAnswers: PBS_SECRET_ANSWERS, writeSafety };
