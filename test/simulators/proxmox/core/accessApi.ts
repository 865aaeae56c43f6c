import { ApiError } from './errors';
import type { Call, HandlerRegistry, WorldBase } from './world';

/** Privileges per ACL path area, as `/access/ticket` returns them in `cap`. */
function capabilities(world: WorldBase, authId: string): Record<string, Record<string, number>> {
	const areas: Record<string, string> = { vms: '/vms', storage: '/storage', access: '/access', nodes: '/nodes', dc: '/', sdn: '/sdn', mapping: '/mapping' };
	const out: Record<string, Record<string, number>> = {};
	for (const [area, path] of Object.entries(areas)) {
		out[area] = {};
		const privs = world.access.privileges(authId, path);
		for (const p of privs) out[area][p] = 1;
	}
	return out;
}

/** POST /access/ticket: password login, or renewal by posting a valid ticket as the password. */
export function createTicket(call: Call): unknown {
	const w = call.world;
	const pve = w.product === 'pve';
	let username = String(call.params.username);
	if (call.params.realm && !username.includes('@')) username = `${username}@${call.params.realm}`;
	const password = String(call.params.password ?? '');
	const user = w.access.users.get(username);
	let ok = false;
	if (user && user.enable && (!user.expire || user.expire > w.clock.now())) {
		if (password.startsWith(pve ? 'PVE:' : 'PBS:')) ok = w.tickets.verify(password) === username;
		else ok = user.password !== undefined && user.password === password;
	}
	if (!ok) {
		const node = w.localNode;
		// pvedaemon logs failed logins at err level; fail2ban-style triggers key on this line.
		(w as WorldBase & { addSyslog?: (n: string, l: string, sev?: number) => void }).addSyslog?.(node, `pvedaemon[1390]: authentication failure; rhost=::ffff:127.0.0.1 user=${username} msg=${user ? 'Authentication failure' : `no such user ('${username}')`}`, 3);
		throw new ApiError(401, pve ? 'authentication failure' : 'permission check failed.');
	}
	if (call.params.path && call.params.privs) {
		const have = w.access.privileges(username, String(call.params.path));
		const wanted = String(call.params.privs).split(/[,;\s]+/).filter(Boolean);
		if (!wanted.every((p) => have.has(p))) throw new ApiError(401, pve ? 'authentication failure' : 'permission check failed.');
		return null;
	}
	const { ticket, csrf } = w.tickets.issue(username);
	if (!pve) return { username, ticket, CSRFPreventionToken: csrf };
	const res: Record<string, unknown> = { username, ticket, CSRFPreventionToken: csrf, cap: capabilities(w, username) };
	const nodes = (w as WorldBase & { cluster?: { nodes: Map<string, unknown>; name: string } }).cluster;
	if (nodes && nodes.nodes.size > 1) res.clustername = nodes.name;
	return res;
}

/** A path segment no ACL uses, to ask whether a privilege propagates below a path. */
const PROBE = '\u0000propagation-probe';

/**
 * Paths `/access/permissions` lists without `path`: PVE RPCEnvironment.pm `get_effective_permissions` (the
 * top-level paths, every ACL path and every pool member's `/vms/<id>` / `/storage/<id>`); PBS
 * src/api2/access/mod.rs `list_permissions` (every node of the ACL tree plus `/`, `/access`, `/datastore`,
 * `/remote`, `/system`). Paths without any privilege are left out by the caller.
 */
function permissionPaths(world: WorldBase): string[] {
	const paths = new Set<string>();
	const aclPaths = world.access.acl.map((e) => e.path);
	if (world.product === 'pbs') {
		for (const p of ['/', '/access', '/datastore', '/remote', '/system']) paths.add(p);
		for (const p of aclPaths) {
			const parts = p.split('/').filter(Boolean);
			for (let i = 1; i <= parts.length; i++) paths.add('/' + parts.slice(0, i).join('/'));
		}
	} else {
		for (const p of ['/', '/access', '/access/groups', '/nodes', '/pool', '/sdn', '/storage', '/vms', ...aclPaths]) paths.add(p);
		const pools = (world as WorldBase & { cluster?: { pools?: Map<string, { vms: number[]; storages: string[] }> } }).cluster?.pools;
		for (const pool of pools?.values() ?? []) {
			for (const vmid of pool.vms) paths.add(`/vms/${vmid}`);
			for (const s of pool.storages) paths.add(`/storage/${s}`);
		}
	}
	return [...paths].sort();
}

/** Token list entry: PVE `{tokenid, expire, privsep, comment}`; PBS ApiToken `{tokenid: user@realm!name, comment, enable, expire}` (no privsep). */
function tokenEntry(world: WorldBase, userid: string, t: { id: string; expire: number; privsep: 0 | 1; comment?: string }): Record<string, unknown> {
	if (world.product === 'pbs') return { tokenid: `${userid}!${t.id}`, comment: t.comment, enable: true, expire: t.expire };
	return { tokenid: t.id, expire: t.expire, privsep: t.privsep, comment: t.comment };
}

