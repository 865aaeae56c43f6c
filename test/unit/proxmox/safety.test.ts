/** Path checks, API Call classification, config change classes and secret masking (issue 16). */
import { apiCallSafety, maskSecrets } from '../../../nodes/Proxmox/helpers/apiCallSafety';
import { configChangeSafety } from '../../../nodes/Proxmox/helpers/configSafety';
import { readRefusal } from '../../../nodes/Proxmox/actions/vm/agentFileRead.operation';
import { apiPath, assertSafeApiPath, nodeNameProblem, vmidProblem } from '../../../nodes/shared/proxmox';

const safety = (verdict: ReturnType<typeof apiCallSafety>) => (typeof verdict === 'string' ? verdict : verdict.safety);

describe('path values', () => {
	it.each(['', '.', '..', '%2e%2e', '.%2E', 'a/../b', '..\\x', '%252e%252e'])('apiPath refuses %j', (value) => {
		expect(() => apiPath`/nodes/${value}/status`).toThrow(/^Refused ".*" as part of an API path: it (is empty|contains a "\." or "\.\." path segment)$/);
	});

	it('apiPath encodes everything else, including ? # / and long values', () => {
		expect(apiPath`/nodes/${'pve1'}/storage/${'local'}/content/${'local:backup/vzdump-qemu-100.vma.zst'}`).toBe('/nodes/pve1/storage/local/content/local%3Abackup%2Fvzdump-qemu-100.vma.zst');
		expect(apiPath`/x/${'a?b#c'}`).toBe('/x/a%3Fb%23c');
		expect(apiPath`/x/${'y'.repeat(5000)}`).toHaveLength(5003);
	});

	it.each(['/nodes/../status', '/nodes/%2E%2e/status', '/nodes//status', '/nodes/pve1/', 'nodes/pve1', '/nodes/pve1?x=1', '/nodes/a#b', '/nodes/a\\..\\b', '/nodes/a b'])(
		'the client refuses API path %j',
		(path) => {
			expect(() => assertSafeApiPath(path)).toThrow(/^Refused API path/);
		},
	);

	it('the client accepts encoded values', () => {
		expect(() => assertSafeApiPath('/nodes/pve1/tasks/UPID%3Apve1%3A0000%3A%3A')).not.toThrow();
	});

	it('checks node names and VMIDs as PVE does', () => {
		expect(nodeNameProblem('pve1')).toBeUndefined();
		expect(nodeNameProblem('pve-1')).toBeUndefined();
		expect(nodeNameProblem('..')).toBe('is not a node name (letters, digits and "-", as PVE\'s pve-node format)');
		expect(nodeNameProblem('-pve')).toBeDefined();
		expect(nodeNameProblem('pve.example.com')).toBeDefined();
		expect(vmidProblem('100')).toBeUndefined();
		expect(vmidProblem(999999999)).toBeUndefined();
		expect(vmidProblem('99')).toBe('is not a VMID (a whole number from 100 to 999999999)');
		expect(vmidProblem('1000000000')).toBeDefined();
		expect(vmidProblem('1e3')).toBeDefined();
	});
});

