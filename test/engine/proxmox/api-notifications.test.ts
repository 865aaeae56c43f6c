/** API Call (schema catalogue) and Notification resources, the credential test, ticket auth and failover. */
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import type { ICredentialDataDecryptedObject, IDataObject, INodeListSearchResult } from 'n8n-workflow';

import { callNodeMethod, runNode, testCredential } from '../../helpers/engine';
import type { ProxmoxSimulator } from '../../simulators/proxmox';
import { locator, NODE, passwordCredentials, startSim, stopSim, tokenCredentials } from './setup';

let sim: ProxmoxSimulator;
let credentials: ReturnType<typeof tokenCredentials>;
beforeAll(async () => {
	sim = await startSim();
	credentials = tokenCredentials(sim);
});
afterAll(async () => await stopSim(sim));

const run = (resource: string, operation: string, parameters: Record<string, unknown> = {}, options: Record<string, unknown> = {}) =>
	runNode(NODE, { resource, operation, ...parameters } as never, { credentials, ...options });
const json = (items: Array<{ json: IDataObject }>) => items.map((i) => i.json);
const endpoint = (value: string) => ({ __rl: true, mode: 'path', value });

describe('API Call', () => {
	it('lists endpoints from the schema catalogue with description and parameters', async () => {
		const result = (await callNodeMethod(NODE, 'listSearch', 'searchEndpoints', {}, { credentials, filter: 'qemu snapshot rollback' })) as INodeListSearchResult;
		const entry = result.results.find((r) => r.value === 'POST /nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback');
		expect(entry).toBeDefined();
		expect(String(entry!.description)).toContain('Parameters:');
	});

	it('calls a template path with variables from the parameters, splitting arrays', async () => {
		const out = json(await run('apiCall', 'request', { endpoint: endpoint('GET /nodes/{node}/qemu'), parameters: '{"node":"pve1"}' }));
		expect(out.map((g) => Number(g.vmid))).toEqual(expect.arrayContaining([100, 101]));
	});

	it('calls a concrete path and keeps an object answer whole', async () => {
		const [out] = json(await run('apiCall', 'request', { endpoint: endpoint('GET /nodes/pve1/qemu/100/status/current'), parameters: '{}' }));
		expect((out.data as IDataObject).status).toBe('running');
	});

	it('rejects invalid parameters before sending, listing each problem', async () => {
		const error = (await run('apiCall', 'request', {
			endpoint: endpoint('POST /nodes/{node}/qemu/{vmid}/snapshot'),
			parameters: '{"node":"pve1","vmid":100,"vmstate":"maybe","bogus":1}',
		}).catch((e) => e)) as { message: string; description: string };
		expect(error.message).toMatch(/Invalid parameters for POST \/nodes\/\{node\}\/qemu\/\{vmid\}\/snapshot/);
		expect(error.description).toContain('snapname: required');
		expect(error.description).toContain('vmstate: must be a boolean');
		expect(error.description).toContain('bogus: not a parameter');
	});

	it('checks path variables against the schema too', async () => {
		await expect(run('apiCall', 'request', { endpoint: endpoint('GET /nodes/{node}/qemu/{vmid}/config'), parameters: '{"node":"pve1","vmid":"abc"}' })).rejects.toMatchObject({
			description: expect.stringContaining('vmid: must be an integer'),
		});
	});

	it('rejects endpoints that are not in the schema', async () => {
		await expect(run('apiCall', 'request', { endpoint: endpoint('GET /no/such/endpoint'), parameters: '{}' })).rejects.toThrow(/not in the Proxmox VE API schema/);
	});

	it('waits for tasks started through a write and classes DELETE as destructive for AI', async () => {
		const [snap] = json(
			await run('apiCall', 'request', { endpoint: endpoint('POST /nodes/{node}/qemu/{vmid}/snapshot'), parameters: '{"node":"pve1","vmid":101,"snapname":"api_snap"}' }),
		);
		expect(snap.success).toBe(true);
		await expect(
			run('apiCall', 'request', { endpoint: endpoint('DELETE /nodes/{node}/qemu/{vmid}/snapshot/{snapname}'), parameters: '{"node":"pve1","vmid":101,"snapname":"api_snap"}' }, { asTool: true }),
		).rejects.toThrow(/Refused/);
		const [deleted] = json(
			await run('apiCall', 'request', { endpoint: endpoint('DELETE /nodes/{node}/qemu/{vmid}/snapshot/{snapname}'), parameters: '{"node":"pve1","vmid":101,"snapname":"api_snap"}' }),
		);
		expect(deleted.success).toBe(true);
	});
});

