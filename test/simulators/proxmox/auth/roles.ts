/**
 * Built-in roles. PVE's are composed from privilege groups (pve-access-control AccessControl.pm:
 * root/admin/user/audit per area); PBS's are the fixed role table of pbs-api-types.
 */
const PVE_PRIVS = {
	VM: {
		root: [] as string[],
		admin: ['VM.Config.Disk', 'VM.Config.CPU', 'VM.Config.Memory', 'VM.Config.Network', 'VM.Config.HWType', 'VM.Config.Options', 'VM.Allocate', 'VM.Clone', 'VM.Migrate', 'VM.Snapshot', 'VM.Snapshot.Rollback', 'VM.Replicate', 'VM.GuestAgent.Unrestricted', 'VM.GuestAgent.FileRead', 'VM.GuestAgent.FileWrite', 'VM.GuestAgent.FileSystemMgmt'],
		user: ['VM.Config.CDROM', 'VM.Config.Cloudinit', 'VM.Console', 'VM.Backup', 'VM.PowerMgmt'],
		audit: ['VM.Audit', 'VM.GuestAgent.Audit'],
	},
	Sys: { root: ['Sys.PowerMgmt', 'Sys.Modify', 'Sys.Incoming', 'Sys.AccessNetwork'], admin: ['Sys.Console', 'Sys.Syslog'], user: [] as string[], audit: ['Sys.Audit'] },
	Datastore: { root: [] as string[], admin: ['Datastore.Allocate', 'Datastore.AllocateTemplate'], user: ['Datastore.AllocateSpace'], audit: ['Datastore.Audit'] },
	SDN: { root: [] as string[], admin: ['SDN.Allocate'], user: ['SDN.Use'], audit: ['SDN.Audit'] },
	User: { root: ['Realm.Allocate'], admin: ['User.Modify', 'Group.Allocate', 'Realm.AllocateUser'], user: [] as string[], audit: [] as string[] },
	Pool: { root: [] as string[], admin: ['Pool.Allocate'], user: [] as string[], audit: ['Pool.Audit'] },
	Mapping: { root: [] as string[], admin: ['Mapping.Modify'], user: ['Mapping.Use'], audit: ['Mapping.Audit'] },
};
type Area = keyof typeof PVE_PRIVS;
type Level = 'root' | 'admin' | 'user' | 'audit';

const collect = (areas: Area[], levels: Level[]) => areas.flatMap((a) => levels.flatMap((l) => PVE_PRIVS[a][l]));
const ALL_AREAS = Object.keys(PVE_PRIVS) as Area[];

export const PVE_ALL_PRIVS = [...collect(ALL_AREAS, ['root', 'admin', 'user', 'audit']), 'Permissions.Modify'];

export const PVE_ROLES: Record<string, string[]> = {
	Administrator: PVE_ALL_PRIVS,
	NoAccess: [],
	PVEAdmin: collect(ALL_AREAS, ['admin', 'user', 'audit']),
	PVEAuditor: collect(ALL_AREAS, ['audit']),
	PVEVMAdmin: collect(['VM'], ['admin', 'user', 'audit']),
	PVEVMUser: collect(['VM'], ['user', 'audit']),
	PVEUserAdmin: collect(['User'], ['admin', 'user', 'audit']),
	PVEDatastoreAdmin: collect(['Datastore'], ['admin', 'user', 'audit']),
	PVEDatastoreUser: collect(['Datastore'], ['user', 'audit']),
	PVEPoolAdmin: collect(['Pool'], ['admin', 'user', 'audit']),
	PVEPoolUser: collect(['Pool'], ['audit']),
	PVESysAdmin: [...collect(['Sys'], ['admin', 'user', 'audit']), 'Sys.Audit'],
	PVESDNAdmin: collect(['SDN'], ['admin', 'user', 'audit']),
	PVESDNUser: collect(['SDN'], ['user', 'audit']),
	PVETemplateUser: ['VM.Clone', 'VM.Audit'],
	PVEMappingAdmin: collect(['Mapping'], ['admin', 'user', 'audit']),
	PVEMappingUser: collect(['Mapping'], ['user', 'audit']),
};

export const PBS_ALL_PRIVS = [
	'Sys.Audit', 'Sys.Modify', 'Sys.PowerManagement', 'Sys.Console',
	'Datastore.Audit', 'Datastore.Allocate', 'Datastore.Modify', 'Datastore.Read', 'Datastore.Verify', 'Datastore.Backup', 'Datastore.Prune',
	'Permissions.Modify', 'Remote.Audit', 'Remote.Modify', 'Remote.Read', 'Remote.Prune', 'Realm.Allocate',
	'Tape.Audit', 'Tape.Modify', 'Tape.Write', 'Tape.Read',
];

export const PBS_ROLES: Record<string, string[]> = {
	Admin: PBS_ALL_PRIVS,
	NoAccess: [],
	Audit: ['Sys.Audit', 'Datastore.Audit', 'Remote.Audit', 'Tape.Audit'],
	DatastoreAdmin: ['Datastore.Audit', 'Datastore.Modify', 'Datastore.Read', 'Datastore.Verify', 'Datastore.Backup', 'Datastore.Prune'],
	DatastoreReader: ['Datastore.Audit', 'Datastore.Read', 'Datastore.Verify'],
	DatastoreBackup: ['Datastore.Backup'],
	DatastorePowerUser: ['Datastore.Prune', 'Datastore.Backup'],
	DatastoreAudit: ['Datastore.Audit'],
	RemoteAdmin: ['Remote.Audit', 'Remote.Modify', 'Remote.Read'],
	RemoteAudit: ['Remote.Audit'],
	RemoteSyncOperator: ['Remote.Audit', 'Remote.Read'],
	RemoteSyncPushOperator: ['Remote.Audit', 'Remote.Read'],
	TapeAdmin: ['Tape.Audit', 'Tape.Modify', 'Tape.Write', 'Tape.Read'],
	TapeAudit: ['Tape.Audit'],
	TapeOperator: ['Tape.Audit', 'Tape.Read', 'Tape.Write'],
	TapeReader: ['Tape.Audit', 'Tape.Read'],
};