describe('API Call classes', () => {
	const known = (method: string, path: string, params: Record<string, unknown> = {}) => safety(apiCallSafety(method, path, params, true));

	it('follows the curated operations', () => {
		expect(known('POST', '/nodes/{node}/qemu/{vmid}/status/stop')).toBe('destructive');
		expect(known('POST', '/nodes/{node}/lxc/{vmid}/status/stop')).toBe('destructive');
		expect(known('POST', '/nodes/{node}/qemu/{vmid}/status/reset')).toBe('destructive');
		expect(known('POST', '/nodes/{node}/qemu/{vmid}/status/shutdown')).toBe('write');
		expect(known('POST', '/nodes/{node}/qemu/{vmid}/status/shutdown', { forceStop: 1 })).toBe('destructive');
		expect(known('POST', '/nodes/{node}/qemu/{vmid}/status/start')).toBe('write');
		expect(known('POST', '/nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback')).toBe('destructive');
		expect(known('POST', '/nodes/{node}/qemu/{vmid}/template')).toBe('destructive');
		expect(known('POST', '/nodes/{node}/qemu/{vmid}/agent/exec')).toBe('destructive');
		expect(known('POST', '/nodes/{node}/qemu/{vmid}/agent/ping')).toBe('write');
		expect(known('POST', '/nodes/{node}/qemu/{vmid}/migrate')).toBe('write');
		expect(known('POST', '/nodes/{node}/qemu', { vmid: 100, archive: 'local:backup/x.vma.zst', force: 1 })).toBe('destructive');
		expect(known('POST', '/nodes/{node}/qemu', { vmid: 150 })).toBe('write');
		expect(known('DELETE', '/nodes/{node}/tasks/{upid}')).toBe('destructive');
		expect(known('DELETE', '/nodes/{node}/storage/{storage}/content/{volume}')).toBe('destructive');
	});

	it('classes permissions, network, firewall, disks, consoles and batches destructive', () => {
		for (const [method, path] of [
			['PUT', '/access/acl'],
			['POST', '/access/users'],
			['PUT', '/access/password'],
			['POST', '/access/users/{userid}/token/{tokenid}'],
			['POST', '/access/tfa/{userid}'],
			['POST', '/access/domains'],
			['POST', '/access/ticket'],
			['PUT', '/pools/{poolid}'],
			['PUT', '/cluster/firewall/options'],
			['POST', '/nodes/{node}/qemu/{vmid}/firewall/rules'],
			['POST', '/nodes/{node}/network'],
			['PUT', '/cluster/sdn'],
			['POST', '/nodes/{node}/disks/zfs'],
			['PUT', '/nodes/{node}/disks/wipedisk'],
			['POST', '/nodes/{node}/termproxy'],
			['POST', '/nodes/{node}/qemu/{vmid}/vncproxy'],
			['POST', '/nodes/{node}/execute'],
			['POST', '/nodes/{node}/status'],
			['POST', '/nodes/{node}/stopall'],
			['POST', '/nodes/{node}/services/{service}/stop'],
			['PUT', '/nodes/{node}/qemu/{vmid}/sendkey'],
		]) {
			expect([method, path, known(method, path)]).toEqual([method, path, 'destructive']);
		}
		expect(safety(apiCallSafety('GET', '/nodes/{node}/qemu/{vmid}/agent/file-read', { file: '/etc/shadow' }, true))).toBe('destructive');
		expect(apiCallSafety('GET', '/nodes/{node}/qemu/{vmid}/agent/file-read', {}, true)).toMatchObject({ byReading: true });
	});

	it('classes config writes from their parameters, concrete paths too', () => {
		expect(known('PUT', '/nodes/pve1/qemu/100/config', { delete: 'scsi0' })).toBe('destructive');
		expect(known('POST', '/nodes/{node}/qemu/{vmid}/config', { virtio1: 'local-lvm:10' })).toBe('destructive');
		expect(known('PUT', '/nodes/{node}/lxc/{vmid}/config', { delete: 'mp0,tags' })).toBe('destructive');
		expect(known('PUT', '/nodes/{node}/qemu/{vmid}/config', { tags: 'a', memory: 4096 })).toBe('write');
	});

	it('classes retention settings destructive wherever they are written', () => {
		expect(known('POST', '/cluster/backup', { schedule: '21:00', 'prune-backups': 'keep-last=1' })).toBe('destructive');
		expect(known('POST', '/nodes/{node}/vzdump', { vmid: '100', 'prune-backups': 'keep-last=1' })).toBe('destructive');
		expect(known('PUT', '/storage/{storage}', { maxfiles: 1 })).toBe('destructive');
		expect(known('POST', '/cluster/backup', { schedule: '21:00', storage: 'local' })).toBe('write');
	});

	it('reads stay reads; unknown writes are destructive', () => {
		expect(known('GET', '/access/users')).toBe('read');
		expect(known('GET', '/nodes/{node}/qemu/{vmid}/config')).toBe('read');
		expect(safety(apiCallSafety('POST', '/nodes/pve1/new-thing', {}, false))).toBe('destructive');
		expect(safety(apiCallSafety('GET', '/nodes/pve1/new-thing', {}, false))).toBe('read');
	});
});