describe('Notification', () => {
	it('creates a webhook target and a matcher, tests, updates and deletes them', async () => {
		const [target] = json(
			await run('notification', 'createTarget', {
				targetType: 'webhook',
				targetName: 'n8n_hook',
				url: 'http://127.0.0.1:9/webhook/proxmox',
				httpMethod: 'post',
				body: '{"title":{{ json title }} }',
				headers: { entry: [{ name: 'X-Token', value: '{{ secrets.token }}' }] },
				secrets: { entry: [{ name: 'token', value: 'hook-secret-value' }] },
				comment: 'from n8n',
			}),
		);
		expect(target).toMatchObject({ name: 'n8n_hook', url: 'http://127.0.0.1:9/webhook/proxmox' });
		expect(JSON.stringify(target)).not.toContain('hook-secret-value');
		expect(json(await run('notification', 'getTargets')).some((t) => t.name === 'n8n_hook')).toBe(true);

		const [matcher] = json(await run('notification', 'createMatcher', { matcherName: 'n8n_errors', targets: 'n8n_hook', severities: 'warning,error', fieldRules: 'exact:type=vzdump' }));
		expect(matcher.name).toBe('n8n_errors');
		expect(json(await run('notification', 'getMatchers')).some((m) => m.name === 'n8n_errors')).toBe(true);
		const [changed] = json(await run('notification', 'updateMatcher', { matcherName: 'n8n_errors', matcherComment: 'updated' }));
		expect(changed.comment).toBe('updated');

		const tested = await runNode(NODE, { resource: 'notification', operation: 'testTarget', targetName: 'n8n_hook' } as never, { credentials, continueOnFail: true });
		// Nothing listens on port 9: Proxmox reports the delivery error, which must surface.
		expect(tested[0].json.sent).toBeUndefined();
		expect(String(tested[0].json.error)).toMatch(/^could not notify via target\(s\): n8n_hook: /);
		expect(tested[0].json.httpCode).toBe('500');

		const [updated] = json(await run('notification', 'updateTarget', { targetType: 'webhook', targetName: 'n8n_hook', comment: 'changed', secrets: { entry: [{ name: 'token', value: 'hook-secret-value' }] } }));
		expect(updated.comment).toBe('changed');
		expect(json(await run('notification', 'deleteMatcher', { matcherName: 'n8n_errors' }))[0].deleted).toBe(true);
		expect(json(await run('notification', 'deleteTarget', { targetType: 'webhook', targetName: 'n8n_hook' }))[0].deleted).toBe(true);
	});

	it('tests a target: Proxmox delivers "Test notification" to a listening webhook', async () => {
		const received: Array<{ method?: string; url?: string; body: string }> = [];
		const receiver = createHttpServer((request, response) => {
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => {
				received.push({ method: request.method, url: request.url, body: Buffer.concat(chunks).toString('utf8') });
				response.end('ok');
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		try {
			const port = (receiver.address() as { port: number }).port;
			await run('notification', 'createTarget', { targetType: 'webhook', targetName: 'n8n_live', url: `http://127.0.0.1:${port}/hook`, httpMethod: 'post', body: '{"title":{{ json title }},"severity":"{{ severity }}"}' });
			const [tested] = json(await run('notification', 'testTarget', { targetName: 'n8n_live' }));
			expect(tested).toEqual({ name: 'n8n_live', sent: true });
			expect(received).toEqual([{ method: 'POST', url: '/hook', body: '{"title":"Test notification","severity":"info"}' }]);
			await expect(run('notification', 'testTarget', { targetName: 'no_such_target' })).rejects.toThrow("could not notify via target(s): no_such_target: target 'no_such_target' does not exist");
			await run('notification', 'deleteTarget', { targetType: 'webhook', targetName: 'n8n_live' });
		} finally {
			await new Promise((resolve) => receiver.close(resolve));
		}
	});

	it('creates a Gotify target', async () => {
		const [target] = json(await run('notification', 'createTarget', { targetType: 'gotify', targetName: 'gotify1', server: 'https://gotify.example.com', token: 'gotify-token' }));
		expect(target).toMatchObject({ name: 'gotify1', server: 'https://gotify.example.com' });
		expect(JSON.stringify(target)).not.toContain('gotify-token');
		await run('notification', 'deleteTarget', { targetType: 'gotify', targetName: 'gotify1' });
	});
});

describe('credential test', () => {
	const test = (data: ICredentialDataDecryptedObject) => testCredential(NODE, 'proxmoxMcpApiTest', 'proxmoxMcpApi', data);

	it('reports version and cluster on success (token and password)', async () => {
		const ok = await test(tokenCredentials(sim).proxmoxMcpApi);
		expect(ok.status).toBe('OK');
		expect(ok.message).toMatch(/Connected to Proxmox VE \S+ on 127\.0\.0\.1 \(cluster "simcluster", 3\/3 nodes online\)/);
		const byPassword = await test(passwordCredentials(sim).proxmoxMcpApi);
		expect(byPassword.status).toBe('OK');
	});

	it('reports a TLS mismatch with the presented fingerprint', async () => {
		const result = await test(tokenCredentials(sim, { fingerprint: 'BB'.repeat(32) }).proxmoxMcpApi);
		expect(result.status).toBe('Error');
		expect(result.message).toContain(sim.fingerprint);
		expect(result.message).toContain(`${sim.host}:${sim.port}`);
		expect(result.message).toMatch(/System > Certificates/);
	});

	it('reports a bad token, an unreachable host and a token without privileges', async () => {
		const bad = await test(tokenCredentials(sim, { tokenSecret: 'wrong-secret-0000' }).proxmoxMcpApi);
		expect(bad).toMatchObject({ status: 'Error' });
		expect(bad.message).toMatch(/Authentication failed on 127\.0\.0\.1:\d+: invalid token value! Check the token ID/);
		expect(bad.message).not.toMatch(/[.!?]\./);
		expect(bad.message).not.toContain('wrong-secret-0000');

		const unreachable = await test(tokenCredentials(sim, { hosts: '127.0.0.1:1' }).proxmoxMcpApi);
		expect(unreachable.message).toMatch(/unreachable/);

		const empty = sim.control.createToken('root@pam', 'noprivs', { privsep: true });
		const noPrivs = await test(tokenCredentials(sim, { tokenId: empty.tokenid, tokenSecret: empty.secret }).proxmoxMcpApi);
		expect(noPrivs.status).toBe('Error');
		expect(noPrivs.message).toMatch(/no privileges at all.*privilege separation/);
	});

	it('rejects a malformed token ID before connecting', async () => {
		const badId = await test(tokenCredentials(sim, { tokenId: 'root' }).proxmoxMcpApi);
		expect(badId.message).toMatch(/user@realm!tokenname/);
	});
});

describe('tickets, CSRF and failover', () => {
	it('logs in with user and password, writes with the CSRF token, and re-logs in once when the ticket expires mid-workflow', async () => {
		const creds = passwordCredentials(sim);
		const [first] = await runNode(NODE, { resource: 'vm', operation: 'get', guest: locator(100) } as never, { credentials: creds });
		expect(first.json.vmid).toBe(100);
		// The ticket expires right when the write arrives: the POST is refused with 401 before it
		// runs, so the client logs in again and sends it once more (with the new CSRF token).
		sim.control.injectFault({ method: 'POST', path: '/snapshot$', kind: 'expireTicket', times: 1 });
		const [snap] = await runNode(NODE, { resource: 'vm', operation: 'createSnapshot', guest: locator(100), snapname: 'after_expiry' } as never, { credentials: creds });
		expect(snap.json.success).toBe(true);
		expect(sim.control.getState().faults).toEqual([]);
		const snapshots = (sim.control.getState().guests as Array<{ vmid: number; snapshots: string[] }>).find((g) => g.vmid === 100)!.snapshots;
		expect(snapshots.filter((name) => name === 'after_expiry')).toHaveLength(1);
		await runNode(NODE, { resource: 'vm', operation: 'deleteSnapshot', guest: locator(100), snapshot: locator('after_expiry', 'name') } as never, { credentials: creds });
	});

	it('reports a wrong password without leaking it', async () => {
		const creds = passwordCredentials(sim, { password: 'not-the-password' });
		const error = (await runNode(NODE, { resource: 'vm', operation: 'getMany' } as never, { credentials: creds }).catch((e) => e)) as Error;
		expect(error.message).toMatch(/Login as root@pam .* failed/);
		expect(JSON.stringify(error)).not.toContain('not-the-password');
	});

	it('fails over to the next host when the first refuses connections, for reads and writes', async () => {
		const dead: Server = createServer();
		await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
		const deadPort = (dead.address() as { port: number }).port;
		await new Promise<void>((resolve) => dead.close(() => resolve()));
		const creds = tokenCredentials(sim, { hosts: `127.0.0.1:${deadPort}, 127.0.0.1:${sim.port}` });
		const out = await runNode(NODE, { resource: 'vm', operation: 'getMany' } as never, { credentials: creds });
		expect(out.length).toBeGreaterThan(0);
		const [snap] = await runNode(NODE, { resource: 'vm', operation: 'createSnapshot', guest: locator(103), snapname: 'failover' } as never, { credentials: creds });
		expect(snap.json.success).toBe(true);
	});

	it('fails over a read whose connection is reset, but never resends a write that may have arrived', async () => {
		const second = await startSim({ nodes: ['pve1', 'pve2', 'pve3'] });
		try {
			const creds = tokenCredentials(sim, { hosts: `127.0.0.1:${sim.port}, 127.0.0.1:${second.port}`, tlsMode: 'insecure' });
			sim.control.injectFault({ method: 'GET', path: '^/cluster/resources', kind: 'reset', times: 1 });
			const secondBefore = second.requests.length;
			const out = await runNode(NODE, { resource: 'vm', operation: 'getMany' } as never, { credentials: creds });
			expect(out.map((item) => item.json.vmid)).toEqual(expect.arrayContaining([100, 101, 102, 103, 104, 105]));
			// The reset read was answered by the second host.
			expect(second.requests.slice(secondBefore).map((r) => r.url)).toContain('/api2/json/cluster/resources?type=vm');
			second.control.injectFault({ method: 'POST', path: '/snapshot$', kind: 'reset', times: 1 });
			sim.control.injectFault({ method: 'POST', path: '/snapshot$', kind: 'reset', times: 1 });
			const result = await runNode(NODE, { resource: 'vm', operation: 'createSnapshot', guest: locator(103), snapname: 'once' } as never, { credentials: creds, continueOnFail: true });
			expect(result[0].json.error).toBeDefined();
			// Exactly one of the two simulators saw the POST: it was not repeated on the other.
			const faultsLeft = [sim, second].map((s) => ((s.control.getState().faults as unknown[]) ?? []).length);
			expect(faultsLeft.sort()).toEqual([0, 1]);
		} finally {
			await second.close();
		}
	});
});
