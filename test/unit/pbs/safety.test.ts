/**
 * PBS API Call classes and secret masking (issue 16 extended to the PBS node): the shared
 * classifier (nodes/shared/actions/apiCallSafety.ts) with the PBS rule table. Endpoints from the
 * PBS 4 schema catalogue (proxmox-backup src/api2).
 */
import { PBS_API_RULES, PBS_DESTRUCTIVE_RULES } from '../../../nodes/ProxmoxBackupServer/helpers/apiCallSafety';
import { PBS_CATALOGUE } from '../../../nodes/ProxmoxBackupServer/helpers/catalogue';
import { classifyApiCall, maskApiAnswer, maskSecretFields } from '../../../nodes/shared/actions/apiCallSafety';
import { schemaPattern, validateParams } from '../../../nodes/shared/actions/catalogue';
import type { SafetyVerdict } from '../../../nodes/shared/aiGuard';

const safety = (verdict: SafetyVerdict) => (typeof verdict === 'string' ? verdict : verdict.safety);
const classOf = (method: string, path: string, params: Record<string, unknown> = {}, known = true) => safety(classifyApiCall(PBS_API_RULES, method, path, params, known));

describe('PBS API Call classes', () => {
	it('follows the curated operations', () => {
		expect(classOf('DELETE', '/admin/datastore/{store}/snapshots')).toBe('destructive');
		expect(classOf('DELETE', '/admin/datastore/{store}/groups')).toBe('destructive');
		expect(classOf('DELETE', '/admin/datastore/{store}/namespace')).toBe('destructive');
		expect(classOf('DELETE', '/nodes/{node}/tasks/{upid}')).toBe('destructive');
		expect(classOf('POST', '/admin/datastore/{store}/prune', { 'backup-type': 'vm', 'backup-id': '100', 'keep-last': 1 })).toBe('destructive');
		expect(classOf('POST', '/admin/datastore/{store}/prune-datastore', { 'keep-daily': 7 })).toBe('destructive');
		expect(classOf('POST', '/admin/prune/{id}/run')).toBe('destructive');
		// Prune > Simulate is a read: the same endpoint with dry-run changes nothing.
		expect(classOf('POST', '/admin/datastore/{store}/prune', { 'backup-type': 'vm', 'backup-id': '100', 'keep-last': 1, 'dry-run': true })).toBe('write');
		expect(classOf('POST', '/admin/datastore/{store}/gc')).toBe('write');
		expect(classOf('POST', '/admin/datastore/{store}/verify')).toBe('write');
		expect(classOf('POST', '/admin/sync/{id}/run')).toBe('write');
		expect(classOf('PUT', '/admin/datastore/{store}/protected', { protected: false })).toBe('write');
		expect(classOf('POST', '/admin/datastore/{store}/namespace', { name: 'x' })).toBe('write');
		expect(classOf('GET', '/admin/datastore/{store}/snapshots')).toBe('read');
	});

	it('permissions, secrets, certificates, network, disks, remotes and shells are destructive', () => {
		expect(classOf('PUT', '/access/acl', { path: '/', role: 'Admin', 'auth-id': 'evil@pbs' })).toBe('destructive');
		expect(classOf('POST', '/access/users/{userid}/token/{token-name}')).toBe('destructive');
		expect(classOf('PUT', '/access/users/{userid}/token/{token-name}', { regenerate: true })).toBe('destructive');
		expect(classOf('PUT', '/access/password', { userid: 'root@pam', password: 'x' })).toBe('destructive');
		expect(classOf('POST', '/access/tfa/{userid}')).toBe('destructive');
		expect(classOf('PUT', '/config/access/ldap/{realm}')).toBe('destructive');
		expect(classOf('POST', '/config/acme/account')).toBe('destructive');
		expect(classOf('POST', '/nodes/{node}/certificates/custom')).toBe('destructive');
		expect(classOf('PUT', '/nodes/{node}/network/{iface}')).toBe('destructive');
		expect(classOf('PUT', '/nodes/{node}/dns')).toBe('destructive');
		expect(classOf('PUT', '/nodes/{node}/disks/wipedisk')).toBe('destructive');
		expect(classOf('PUT', '/config/remote/{name}', { password: 'x' })).toBe('destructive');
		expect(classOf('POST', '/nodes/{node}/termproxy')).toBe('destructive');
		expect(classOf('GET', '/nodes/{node}/vncwebsocket')).toBe('destructive');
		expect(classOf('POST', '/nodes/{node}/status', { command: 'reboot' })).toBe('destructive');
		expect(classOf('POST', '/config/encryption-keys')).toBe('destructive');
	});

	it('reading files out of a backup is destructive and stays gated in a dry run (byReading)', () => {
		for (const path of ['/admin/datastore/{store}/download', '/admin/datastore/{store}/download-decoded', '/admin/datastore/{store}/pxar-file-download']) {
			expect(classifyApiCall(PBS_API_RULES, 'GET', path, { 'file-name': 'root.pxar.didx' }, true)).toMatchObject({ safety: 'destructive', byReading: true });
		}
		expect(classOf('GET', '/admin/datastore/{store}/files')).toBe('read');
	});

	it('a write that sets retention or removes vanished snapshots is destructive', () => {
		expect(classifyApiCall(PBS_API_RULES, 'PUT', '/config/datastore/{name}', { 'keep-daily': 1 }, true)).toEqual({ safety: 'destructive', reason: 'sets keep-daily, which prunes older snapshots' });
		expect(classOf('POST', '/config/prune', { id: 'p1', store: 'backup', schedule: 'daily', 'keep-last': 1 })).toBe('destructive');
		expect(classOf('PUT', '/config/datastore/{name}', { 'prune-schedule': 'hourly' })).toBe('destructive');
		expect(classOf('POST', '/config/sync', { 'remove-vanished': true })).toBe('destructive');
		expect(classOf('POST', '/pull', { 'remove-vanished': 1 })).toBe('destructive');
		expect(classOf('POST', '/config/sync', { 'remove-vanished': false })).toBe('write');
		// dry-run only spares the prune endpoints.
		expect(classOf('PUT', '/config/prune/{id}', { 'keep-last': 1, 'dry-run': true })).toBe('destructive');
		expect(classOf('PUT', '/config/datastore/{name}', { comment: 'x' })).toBe('write');
		expect(classOf('POST', '/config/datastore', { name: 'x', path: '/mnt/x', 'reuse-datastore': true })).toBe('destructive');
	});

	it('an endpoint missing from the catalogue is destructive unless it is a GET', () => {
		expect(classOf('POST', '/admin/new-thing', {}, false)).toBe('destructive');
		expect(classOf('GET', '/admin/new-thing', {}, false)).toBe('read');
	});

	it('every write of the schema under /access, /config/access, /config/acme, certificates, network, disks and remotes is destructive', () => {
		const { endpoints } = PBS_CATALOGUE.load();
		const sensitive = /^\/(access|config\/access|config\/acme|config\/remote|config\/s3)(\/|$)|^\/nodes\/\{node\}\/(certificates|network|dns|disks|termproxy)(\/|$)/;
		const writes = endpoints.filter((e) => e.m !== 'GET' && sensitive.test(e.p));
		expect(writes.length).toBeGreaterThan(40);
		expect(writes.filter((e) => classOf(e.m, e.p) !== 'destructive').map((e) => `${e.m} ${e.p}`)).toEqual([]);
	});

	it('every rule matches an endpoint of the PBS schema (no dead rules)', () => {
		const { endpoints } = PBS_CATALOGUE.load();
		const dead = PBS_DESTRUCTIVE_RULES.filter((rule) => !endpoints.some((e) => (rule.methods ?? ['POST', 'PUT']).includes(e.m) && rule.path.test(e.p)));
		expect(dead.map((rule) => rule.path.source)).toEqual([]);
	});
});

