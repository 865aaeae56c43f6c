/**
 * Safety class of an API Call, from its endpoint (method + schema path template, or the concrete
 * path for endpoints newer than the catalogue) and parameters. The classes follow the curated
 * operations (VM > Stop is destructive, so is POST .../status/stop here) and add what only the
 * raw API can reach: permissions, network, firewall, disks, consoles, secrets.
 *
 * Decisions: migrate, clone, create, start, reboot, suspend, resize (PVE only grows disks) and
 * backups are writes, as their curated operations; shutdown is a write unless `forceStop`; every
 * DELETE is destructive; an endpoint missing from the catalogue is destructive unless it is a GET.
 */
import type { SafetyVerdict } from '../../shared/aiGuard';
import { classifyApiCall, maskApiAnswer, SEGMENT as V, type ApiCallRules, type EndpointRule, type SecretAnswerRule } from '../../shared/actions/apiCallSafety';
import { configChangeSafety, createSafety, retentionSafety, truthy } from './configSafety';
import type { GuestKind } from './guests';

const GUEST = `^/nodes/${V}/(qemu|lxc)/${V}`;

const re = (source: string) => new RegExp(source);

/** Destructive endpoints, first match wins (DELETE is handled before). */
export const DESTRUCTIVE_RULES: EndpointRule[] = [
	{ methods: ['GET'], path: re(`${GUEST}/agent/file-read$`), reason: 'reads any file inside the guest', byReading: true },
	{ methods: ['GET', 'POST', 'PUT'], path: /^\/access\/(ticket|openid\/login|vncticket)$/, reason: 'issues or checks login tickets', byReading: true },
	{ path: /^\/access(\/|$)/, reason: 'changes users, groups, tokens, permissions, realms, TFA or passwords' },
	{ path: /^\/pools(\/|$)/, reason: 'pool membership decides who may manage guests and storages' },
	{ path: /\/firewall(\/|$)/, reason: 'changes firewall rules' },
	{ path: re(`^/nodes/${V}/(network|dns|hosts)(/|$)`), reason: 'changes the node\'s network configuration' },
	{ path: /^\/cluster\/sdn(\/|$)/, reason: 'changes the software-defined network' },
	{ path: re(`${GUEST}/status/(stop|reset)$`), reason: 'stops or resets the guest without a clean shutdown (unsaved data is lost)' },
	{ path: re(`${GUEST}/status/shutdown$`), reason: 'forces a stop after the timeout', when: (p) => truthy(p.forceStop) },
	{ path: re(`${GUEST}/snapshot/${V}/rollback$`), reason: 'rolls the guest back (changes since the snapshot are lost)' },
	{ path: re(`${GUEST}/template$`), reason: 'converts the guest into a template (cannot be undone)' },
	{ path: re(`${GUEST}/agent/(exec|file-write|set-user-password|shutdown|suspend-disk|suspend-ram|suspend-hybrid|fsfreeze-freeze)$`), reason: 'runs commands, writes files or changes passwords inside the guest' },
	{ path: re(`${GUEST}/agent$`), reason: 'sends a guest agent command' },
	{ path: re(`${GUEST}/(move_disk|move_volume)$`), reason: 'deletes the source disk after moving it', when: (p) => truthy(p.delete) },
	{ path: re(`${GUEST}/unlink$`), reason: 'unlinks and deletes disks' },
	{ path: re(`${GUEST}/(sendkey|monitor)$`), reason: 'types into the guest console or runs QEMU monitor commands' },
	{ path: /\/(vncproxy|termproxy|spiceproxy|vncwebsocket|vncshell|spiceshell|mtunnel|mtunnelwebsocket|remote_migrate)$/, reason: 'opens a console, shell or tunnel; the answer carries a ticket' },
	{ path: re(`^/nodes/${V}/execute$`), reason: 'runs a batch of other API calls' },
	{ path: re(`^/nodes/${V}/status$`), reason: 'reboots or shuts down the node' },
	{ path: re(`^/nodes/${V}/(stopall|migrateall|suspendall)$`), reason: 'stops, moves or suspends every guest of the node' },
	{ path: re(`^/nodes/${V}/services/${V}/stop$`), reason: 'stops a node service' },
	{ path: re(`^/nodes/${V}/disks(/|$)`), reason: 'initialises, wipes or formats host disks' },
	{ path: /^\/(nodes\/[^/]+|cluster)\/ceph(\/|$)/, reason: 'changes the Ceph cluster' },
	{ path: re(`^/nodes/${V}/certificates(/|$)`), reason: 'replaces the node\'s TLS certificate' },
	{ path: /^\/cluster\/acme(\/|$)/, reason: 'changes ACME accounts and plugins' },
	{ path: /^\/cluster\/config(\/|$)/, reason: 'changes cluster membership' },
	{ path: /^\/cluster\/jobs\/realm-sync(\/|$)/, reason: 'creates or removes users by realm sync' },
	{ path: re(`^/nodes/${V}/apt/repositories$`), reason: 'changes where packages come from' },
];

const SECRET_ANSWER_RULES: SecretAnswerRule[] = [
	// POST/PUT /access/users/{userid}/token/{tokenid} answers the new secret as `value`.
	{ path: re(`^/access/users/${V}/token/${V}$`), keys: ['value'] },
];

/** Writes no endpoint rule matched: retention, guest config changes, guest creation with `force`. */
function writeSafety(method: string, path: string, params: Record<string, unknown>): SafetyVerdict {
	const retention = retentionSafety(params);
	if (retention !== 'write') return retention;
	const config = new RegExp(`${GUEST}/config$`).exec(path);
	if (config) return configChangeSafety(config[1] as GuestKind, params);
	if (method === 'POST' && /^\/nodes\/[^/]+\/(qemu|lxc)$/.test(path)) return createSafety(params);
	return 'write';
}

export const PVE_API_RULES: ApiCallRules = { destructive: DESTRUCTIVE_RULES, secretAnswers: SECRET_ANSWER_RULES, writeSafety };

export function apiCallSafety(method: string, path: string, params: Record<string, unknown>, known: boolean): SafetyVerdict {
	return classifyApiCall(PVE_API_RULES, method, path, params, known);
}

/** The guest kind of a `/config` write, when the verdict needs the current configuration. */
export function configWriteKind(method: string, path: string): GuestKind | undefined {
	if (!['POST', 'PUT'].includes(method.toUpperCase())) return undefined;
	const match = new RegExp(`${GUEST}/config$`).exec(path);
	return match ? (match[1] as GuestKind) : undefined;
}

/** Masks secrets in a PVE API Call answer (nodes/shared/actions/apiCallSafety.ts). */
export function maskSecrets<T>(data: T, path: string): T {
	return maskApiAnswer(PVE_API_RULES, data, path);
}
