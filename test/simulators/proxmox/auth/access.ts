import { randomUUID } from 'crypto';
import type { Product } from '../schema/types';
import { PBS_ALL_PRIVS, PBS_ROLES, PVE_ALL_PRIVS, PVE_ROLES } from './roles';

export interface Token {
	id: string;
	secret: string;
	privsep: 0 | 1;
	expire: number;
	comment?: string;
}

export interface User {
	userid: string;
	password?: string;
	enable: 0 | 1;
	expire: number;
	groups: string[];
	tokens: Map<string, Token>;
	firstname?: string;
	lastname?: string;
	email?: string;
	comment?: string;
}

export interface AclEntry {
	path: string;
	roleid: string;
	/** user id, `@group`-less group name, or token id `user@realm!name`. */
	ugid: string;
	type: 'user' | 'group' | 'token';
	propagate: 0 | 1;
}

/** Users, tokens, groups and ACLs, with Proxmox's permission propagation (deeper paths override). */
export class AccessStore {
	readonly users = new Map<string, User>();
	readonly groups = new Map<string, { comment?: string }>();
	readonly acl: AclEntry[] = [];
	readonly roles: Record<string, string[]>;
	readonly allPrivs: string[];
	/** Pool a VM or storage path belongs to: its `/pool/<id>` roles are added to the object's (PVE pools). */
	poolOf: (path: string) => string | undefined = () => undefined;

	constructor(readonly product: Product) {
		this.roles = { ...(product === 'pve' ? PVE_ROLES : PBS_ROLES) };
		this.allPrivs = product === 'pve' ? PVE_ALL_PRIVS : PBS_ALL_PRIVS;
	}

	createUser(userid: string, password?: string, extra: Partial<User> = {}): User {
		const user: User = { userid, password, enable: 1, expire: 0, groups: [], tokens: new Map(), ...extra };
		this.users.set(userid, user);
		return user;
	}

	createToken(userid: string, id: string, opts: { secret?: string; privsep?: boolean | 0 | 1; expire?: number; comment?: string } = {}): Token {
		const user = this.users.get(userid) ?? this.createUser(userid);
		const token: Token = {
			id,
			secret: opts.secret ?? randomUUID(),
			privsep: opts.privsep === undefined ? 1 : opts.privsep ? 1 : 0,
			expire: opts.expire ?? 0,
			comment: opts.comment,
		};
		user.tokens.set(id, token);
		return token;
	}

	setAcl(path: string, roleid: string, ugid: string, propagate: 0 | 1 = 1): void {
		const type: AclEntry['type'] = ugid.includes('!') ? 'token' : ugid.includes('@') ? 'user' : 'group';
		const existing = this.acl.findIndex((e) => e.path === normalizePath(path) && e.ugid === ugid && e.roleid === roleid);
		if (existing >= 0) this.acl.splice(existing, 1);
		this.acl.push({ path: normalizePath(path), roleid, ugid, type, propagate });
	}

	removeAcl(path: string, roleid: string, ugid: string): void {
		const i = this.acl.findIndex((e) => e.path === normalizePath(path) && e.ugid === ugid && e.roleid === roleid);
		if (i >= 0) this.acl.splice(i, 1);
	}

	isSuperuser(authId: string): boolean {
		return authId === 'root@pam';
	}

	/** Effective privileges of a user or token on a path. */
	privileges(authId: string, path: string): Set<string> {
		const [userid, tokenName] = authId.split('!');
		const userPrivs = this.isSuperuser(userid) ? new Set(this.allPrivs) : this.aclPrivs(userid, path, false);
		if (!tokenName) return userPrivs;
		const token = this.users.get(userid)?.tokens.get(tokenName);
		if (!token) return new Set();
		if (!token.privsep) return userPrivs;
		const tokenPrivs = this.aclPrivs(authId, path, true);
		return new Set([...tokenPrivs].filter((p) => userPrivs.has(p)));
	}

	private aclPrivs(ugid: string, path: string, isToken: boolean): Set<string> {
		const own = this.pathPrivs(ugid, path, isToken);
		const pool = this.poolOf(normalizePath(path));
		if (pool) for (const p of this.pathPrivs(ugid, `/pool/${pool}`, isToken)) own.add(p);
		return own;
	}

	private pathPrivs(ugid: string, path: string, isToken: boolean): Set<string> {
		const groups = isToken ? [] : (this.users.get(ugid)?.groups ?? []);
		const parts = normalizePath(path).split('/').filter(Boolean);
		let roles: string[] = [];
		for (let depth = 0; depth <= parts.length; depth++) {
			const p = '/' + parts.slice(0, depth).join('/');
			const exact = depth === parts.length;
			const applies = (e: AclEntry) => e.path === p && (exact || e.propagate === 1);
			const direct = this.acl.filter((e) => applies(e) && e.ugid === ugid);
			const viaGroup = this.acl.filter((e) => applies(e) && e.type === 'group' && groups.includes(e.ugid));
			// User entries override group entries on the same level; any entry overrides the parent level.
			if (direct.length) roles = direct.map((e) => e.roleid);
			else if (viaGroup.length) roles = viaGroup.map((e) => e.roleid);
		}
		return new Set(roles.flatMap((r) => this.roles[r] ?? []));
	}

	/** True when the auth id holds a privilege anywhere at or below the path (for `any`/partial checks). */
	hasAnyBelow(authId: string, path: string, privs: string[]): boolean {
		const base = normalizePath(path);
		const paths = new Set([base, ...this.acl.map((e) => e.path).filter((p) => p.startsWith(base === '/' ? '/' : base + '/'))]);
		for (const p of paths) {
			const have = this.privileges(authId, p);
			if (privs.some((x) => have.has(x))) return true;
		}
		return false;
	}
}

export function normalizePath(path: string): string {
	const clean = '/' + path.split('/').filter(Boolean).join('/');
	return clean;
}