describe('config change classes', () => {
	it('judges shrinking against the current configuration', () => {
		expect(configChangeSafety('qemu', { memory: 1024 }, { memory: 4096 })).toEqual({ safety: 'destructive', reason: 'shrinks memory (4096 → 1024)' });
		expect(configChangeSafety('qemu', { memory: 8192, cores: 4 }, { memory: 4096, cores: 2 })).toBe('write');
		expect(configChangeSafety('lxc', { swap: 0 }, { swap: 512 })).toMatchObject({ safety: 'destructive' });
		expect(configChangeSafety('qemu', { delete: 'memory' })).toMatchObject({ safety: 'destructive', reason: 'resets memory to the default, which may be smaller' });
		expect(configChangeSafety('qemu', { delete: 'unused0' })).toMatchObject({ safety: 'destructive', reason: 'removes disk(s) unused0' });
		expect(configChangeSafety('lxc', { rootfs: 'local-lvm:4' })).toMatchObject({ safety: 'destructive' });
	});
});

describe('secret masking', () => {
	it('masks a new token value, tickets, CSRF tokens and passwords at any depth', () => {
		expect(maskSecrets({ 'full-tokenid': 'root@pam!x', info: { privsep: 0 }, value: '5f0c…' }, '/access/users/{userid}/token/{tokenid}')).toEqual({
			'full-tokenid': 'root@pam!x',
			info: { privsep: 0 },
			value: '***',
		});
		expect(maskSecrets({ ticket: 'PVE:root@pam:…', CSRFPreventionToken: 'abc:def', username: 'root@pam' }, '/access/ticket')).toEqual({
			ticket: '***',
			CSRFPreventionToken: '***',
			username: 'root@pam',
		});
		expect(maskSecrets([{ name: 'x', config: { password: 'p', 'smtp-password': 'q' } }], '/x')).toEqual([{ name: 'x', config: { password: '***', 'smtp-password': '***' } }]);
		expect(maskSecrets({ value: 'stays' }, '/nodes/{node}/qemu/{vmid}/config')).toEqual({ value: 'stays' });
		expect(maskSecrets({ cipassword: 'x', ciuser: 'debian', key: 'pve2c-123', tokenid: 'ro' }, '/x')).toEqual({ cipassword: '***', ciuser: 'debian', key: '***', tokenid: 'ro' });
	});
});

describe('Guest Agent Read File allow-list', () => {
	it('reads listed files and folders only, with plain absolute paths', () => {
		const list = ['/etc/os-release', '/var/log/app/', 'C:\\logs\\'];
		expect(readRefusal('/etc/os-release', list)).toBeUndefined();
		expect(readRefusal('/var/log/app/today.log', list)).toBeUndefined();
		expect(readRefusal('C:\\logs\\a.txt', list)).toBeUndefined();
		expect(readRefusal('/etc/shadow', list)).toBe('"/etc/shadow" is not on the node\'s "AI Readable Paths"');
		expect(readRefusal('/var/log/app/../../../etc/shadow', list)).toMatch(/is not a plain absolute path/);
		expect(readRefusal('/var/log/app//x', list)).toMatch(/is not a plain absolute path/);
		expect(readRefusal('etc/os-release', list)).toMatch(/is not a plain absolute path/);
		expect(readRefusal('/var/log/application.log', list)).toMatch(/is not on/);
	});
});
