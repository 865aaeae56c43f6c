import { startProxmoxSimulator, type ProxmoxSimulator } from '../index';
import { call, pbsToken, pveToken } from './rawClient';

describe('PVE authentication and permissions', () => {
	let sim: ProxmoxSimulator;
	beforeAll(async () => {
		sim = await startProxmoxSimulator({ unauthorizedDelayMs: 120, taskSpeed: 100 });
	});
	afterAll(() => sim.close());

	const login = async (username = 'root@pam', password = 'simulator') => (await call(sim, 'POST', '/access/ticket', { form: { username, password } })).json.data;

	it('answers 401 with the real reason phrase and no body, after the unauthorized delay', async () => {
		const t0 = Date.now();
		const r = await call(sim, 'GET', '/nodes');
		expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
		expect(r.status).toBe(401);
		expect(r.reason).toBe('No ticket');
		expect(r.text).toBe('');
		const bad = await call(sim, 'GET', '/nodes', { token: pveToken('wrong') });
		expect(bad.reason).toBe('invalid token value!');
		const unknown = await call(sim, 'GET', '/nodes', { token: 'PVEAPIToken=root@pam!nope=x' });
		expect(unknown.reason).toBe("no such token 'nope' for user 'root@pam'");
		const pbsStyle = await call(sim, 'GET', '/nodes', { token: 'PBSAPIToken=root@pam!sim:00000000-0000-4000-8000-000000000000' });
		expect(pbsStyle.status).toBe(401);
	});

	it('logs in with a password, returns ticket, CSRF token, cluster name and capabilities', async () => {
		const d = await login();
		expect(d.username).toBe('root@pam');
		expect(d.ticket).toMatch(/^PVE:root@pam:[0-9A-F]{8}::.+$/);
		expect(d.CSRFPreventionToken).toMatch(/^[0-9A-F]{8}:.+$/);
		expect(d.clustername).toBe('simcluster');
		expect(d.cap.vms['VM.PowerMgmt']).toBe(1);
		const wrong = await call(sim, 'POST', '/access/ticket', { form: { username: 'root@pam', password: 'nope' } });
		expect(wrong.status).toBe(401);
		expect(wrong.reason).toBe('authentication failure');
	});

	it('requires the CSRF token on writes made with a ticket, not on reads', async () => {
		const d = await login();
		const cookie = { Cookie: `PVEAuthCookie=${encodeURIComponent(d.ticket)}` };
		expect((await call(sim, 'GET', '/version', { headers: cookie })).status).toBe(200);
		const noCsrf = await call(sim, 'POST', '/nodes/pve1/qemu/100/snapshot', { headers: cookie, form: { snapname: 'snap1' } });
		expect(noCsrf.status).toBe(401);
		expect(noCsrf.reason).toBe('Permission denied - invalid csrf token');
		const ok = await call(sim, 'POST', '/nodes/pve1/qemu/100/snapshot', { headers: { ...cookie, CSRFPreventionToken: d.CSRFPreventionToken }, form: { snapname: 'snap1' } });
		expect(ok.status).toBe(200);
		expect(ok.json.data).toMatch(/^UPID:pve1:/);
	});

	it('expires tickets after their lifetime and renews them by posting the ticket as password', async () => {
		const d = await login();
		const renewed = await call(sim, 'POST', '/access/ticket', { form: { username: 'root@pam', password: d.ticket } });
		expect(renewed.status).toBe(200);
		sim.control.advanceClock(7201);
		const expired = await call(sim, 'GET', '/version', { headers: { Cookie: `PVEAuthCookie=${d.ticket}` } });
		expect(expired.status).toBe(401);
		expect(expired.reason).toBe('permission denied - invalid PVE ticket');
		const late = await call(sim, 'POST', '/access/ticket', { form: { username: 'root@pam', password: d.ticket } });
		expect(late.status).toBe(401);
	});

	it('enforces built-in roles and words 403 like pveproxy', async () => {
		sim.control.createUser('auditor@pve', 'pw');
		sim.control.setAcl('/', 'PVEAuditor', 'auditor@pve');
		const tok = sim.control.createToken('auditor@pve', 'ro', { privsep: false });
		const auth = `PVEAPIToken=${tok.tokenid}=${tok.secret}`;
		expect((await call(sim, 'GET', '/nodes/pve1/qemu', { token: auth })).json.data.length).toBeGreaterThan(0);
		const denied = await call(sim, 'POST', '/nodes/pve1/qemu/100/status/stop', { token: auth });
		expect(denied.status).toBe(403);
		expect(denied.reason).toBe('Permission check failed (/vms/100, VM.PowerMgmt)');
		expect(denied.json).toEqual({ data: null, message: 'Permission check failed (/vms/100, VM.PowerMgmt)\n' });

		sim.control.createUser('operator@pve', 'pw');
		sim.control.setAcl('/vms/100', 'PVEVMUser', 'operator@pve');
		const op = sim.control.createToken('operator@pve', 'op', { privsep: false });
		const opAuth = `PVEAPIToken=${op.tokenid}=${op.secret}`;
		expect((await call(sim, 'POST', '/nodes/pve1/qemu/100/status/reboot', { token: opAuth })).status).toBe(200);
		expect((await call(sim, 'POST', '/nodes/pve1/qemu/101/status/reboot', { token: opAuth })).reason).toBe('Permission check failed (/vms/101, VM.PowerMgmt)');
		expect((await call(sim, 'POST', '/nodes/pve1/qemu/100/config', { token: opAuth, form: { cores: 4 } })).reason).toBe('Permission check failed (/vms/100, VM.Config.CPU)');
		// Only the VMs the caller may audit are listed.
		const list = (await call(sim, 'GET', '/cluster/resources?type=vm', { token: opAuth })).json.data;
		expect(list.map((r: { vmid: number }) => r.vmid)).toEqual([100]);
	});

	it('separates token privileges: a new privsep token has none until an ACL grants them, capped by the user', async () => {
		const tok = sim.control.createToken('root@pam', 'limited');
		const auth = `PVEAPIToken=${tok.tokenid}=${tok.secret}`;
		expect((await call(sim, 'GET', '/nodes/pve1/qemu', { token: auth })).json.data).toEqual([]);
		sim.control.setAcl('/vms/101', 'PVEVMAdmin', tok.tokenid);
		expect((await call(sim, 'GET', '/nodes/pve1/qemu', { token: auth })).json.data.map((g: { vmid: number }) => g.vmid)).toEqual([101]);
		sim.control.createUser('weak@pve');
		sim.control.setAcl('/', 'PVEAuditor', 'weak@pve');
		const weak = sim.control.createToken('weak@pve', 'admin', { acl: [{ path: '/', roleid: 'Administrator' }] });
		const r = await call(sim, 'POST', '/nodes/pve1/qemu/100/status/stop', { token: `PVEAPIToken=${weak.tokenid}=${weak.secret}` });
		expect(r.reason).toBe('Permission check failed (/vms/100, VM.PowerMgmt)');
	});

	it('grants a pool ACL on the pool members', async () => {
		const tok = sim.control.createToken('root@pam', 'pool-op');
		sim.control.setAcl('/pool/production', 'PVEVMUser', tok.tokenid);
		const auth = `PVEAPIToken=${tok.tokenid}=${tok.secret}`;
		const vms = (await call(sim, 'GET', '/cluster/resources?type=vm', { token: auth })).json.data;
		expect(vms.map((v: { vmid: number; pool: string }) => [v.vmid, v.pool])).toEqual([[100, 'production'], [101, 'production'], [200, 'production']]);
		expect((await call(sim, 'POST', '/nodes/pve2/qemu/103/status/reboot', { token: auth })).status).toBe(403);
		await call(sim, 'PUT', '/pools', { token: pveToken(), form: { poolid: 'production', vms: '103' } });
		expect((await call(sim, 'GET', '/nodes/pve2/qemu/103/status/current', { token: auth })).status).toBe(200);
		const pool = (await call(sim, 'GET', '/pools/production', { token: pveToken() })).json.data;
		expect(pool.members.map((m: { id: string }) => m.id)).toEqual(['qemu/100', 'qemu/101', 'lxc/200', 'qemu/103']);
		const notEmpty = await call(sim, 'DELETE', '/pools?poolid=production', { token: pveToken() });
		expect(notEmpty.reason).toBe("pool 'production' is not empty");
	});

	it('answers /access/permissions for the caller', async () => {
		const tok = sim.control.createToken('root@pam', 'perm-check');
		sim.control.setAcl('/storage/local', 'PVEDatastoreUser', tok.tokenid);
		const r = await call(sim, 'GET', '/access/permissions', { token: `PVEAPIToken=${tok.tokenid}=${tok.secret}` });
		expect(r.json.data['/storage/local']).toEqual({ 'Datastore.AllocateSpace': 1, 'Datastore.Audit': 1 });
	});
});

