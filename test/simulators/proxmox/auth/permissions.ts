import type { MethodInfo, Product } from '../schema/types';
import { ApiError } from '../core/errors';
import type { AccessStore } from './access';
import type { Identity } from './authenticate';

type Params = Record<string, unknown>;

const forbidden = (product: Product, what: string) =>
	new ApiError(403, product === 'pve' ? (what ? `Permission check failed (${what})` : 'Permission check failed') : 'permission check failed');

function substitute(path: string, params: Params): string {
	return path.replace(/\{([^}]+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

/** Evaluates a PVE `permissions.check` expression (RPCEnvironment::check_api2_permissions). */
function checkPve(check: unknown[], id: Identity, access: AccessStore, params: Params): void {
	const [kind, ...rest] = check;
	switch (kind) {
		case 'perm': {
			const path = substitute(String(rest[0]), params);
			const privs = rest[1] as string[];
			const any = rest[2] === 'any' && !!rest[3];
			const have = access.privileges(id.authId, path);
			if (any) {
				if (!privs.some((p) => have.has(p))) throw forbidden('pve', `${path}, ${privs.join('|')}`);
				return;
			}
			for (const p of privs) if (!have.has(p)) throw forbidden('pve', `${path}, ${p}`);
			return;
		}
		case 'and':
			for (const sub of rest) checkPve(sub as unknown[], id, access, params);
			return;
		case 'or': {
			let first: unknown;
			for (const sub of rest) {
				try {
					checkPve(sub as unknown[], id, access, params);
					return;
				} catch (e) {
					first ??= e;
				}
			}
			throw first;
		}
		case 'userid-param': {
			const target = String(params.userid ?? '');
			if (rest[0] === 'self') {
				if (target !== id.userid) throw forbidden('pve', `user != ${target}`);
				return;
			}
			const realm = target.split('@')[1] ?? '';
			checkPve(['perm', `/access/realm/${realm}`, [String(rest[0])]], id, access, params);
			return;
		}
		case 'userid-group':
			if (!access.hasAnyBelow(id.authId, '/access/groups', rest[0] as string[])) throw forbidden('pve', `/access/groups, ${(rest[0] as string[]).join('|')}`);
			return;
		case 'perm-modify':
			checkPve(['perm', substitute(String(rest[0]), params), ['Permissions.Modify']], id, access, params);
			return;
		default:
			return;
	}
}

/**
 * Evaluates a PBS permission object as proxmox-router's check_api_permission does (permission.rs):
 * `{path:[..], privs:[..], partial}` (inside `{check: …}`), `{or:[..]}`, `{and:[..]}`,
 * `{userParam: name}` (the parameter must equal the authenticated id, so a token never matches),
 * `{user: …}`.
 */
function checkPbs(check: Record<string, unknown>, id: Identity, access: AccessStore, params: Params): void {
	if (check.check && typeof check.check === 'object') {
		checkPbs(check.check as Record<string, unknown>, id, access, params);
		return;
	}
	if (typeof check.userParam === 'string') {
		if (String(params[check.userParam] ?? '') !== id.authId) throw forbidden('pbs', '');
		return;
	}
	if (typeof check.user === 'string') {
		if (check.user !== 'world' && check.user !== 'all' && check.user !== id.authId) throw forbidden('pbs', '');
		return;
	}
	if (Array.isArray(check.or)) {
		let first: unknown;
		for (const sub of check.or) {
			try {
				checkPbs(sub as Record<string, unknown>, id, access, params);
				return;
			} catch (e) {
				first ??= e;
			}
		}
		throw first ?? forbidden('pbs', '');
	}
	if (Array.isArray(check.and)) {
		for (const sub of check.and) checkPbs(sub as Record<string, unknown>, id, access, params);
		return;
	}
	if (!Array.isArray(check.path)) return;
	const path = '/' + (check.path as string[]).map((p) => substitute(p, params)).join('/');
	const privs = (check.privs as string[]) ?? [];
	const have = access.privileges(id.authId, path);
	const ok = check.partial ? privs.some((p) => have.has(p)) : privs.every((p) => have.has(p));
	if (!ok) throw forbidden('pbs', path);
}

/** Throws the 403 the real server answers when the schema's permission rule is not met. */
export function enforcePermissions(product: Product, info: MethodInfo, id: Identity, access: AccessStore, params: Params): void {
	const perms = info.permissions;
	if (perms?.user === 'world') return;
	if (product === 'pve' && id.authId === 'root@pam') return;
	if (!perms) throw forbidden(product, 'user != root@pam');
	if (perms.user === 'all' || perms.user === 'anybody') return;
	if (perms.user === 'root@pam') throw forbidden(product, 'user != root@pam');
	// PBS permissions may also be a top-level `{or: […]}` / `{and: […]}` (e.g. the token endpoints).
	const pbsTree = perms as Record<string, unknown>;
	const check = perms.check ?? (product === 'pbs' && (Array.isArray(pbsTree.or) || Array.isArray(pbsTree.and)) ? pbsTree : undefined);
	if (!check) throw forbidden(product, '');
	if (product === 'pve' && Array.isArray(check)) checkPve(check, id, access, params);
	else if (product === 'pbs' && !Array.isArray(check)) checkPbs(check, id, access, params);
}
