/**
 * Proxmox Backup Server privileges. A PBS 403 says only "permission check failed" (proxmox-rest-server
 * answers without naming the privilege), so the package names it from the API schema's permission
 * rule and gives the `proxmox-backup-manager` command that grants the least role holding it
 * (roles: pbs-api-types src/acl.rs; command: PBS docs user-management.rst, "Access Control").
 */

/** The smallest built-in PBS role containing each privilege. */
export const PBS_LEAST_ROLE: Record<string, string> = {
	'Datastore.Audit': 'DatastoreAudit',
	'Datastore.Backup': 'DatastoreBackup',
	'Datastore.Prune': 'DatastorePowerUser',
	'Datastore.Read': 'DatastoreReader',
	'Datastore.Verify': 'DatastoreReader',
	'Datastore.Modify': 'DatastoreAdmin',
	'Datastore.Allocate': 'Admin',
	'Remote.Audit': 'RemoteAudit',
	'Remote.Read': 'RemoteSyncOperator',
	'Remote.Modify': 'RemoteAdmin',
	'Sys.Audit': 'Audit',
	'Sys.Modify': 'Admin',
	'Sys.PowerManagement': 'Admin',
};

export interface PbsRequirement {
	/** ACL path, e.g. /datastore/backup. */
	path: string;
	/** Any one of these privileges is enough (the schema's "either … or …"). */
	privileges: string[];
}

function privilegeName(text: string): string {
	// DATASTORE_AUDIT (the schema's descriptions) -> Datastore.Audit
	const match = /^([A-Z]+)_([A-Z_]+)$/.exec(text);
	if (!match) return text;
	const cap = (word: string) => word.charAt(0) + word.slice(1).toLowerCase();
	return `${cap(match[1])}.${match[2].split('_').map(cap).join('')}`;
}

function fill(path: string, variables: Record<string, unknown>): string {
	return path
		.replace(/\[\/\{(ns|namespace)\}\]/g, () => (variables.ns ? `/${String(variables.ns)}` : ''))
		.replace(/\{([^}]+)\}/g, (whole, name: string) => (variables[name] !== undefined && variables[name] !== '' ? String(variables[name]) : whole));
}

/**
 * Reads the privilege an endpoint needs from the catalogue's permission text: either the schema's
 * check object as JSON (`{"partial":false,"path":["datastore","{store}"],"privs":["Datastore.Modify"]}`)
 * or its description ("Requires on /datastore/{store}[/{namespace}] either DATASTORE_AUDIT …").
 */
export function pbsRequirementFromPermission(permission: string | undefined, variables: Record<string, unknown> = {}): PbsRequirement | undefined {
	if (!permission) return undefined;
	if (permission.trim().startsWith('{')) {
		try {
			const check = JSON.parse(permission) as { path?: string[]; privs?: string[]; and?: unknown[]; or?: unknown[] };
			const first = (check.and?.[0] ?? check.or?.[0] ?? check) as { path?: string[]; privs?: string[] };
			if (Array.isArray(first.path) && Array.isArray(first.privs)) {
				return { path: fill(`/${first.path.join('/')}`, variables), privileges: first.privs };
			}
		} catch {
			// Not JSON after all: read it as text below.
		}
	}
	const privileges = [...new Set((permission.match(/\b(?:Datastore|Sys|Remote)\.[A-Za-z]+\b|\b(?:DATASTORE|SYS|REMOTE)_[A-Z_]+\b/g) ?? []).map(privilegeName))];
	if (!privileges.length) return undefined;
	const pathMatch = /(\/(?:datastore|remote|system)(?:\/[^\s,'"]*)?)/.exec(permission);
	const fallback = privileges[0].startsWith('Remote') ? '/remote' : privileges[0].startsWith('Sys') ? '/system' : '/datastore';
	return { path: fill(pathMatch ? pathMatch[1].replace(/'$/, '') : fallback, variables), privileges };
}

/** `proxmox-backup-manager acl update <path> <role> --auth-id <id>` for the privilege. */
export function pbsGrantCommand(path: string, privilege: string, authId: string): string {
	const role = PBS_LEAST_ROLE[privilege] ?? 'Admin';
	return `proxmox-backup-manager acl update ${path} ${role} --auth-id '${authId}'`;
}

/** The sentence shown with a PBS 403: what is missing, and the command that grants it. */
export function pbsPermissionHint(requirement: PbsRequirement | undefined, authId: string, isToken: boolean): string {
	const tokenNote = isToken ? ' An API token with privilege separation needs the ACL on the token itself, not only on its user.' : '';
	if (!requirement) {
		return `The ${isToken ? 'API token' : 'user'} ${authId} lacks a privilege for this call. Check its ACLs: proxmox-backup-manager acl list.${tokenNote}`;
	}
	const privs = requirement.privileges.join(' or ');
	return `The ${isToken ? 'API token' : 'user'} ${authId} lacks ${privs} on ${requirement.path}. Grant it with: ${pbsGrantCommand(requirement.path, requirement.privileges[0], authId)}.${tokenNote}`;
}