describe('PBS authentication', () => {
	let sim: ProxmoxSimulator;
	beforeAll(async () => {
		sim = await startProxmoxSimulator({ product: 'pbs', unauthorizedDelayMs: 0 });
	});
	afterAll(() => sim.close());

	it('accepts PBSAPIToken with the colon separator and PBSAuthCookie tickets', async () => {
		expect((await call(sim, 'GET', '/version', { token: pbsToken() })).status).toBe(200);
		expect((await call(sim, 'GET', '/version', { token: pveToken() })).status).toBe(401);
		const login = await call(sim, 'POST', '/access/ticket', { form: { username: 'root@pam', password: 'simulator' } });
		expect(login.json.data.ticket).toMatch(/^PBS:root@pam:[0-9A-F]{8}::/);
		expect((await call(sim, 'GET', '/admin/datastore', { headers: { Cookie: `PBSAuthCookie=${encodeURIComponent(login.json.data.ticket)}` } })).status).toBe(200);
		const wrong = await call(sim, 'POST', '/access/ticket', { form: { username: 'root@pam', password: 'nope' } });
		expect([wrong.status, wrong.text]).toEqual([401, 'permission check failed.']);
	});

	it('applies PBS roles on datastore paths', async () => {
		const tok = sim.control.createToken('root@pam', 'audit');
		sim.control.setAcl('/datastore/backup', 'DatastoreAudit', tok.tokenid);
		const auth = `PBSAPIToken=${tok.tokenid}:${tok.secret}`;
		expect((await call(sim, 'GET', '/admin/datastore/backup/snapshots', { token: auth })).status).toBe(200);
		const gc = await call(sim, 'POST', '/admin/datastore/backup/gc', { token: auth });
		expect(gc.status).toBe(403);
		expect(gc.text).toBe('permission check failed');
	});
});
