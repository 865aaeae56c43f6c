/** PBS pieces of the shared client and the PBS node: version text, privileges, error bodies, ids. */
import { apiErrorFromResponse, pbsGrantCommand, pbsPermissionHint, pbsRequirementFromPermission, pbsVersionText, toNodeError } from '../../../nodes/shared/proxmox';
import { Redactor } from '../../../nodes/shared/transport';
import { pbsRequirement } from '../../../nodes/ProxmoxBackupServer/helpers/catalogue';
import { checkStore, parseGroup, parseSnapshot, snapshotPath } from '../../../nodes/ProxmoxBackupServer/helpers/ids';
import { bool, snapshotItem } from '../../../nodes/ProxmoxBackupServer/helpers/format';

const node = { id: '1', name: 'PBS', type: 'n8n-nodes-proxmox-mcp.proxmoxBackupServer', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };

describe('PBS version', () => {
	it('joins the real /version answer (version 4.0, release 18) into 4.0.18', () => {
		// proxmox-backup src/api2/version.rs: version = major.minor, release = package release.
		expect(pbsVersionText({ version: '4.0', release: '18', repoid: 'abc' } as never)).toBe('4.0.18');
	});
	it('keeps a full version as is', () => {
		expect(pbsVersionText({ version: '4.0.18', release: '4.0' })).toBe('4.0.18');
	});
});

describe('PBS privileges', () => {
	it('reads a schema check object and fills the path', () => {
		expect(pbsRequirementFromPermission('{"partial":false,"path":["datastore","{store}"],"privs":["Datastore.Modify"]}', { store: 'backup' })).toEqual({
			path: '/datastore/backup',
			privileges: ['Datastore.Modify'],
		});
	});
	it('reads a description with DATASTORE_* names and the optional namespace', () => {
		const text = 'Requires on /datastore/{store}[/{namespace}] either DATASTORE_MODIFY for any or DATASTORE_PRUNE and being the owner of the group';
		expect(pbsRequirementFromPermission(text, { store: 'backup' })).toEqual({ path: '/datastore/backup', privileges: ['Datastore.Modify', 'Datastore.Prune'] });
		expect(pbsRequirementFromPermission(text, { store: 'backup', ns: 'a/b' })?.path).toBe('/datastore/backup/a/b');
	});
	it('finds the requirement of a concrete path in the PBS catalogue', () => {
		expect(pbsRequirement('POST', '/admin/datastore/backup/gc')).toEqual({ path: '/datastore/backup', privileges: ['Datastore.Modify'] });
		expect(pbsRequirement('GET', '/config/remote/offsite')).toEqual({ path: '/remote/offsite', privileges: ['Remote.Audit'] });
	});
	it('grants the least role holding the privilege', () => {
		expect(pbsGrantCommand('/datastore/backup', 'Datastore.Verify', 'n8n@pbs!auto')).toBe("proxmox-backup-manager acl update /datastore/backup DatastoreReader --auth-id 'n8n@pbs!auto'");
		expect(pbsGrantCommand('/datastore/backup', 'Datastore.Prune', 'n8n@pbs')).toContain('DatastorePowerUser');
		expect(pbsPermissionHint(undefined, 'n8n@pbs!auto', true)).toContain('proxmox-backup-manager acl list');
	});
});

describe('PBS error bodies', () => {
	const response = (status: number, statusText: string, body: string) => ({
		status,
		statusText,
		text: () => body,
		json: <T>() => {
			try {
				return JSON.parse(body) as T;
			} catch {
				return undefined;
			}
		},
	});

	it('takes the message from the plain body and the parameters from its lines', () => {
		const error = apiErrorFromResponse(
			response(400, 'Bad Request', "parameter verification errors\n\nparameter 'timeframe': value 'fortnight' is not defined in the enumeration."),
			{ method: 'GET', path: '/admin/datastore/backup/rrd', host: 'pbs' },
			new Redactor([]),
		);
		expect(error.message).toBe('parameter verification errors');
		expect(error.parameterErrors).toEqual({ timeframe: "value 'fortnight' is not defined in the enumeration." });
		expect(toNodeError(node, error).message).toContain('timeframe');
	});

	it('keeps a one-line PBS error', () => {
		const error = apiErrorFromResponse(response(400, 'Bad Request', "no such datastore 'x'"), { method: 'GET', path: '/x', host: 'pbs' }, new Redactor([]));
		expect(error.message).toBe("no such datastore 'x'");
	});
});

describe('PBS ids', () => {
	it('checks datastore names', () => {
		expect(checkStore('backup')).toBeUndefined();
		expect(checkStore('ab')).toMatch(/not a datastore name/);
		expect(checkStore('../x')).toMatch(/not a datastore name/);
	});
	it('parses groups and snapshots, rejecting path tricks', () => {
		expect(parseGroup('vm/100')).toEqual({ 'backup-type': 'vm', 'backup-id': '100' });
		expect(parseGroup('vm/../100')).toBeUndefined();
		expect(parseGroup('qemu/100')).toBeUndefined();
		expect(parseSnapshot('ct/200/2025-01-31T03:00:00Z')).toEqual({ 'backup-type': 'ct', 'backup-id': '200', 'backup-time': 1738292400 });
		expect(parseSnapshot('host/web01/1738292400')).toEqual({ 'backup-type': 'host', 'backup-id': 'web01', 'backup-time': 1738292400 });
		expect(parseSnapshot('vm/100/yesterday')).toBeUndefined();
		expect(snapshotPath('vm', '100', 1738292400)).toBe('vm/100/2025-01-31T03:00:00Z');
	});
});

describe('PBS answers', () => {
	it('reads JSON booleans (real PBS) and 0/1 alike', () => {
		expect([bool(true), bool(1), bool(false), bool(0), bool(undefined)]).toEqual([true, true, false, false, false]);
	});
	it('shapes a snapshot with verify state and encryption', () => {
		const item = snapshotItem('backup', '', {
			'backup-type': 'vm',
			'backup-id': '100',
			'backup-time': 1738292400,
			protected: true,
			verification: { state: 'failed', upid: 'UPID:x' },
			files: [{ filename: 'drive-scsi0.img.fidx', size: 10, 'crypt-mode': 'encrypt' }],
		}, 1738292400_000 + 7200_000);
		expect(item).toMatchObject({ snapshot: 'vm/100/2025-01-31T03:00:00Z', ageHours: 2, protected: true, verifyState: 'failed', encrypted: true, size: 10 });
	});
});
