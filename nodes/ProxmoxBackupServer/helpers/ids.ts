/**
 * PBS identifiers, checked before they go into a path or query (pbs-api-types: datastore names
 * `PROXMOX_SAFE_ID` 3–32 chars, namespaces up to 8 levels of safe IDs, backup types vm/ct/host,
 * backup IDs `BACKUP_ID_REGEX`, snapshot times RFC 3339 or epoch seconds).
 */
import { NodeOperationError } from 'n8n-workflow';

import { locatorValue, param, type OperationContext } from '../../shared/actions/types';

const SAFE_ID = '[A-Za-z0-9_][A-Za-z0-9._\\-]*';
export const STORE_REGEX = `^${SAFE_ID}$`;
export const NAMESPACE_REGEX = `^(?:${SAFE_ID}/){0,7}${SAFE_ID}$`;
export const GROUP_REGEX = `^(vm|ct|host)/${SAFE_ID}$`;
export const SNAPSHOT_REGEX = `^(vm|ct|host)/${SAFE_ID}/(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z|\\d+)$`;

export type BackupType = 'vm' | 'ct' | 'host';

export interface GroupRef {
	'backup-type': BackupType;
	'backup-id': string;
}

export interface SnapshotRef extends GroupRef {
	'backup-time': number;
}

function invalid(ctx: OperationContext, field: string, message: string): NodeOperationError {
	return new NodeOperationError(ctx.fn.getNode(), message, { itemIndex: ctx.itemIndex, description: `Field: ${field}` });
}

export function checkStore(value: string): string | undefined {
	if (!value) return 'is empty';
	if (value.length < 3 || value.length > 32 || !new RegExp(STORE_REGEX).test(value)) return `"${value}" is not a datastore name (3–32 characters: letters, digits, _ . -)`;
	return undefined;
}

/** The datastore named by the `store` locator. */
export function readStore(ctx: OperationContext, field = 'store'): string {
	const value = locatorValue(ctx, field);
	const problem = checkStore(value);
	if (problem) throw invalid(ctx, field, `Datastore ${problem}`);
	return value;
}

/** The namespace (empty: the root namespace). */
export function readNamespace(ctx: OperationContext, field = 'namespace', required = false): string {
	const raw = ctx.fn.getNodeParameter(field, ctx.itemIndex, '', { extractValue: true }) as unknown;
	const value = String(raw ?? '').trim().replace(/^\/+|\/+$/g, '');
	if (!value) {
		if (required) throw invalid(ctx, field, 'Namespace is empty; the root namespace cannot be used here');
		return '';
	}
	if (value.length > 256 || !new RegExp(NAMESPACE_REGEX).test(value)) {
		throw invalid(ctx, field, `"${value}" is not a namespace (up to 8 levels like dept/team, each: letters, digits, _ . -)`);
	}
	return value;
}

/** `vm/100` into backup type and ID. */
export function parseGroup(value: string): GroupRef | undefined {
	const match = new RegExp(GROUP_REGEX).exec(value.trim());
	if (!match) return undefined;
	const [type, ...rest] = value.trim().split('/');
	return { 'backup-type': type as BackupType, 'backup-id': rest.join('/') };
}

export function readGroup(ctx: OperationContext, field = 'group'): GroupRef {
	const value = locatorValue(ctx, field);
	const group = parseGroup(value);
	if (!group) throw invalid(ctx, field, `"${value}" is not a backup group: give type/ID, e.g. vm/100, ct/200 or host/web01`);
	return group;
}

/** `vm/100/2025-01-01T03:00:00Z` (PBS's snapshot path) or `vm/100/1735700400`. */
export function parseSnapshot(value: string): SnapshotRef | undefined {
	const match = new RegExp(SNAPSHOT_REGEX).exec(value.trim());
	if (!match) return undefined;
	const parts = value.trim().split('/');
	const time = parts[parts.length - 1];
	const seconds = /^\d+$/.test(time) ? Number(time) : Date.parse(time) / 1000;
	if (!Number.isFinite(seconds)) return undefined;
	return { 'backup-type': parts[0] as BackupType, 'backup-id': parts.slice(1, -1).join('/'), 'backup-time': seconds };
}

export function readSnapshot(ctx: OperationContext, field = 'snapshot'): SnapshotRef {
	const value = locatorValue(ctx, field);
	const snapshot = parseSnapshot(value);
	if (!snapshot) throw invalid(ctx, field, `"${value}" is not a snapshot: give type/ID/time, e.g. vm/100/2025-01-31T03:00:00Z`);
	return snapshot;
}

/** PBS's own snapshot path: `vm/100/2025-01-31T03:00:00Z`. */
export function snapshotPath(type: unknown, id: unknown, time: unknown): string {
	return `${String(type)}/${String(id)}/${new Date(Number(time) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
}

/** Namespace as a parameter: omitted for the root namespace. */
export function nsParam(ns: string): { ns?: string } {
	return ns ? { ns } : {};
}

export function readJobId(ctx: OperationContext, field = 'jobId'): string {
	const value = locatorValue(ctx, field);
	if (!value || value.length < 3 || value.length > 32 || !new RegExp(STORE_REGEX).test(value)) {
		throw invalid(ctx, field, `"${value}" is not a job ID (3–32 characters: letters, digits, _ . -)`);
	}
	return value;
}

export function readPositive(ctx: OperationContext, field: string): number | undefined {
	const value = param<number | string | undefined>(ctx, field, undefined);
	if (value === undefined || value === '' || value === null) return undefined;
	const number = Number(value);
	if (!Number.isInteger(number) || number < 0) throw invalid(ctx, field, `${field} must be a whole number ≥ 0`);
	return number;
}
