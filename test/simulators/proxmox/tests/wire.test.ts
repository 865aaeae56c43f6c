import { connect as tlsConnect } from 'tls';
import { X509Certificate, createHash } from 'crypto';
import { startProxmoxSimulator, type ProxmoxSimulator } from '../index';
import { call, pveToken, waitTask } from './rawClient';

describe('PVE wire behaviour', () => {
	let sim: ProxmoxSimulator;
	beforeAll(async () => {
		sim = await startProxmoxSimulator({ unauthorizedDelayMs: 0, taskSpeed: 100, idleTimeoutMs: 300 });
	});
	afterAll(() => sim.close());
	afterEach(() => sim.control.clearFaults());
	const token = pveToken();

	it('serves a node certificate signed by the cluster CA, with the printed fingerprint', async () => {
		const leaf = new X509Certificate(sim.certPem);
		expect(leaf.verify(new X509Certificate(sim.caPem).publicKey)).toBe(true);
		expect(new X509Certificate(sim.caPem).subject).toContain('CN=Proxmox Virtual Environment');
		expect(sim.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
		const presented = await new Promise<string>((resolve, reject) => {
			const s = tlsConnect({ host: sim.host, port: sim.port, rejectUnauthorized: false }, () => {
				const raw = s.getPeerCertificate().raw;
				s.destroy();
				resolve(createHash('sha256').update(raw).digest('hex').toUpperCase().match(/../g)!.join(':'));
			});
			s.on('error', reject);
		});
		expect(presented).toBe(sim.fingerprint);
		const info = await call(sim, 'GET', '/nodes/pve1/certificates/info', { token });
		expect(info.json.data.map((c: { filename: string }) => c.filename)).toEqual(['pve-root-ca.pem', 'pve-ssl.pem']);
		expect(info.json.data[1].fingerprint).toBe(sim.fingerprint);
	});

	it('rejects clients that do not trust the CA', async () => {
		await expect(call({ url: sim.url, caPem: '' }, 'GET', '/version', { token })).rejects.toThrow();
	});

	it('answers booleans as 0/1 and 501 for unknown methods or paths', async () => {
		const res = await call(sim, 'GET', '/cluster/status', { token });
		expect(res.headers.server).toBe('pve-api-daemon/3.0');
		expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
		const status = res.json.data;
		expect(status[1]).toMatchObject({ online: 1, local: 1 });
		const unknown = await call(sim, 'GET', '/nodes/pve1/bogus', { token });
		expect(unknown.status).toBe(501);
		expect(unknown.reason).toBe("Method 'GET /nodes/pve1/bogus' not implemented");
		const wrongMethod = await call(sim, 'PUT', '/version', { token });
		expect(wrongMethod.status).toBe(501);
		const outside = await call(sim, 'GET', '/_sim/../api3/x');
		expect([404, 501]).toContain(outside.status);
	});

	it('serves the extjs format: HTTP 200 with success, status and message in the body', async () => {
		const url = (p: string) => `/../extjs${p}`;
		const okRes = await call(sim, 'GET', url('/version'), { token });
		expect(okRes.status).toBe(200);
		expect(okRes.json).toMatchObject({ success: 1, data: { release: '9.1' } });
		const err = await call(sim, 'POST', url('/nodes/pve1/qemu/100/status/start'), { token: 'PVEAPIToken=root@pam!sim=00000000-0000-4000-8000-000000000000', form: { bogus: '1' } });
		expect(err.status).toBe(200);
		expect(err.json).toEqual({ data: null, success: 0, status: 400, message: 'Parameter verification failed.\n', errors: { bogus: 'property is not defined in schema and the schema does not allow additional properties' } });
	});

	it('merges query over body, accepts JSON bodies and takes DELETE parameters from the query', async () => {
		const r = await call(sim, 'POST', '/nodes/pve1/qemu/100/snapshot?snapname=fromquery', { token, form: { snapname: 'frombody' } });
		expect(r.status).toBe(200);
		await waitTask(sim, token, r.json.data);
		const j = await call(sim, 'POST', '/nodes/pve1/qemu/100/snapshot', { token, json: { snapname: 'fromjson', description: 'json body' } });
		expect(j.status).toBe(200);
		await waitTask(sim, token, j.json.data);
		const snaps = (await call(sim, 'GET', '/nodes/pve1/qemu/100/snapshot', { token })).json.data.map((s: { name: string }) => s.name);
		expect(snaps).toEqual(expect.arrayContaining(['fromquery', 'fromjson']));
		expect(snaps).not.toContain('frombody');
		const d = await call(sim, 'DELETE', '/nodes/pve1/qemu/100/snapshot/fromquery?force=1', { token });
		expect(d.status).toBe(200);
	});

	it('closes idle keep-alive connections after the idle timeout', async () => {
		const closedAfter = await new Promise<number>((resolve, reject) => {
			const s = tlsConnect({ host: sim.host, port: sim.port, ca: sim.caPem, servername: 'localhost' }, () => {
				s.write(`GET /api2/json/version HTTP/1.1\r\nHost: x\r\nAuthorization: ${token}\r\nConnection: keep-alive\r\n\r\n`);
			});
			let start = 0;
			s.on('data', () => (start ||= Date.now()));
			s.on('close', () => resolve(Date.now() - start));
			s.on('error', reject);
		});
		expect(closedAfter).toBeGreaterThanOrEqual(250);
		expect(closedAfter).toBeLessThan(3000);
	});

	it('injects latency, 5xx, HTML 502, malformed JSON, resets and hangs', async () => {
		sim.control.injectFault({ path: '^/version$', kind: 'latency', ms: 150, times: 1 });
		const t0 = Date.now();
		expect((await call(sim, 'GET', '/version', { token })).status).toBe(200);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(140);

		sim.control.injectFault({ path: '^/version$', kind: 'status', status: 503, message: 'Service Unavailable', times: 1 });
		const s = await call(sim, 'GET', '/version', { token });
		expect([s.status, s.reason]).toEqual([503, 'Service Unavailable']);
		expect((await call(sim, 'GET', '/version', { token })).status).toBe(200);

		sim.control.injectFault({ kind: 'html502', times: 1 });
		const h = await call(sim, 'GET', '/version', { token });
		expect(h.status).toBe(502);
		expect(h.headers['content-type']).toBe('text/html');
		expect(h.text).toContain('<title>502 Bad Gateway</title>');

		sim.control.injectFault({ method: 'GET', path: 'resources', kind: 'malformedJson', times: 1 });
		const m = await call(sim, 'GET', '/cluster/resources', { token });
		expect(m.status).toBe(200);
		expect(m.json).toBeUndefined();

		sim.control.injectFault({ kind: 'reset', times: 1 });
		await expect(call(sim, 'GET', '/version', { token })).rejects.toThrow(/ECONNRESET|socket hang up/);

		sim.control.injectFault({ kind: 'hang', times: 1 });
		const hung = await Promise.race([call(sim, 'GET', '/version', { token }).then(() => 'answered'), new Promise((res) => setTimeout(() => res('hung'), 300))]);
		expect(hung).toBe('hung');
	});

	it('expires every ticket on the expireTicket fault', async () => {
		const d = (await call(sim, 'POST', '/access/ticket', { form: { username: 'root@pam', password: 'simulator' } })).json.data;
		sim.control.injectFault({ kind: 'expireTicket', times: 1, path: '^/version$' });
		const r = await call(sim, 'GET', '/version', { headers: { Cookie: `PVEAuthCookie=${d.ticket}` } });
		expect(r.reason).toBe('permission denied - invalid PVE ticket');
		const fresh = (await call(sim, 'POST', '/access/ticket', { form: { username: 'root@pam', password: 'simulator' } })).json.data;
		expect((await call(sim, 'GET', '/version', { headers: { Cookie: `PVEAuthCookie=${fresh.ticket}` } })).status).toBe(200);
	});

	it('answers 596 for requests proxied to an offline node', async () => {
		sim.control.takeNodeOffline('pve3');
		const r = await call(sim, 'GET', '/nodes/pve3/qemu', { token });
		expect([r.status, r.reason]).toEqual([596, 'Connection timed out']);
		const nodes = (await call(sim, 'GET', '/nodes', { token })).json.data;
		expect(nodes.find((n: { node: string }) => n.node === 'pve3')).toEqual(expect.objectContaining({ status: 'offline' }));
		const missing = await call(sim, 'GET', '/nodes/pve9/qemu', { token });
		expect(missing.status).toBe(500);
		expect(missing.reason).toContain("hostname lookup 'pve9' failed");
		sim.control.bringNodeOnline('pve3');
		expect((await call(sim, 'GET', '/nodes/pve3/qemu', { token })).status).toBe(200);
	});

	it('offers the control API over HTTP', async () => {
		const r = await call(sim, 'POST', '/_sim/control/lockGuest', { json: [102, 'backup'] });
		expect(r.status).toBe(200);
		const state = await call(sim, 'GET', '/_sim/state');
		expect(state.json.data.guests.find((g: { vmid: number }) => g.vmid === 102).lock).toBe('backup');
		const bad = await call(sim, 'POST', '/_sim/control/noSuchThing', { json: [] });
		expect(bad.status).toBe(404);
		await call(sim, 'POST', '/_sim/control/lockGuest', { json: [102, null] });
	});
});

describe('PBS wire behaviour', () => {
	let sim: ProxmoxSimulator;
	beforeAll(async () => {
		sim = await startProxmoxSimulator({ product: 'pbs', unauthorizedDelayMs: 0 });
	});
	afterAll(() => sim.close());

	it('answers errors as plain text with standard reason phrases', async () => {
		const token = 'PBSAPIToken=root@pam!sim:00000000-0000-4000-8000-000000000000';
		const r = await call(sim, 'GET', '/admin/datastore/nope/snapshots', { token });
		expect([r.status, r.reason, r.text]).toEqual([400, 'Bad Request', "no such datastore 'nope'"]);
		const p = await call(sim, 'GET', '/admin/datastore/backup/snapshots?backup-type=disk', { token });
		expect(p.status).toBe(400);
		expect(p.text).toBe("parameter verification errors\n\nparameter 'backup-type': value 'disk' is not defined in the enumeration.");
		const unknown = await call(sim, 'GET', '/bogus', { token });
		expect([unknown.status, unknown.text]).toEqual([404, "Path '/api2/json/bogus' not found."]);
		const unauth = await call(sim, 'GET', '/version');
		expect(unauth.status).toBe(401);
	});
});