export function registerAccess<W extends WorldBase>(reg: HandlerRegistry<W>): void {
	reg.on('POST', '/access/ticket', createTicket as (c: Call<W>) => unknown);
	reg.on('GET', '/access/ticket', () => null);
	reg.on('GET', '/access/domains', (call) =>
		call.world.product === 'pve'
			? [
					{ realm: 'pam', type: 'pam', comment: 'Linux PAM standard authentication' },
					{ realm: 'pve', type: 'pve', comment: 'Proxmox VE authentication server' },
				]
			: [
					{ realm: 'pam', type: 'pam', comment: 'Linux PAM standard authentication' },
					{ realm: 'pbs', type: 'pbs', comment: 'Proxmox Backup authentication server' },
				],
	);
	reg.on('GET', '/access/permissions', (call) => {
		const authId = String(call.params.userid ?? call.identity.authId);
		if (authId !== call.identity.authId && !call.world.access.privileges(call.identity.authId, '/access').has(call.world.product === 'pve' ? 'Sys.Audit' : 'Sys.Audit')) {
			throw new ApiError(403, call.world.product === 'pve' ? 'Permission check failed (/access, Sys.Audit)' : 'permission check failed');
		}
		const pbs = call.world.product === 'pbs';
		const paths = call.params.path ? [String(call.params.path)] : permissionPaths(call.world);
		const out: Record<string, Record<string, number | boolean>> = {};
		for (const p of paths) {
			const privs = call.world.access.privileges(authId, p);
			if (!privs.size) continue;
			// The value is the propagate bit: whether the privilege also holds below the path.
			const below = call.world.access.privileges(authId, `${p === '/' ? '' : p}/${PROBE}`);
			out[p] = {};
			for (const x of [...privs].sort()) out[p][x] = pbs ? below.has(x) : below.has(x) ? 1 : 0;
		}
		return out;
	});
	reg.on('GET', '/access/acl', (call) =>
		call.world.access.acl.map((e) => (call.world.product === 'pve' ? { path: e.path, roleid: e.roleid, type: e.type, ugid: e.ugid, propagate: e.propagate } : { path: e.path, roleid: e.roleid, ugid_type: e.type === 'group' ? 'group' : 'user', ugid: e.ugid, propagate: !!e.propagate })),
	);
	reg.on('PUT', '/access/acl', (call) => {
		const p = call.params;
		const roles = String(p.roles ?? p.role ?? '').split(/[,;\s]+/).filter(Boolean);
		const ids = [...String(p.users ?? '').split(/[,;\s]+/), ...String(p.tokens ?? '').split(/[,;\s]+/), ...String(p.groups ?? p.group ?? '').split(/[,;\s]+/), String(p['auth-id'] ?? '')].filter(Boolean);
		for (const r of roles) if (!call.world.access.roles[r]) throw new ApiError(400, `role '${r}' does not exist`);
		for (const role of roles) for (const id of ids) {
			if (p.delete === 1) call.world.access.removeAcl(String(p.path), role, id);
			else call.world.access.setAcl(String(p.path), role, id, p.propagate === 0 ? 0 : 1);
		}
		return null;
	});
	reg.on('GET', '/access/roles', (call) => Object.entries(call.world.access.roles).map(([roleid, privs]) => (call.world.product === 'pve' ? { roleid, privs: privs.join(','), special: 1 } : { roleid, comment: '' })));
	reg.on('GET', '/access/users', (call) =>
		[...call.world.access.users.values()].map((u) => ({ userid: u.userid, enable: u.enable, expire: u.expire, firstname: u.firstname, lastname: u.lastname, email: u.email, comment: u.comment, realm_type: u.userid.split('@')[1], tokens: [...u.tokens.values()].map((t) => tokenEntry(call.world, u.userid, t)) })).map((u) => JSON.parse(JSON.stringify(u))),
	);
	reg.on('GET', '/access/users/{userid}/token', (call) => {
		const u = call.world.access.users.get(String(call.params.userid));
		if (!u) throw new ApiError(500, `no such user ('${call.params.userid}')`);
		return [...u.tokens.values()].map((t) => tokenEntry(call.world, u.userid, t)).map((x) => JSON.parse(JSON.stringify(x)));
	});
	// PVE names the variable {tokenid}, PBS {token-name} (PBS: src/api2/access/user.rs).
	const tokenName = (call: Call<W>) => String(call.params.tokenid ?? call.params['token-name']);
	const createTokenHandler = (call: Call<W>) => {
		const userid = String(call.params.userid);
		if (!call.world.access.users.get(userid)) throw new ApiError(500, `no such user ('${userid}')`);
		const id = tokenName(call);
		if (call.world.access.users.get(userid)?.tokens.has(id)) throw new ApiError(500, `Token already exists.`);
		const t = call.world.access.createToken(userid, id, { privsep: call.params.privsep === undefined ? true : call.params.privsep === 1, expire: Number(call.params.expire ?? 0), comment: call.params.comment as string | undefined });
		// PBS answers `{tokenid, value}` (proxmox-backup src/api2/access/user.rs, generate_token);
		// PVE `{full-tokenid, info, value}` (PVE::API2::User, generate_token).
		if (call.world.product === 'pbs') return { tokenid: `${userid}!${id}`, value: t.secret };
		return { 'full-tokenid': `${userid}!${id}`, info: { privsep: t.privsep, expire: t.expire }, value: t.secret };
	};
	const deleteTokenHandler = (call: Call<W>) => {
		const u = call.world.access.users.get(String(call.params.userid));
		if (!u?.tokens.delete(tokenName(call))) throw new ApiError(500, `no such token '${tokenName(call)}' for user '${call.params.userid}'`);
		return null;
	};
	for (const template of ['/access/users/{userid}/token/{tokenid}', '/access/users/{userid}/token/{token-name}']) {
		reg.on('POST', template, createTokenHandler);
		reg.on('DELETE', template, deleteTokenHandler);
	}
	reg.on('POST', '/access/users', (call) => {
		const userid = String(call.params.userid);
		if (call.world.access.users.has(userid)) throw new ApiError(500, `create user failed: user '${userid}' already exists`);
		call.world.access.createUser(userid, call.params.password as string | undefined, { email: call.params.email as string | undefined, comment: call.params.comment as string | undefined, groups: String(call.params.groups ?? '').split(',').filter(Boolean) });
		return null;
	});
}