describe('PBS API Call answers', () => {
	it('masks the new token secret (`value`, proxmox-backup src/api2/access/user.rs) and secret-named fields', () => {
		expect(maskApiAnswer(PBS_API_RULES, { tokenid: 'root@pam!ai', value: 'c3a0f4d8-secret' }, '/access/users/{userid}/token/{token-name}')).toEqual({ tokenid: 'root@pam!ai', value: '***' });
		expect(maskApiAnswer(PBS_API_RULES, [{ name: 'offsite', host: 'pbs2', password: 'p', 'secret-key': 'k', 'access-key': 'a' }], '/config/remote')).toEqual([
			{ name: 'offsite', host: 'pbs2', password: '***', 'secret-key': '***', 'access-key': 'a' },
		]);
		expect(maskApiAnswer(PBS_API_RULES, { ticket: 'PBS:root@pam:…', CSRFPreventionToken: 'x', username: 'root@pam' }, '/access/ticket')).toEqual({ ticket: '***', CSRFPreventionToken: '***', username: 'root@pam' });
		expect(maskApiAnswer(PBS_API_RULES, { value: 'stays' }, '/admin/datastore/{store}/status')).toEqual({ value: 'stays' });
	});

	it('every PBS operation output is masked by the router (maskSecretFields), nested fields too', () => {
		expect(maskSecretFields({ name: 'offsite', auth: { password: 'p', 'api-token': 't' }, 'encryption-key': 'key-id', fingerprint: 'aa:bb', keep: true })).toEqual({
			name: 'offsite',
			auth: { password: '***', 'api-token': '***' },
			'encryption-key': 'key-id',
			fingerprint: 'aa:bb',
			keep: true,
		});
	});
});

describe('PBS schema patterns with POSIX classes', () => {
	it('reads [:cntrl:] and [[:^cntrl:]] as PBS (Rust regex) does, so valid user and token ids pass', () => {
		const userid = schemaPattern('^(?:[^\\s:/[:cntrl:]]+)@(?:[A-Za-z0-9_][A-Za-z0-9._\\-]*)$');
		expect(['root@pam', 'n8n@pbs'].map((id) => userid?.test(id))).toEqual([true, true]);
		expect(['ro ot@pam', 'a\u0001b@pam', 'a/b@pam', 'root'].map((id) => userid?.test(id))).toEqual([false, false, false, false]);
		const comment = schemaPattern('^[[:^cntrl:]]*$');
		expect([comment?.test('a comment'), comment?.test('two\nlines')]).toEqual([true, false]);
		expect(schemaPattern('^[[:alpha:]]+$')).toBeUndefined();
	});

	it('PUT /access/acl with an auth-id validates against the PBS schema', () => {
		const found = PBS_CATALOGUE.find('PUT', '/access/acl');
		expect(found && validateParams(found.endpoint, { path: '/', role: 'Admin', 'auth-id': 'root@pam!ai' })).toEqual([]);
		expect(found && validateParams(found.endpoint, { path: '/', role: 'Admin', 'auth-id': 'root pam' })).toEqual([expect.stringMatching(/^auth-id: does not match /)]);
	});
});
