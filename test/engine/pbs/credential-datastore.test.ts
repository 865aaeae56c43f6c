/**
 * Proxmox Backup Server: the credential's Test button, API Call, errors (403 naming the privilege
 * with the proxmox-backup-manager command, 400 naming the parameter), datastores and namespaces.
 */
import type { IDataObject, INodeListSearchResult } from 'n8n-workflow';

import { callNodeMethod, testCredential } from '../../helpers/engine';
import type { ProxmoxSimulator } from '../../simulators/proxmox';
import { locator, NODE, pbsPassword, pbsToken, runner, startPbs, stopSim, type PbsCredentials } from './setup';

let sim: ProxmoxSimulator;
beforeAll(async () => {
	sim = await startPbs();
});
afterAll(async () => await stopSim(sim));
const run = runner(() => pbsToken(sim));
const store = locator('backup');
const endpoint = (value: string) => ({ __rl: true, mode: 'path', value });
const credentialTest = async (credentials: PbsCredentials) => await testCredential(NODE, 'proxmoxMcpPbsApiTest', 'proxmoxMcpPbsApi', credentials.proxmoxMcpPbsApi);

/**
 * A token with privilege separation holding only the given role on /datastore/backup. Its user may
 * do everything: with privilege separation a token gets the intersection of both (PBS docs,
 * user-management.rst "API Tokens").
 */
function limitedToken(name: string, role?: string): PbsCredentials {
	const token = sim.control.createToken('n8n@pbs', name, { privsep: true, acl: role ? [{ path: '/datastore/backup', roleid: role }] : [] });
	sim.control.setAcl('/', 'Admin', 'n8n@pbs');
	return pbsToken(sim, { tokenId: token.tokenid, tokenSecret: token.secret });
}

describe('credential test', () => {
	it('reports the version and the visible datastores (API token, PBSAPIToken with ":")', async () => {
		const result = await credentialTest(pbsToken(sim));
		expect(result.status).toBe('OK');
		expect(result.message).toMatch(/Connected to Proxmox Backup Server 4\.\d+\.\d+ on 127\.0\.0\.1 \(datastores: backup\)/);
	});

	it('logs in with user and password (PBSAuthCookie ticket) and a custom CA', async () => {
		const result = await credentialTest(pbsPassword(sim));
		expect(result).toMatchObject({ status: 'OK' });
	});

	it('writes with a ticket: PBSAuthCookie plus CSRFPreventionToken', async () => {
		const runPassword = runner(() => pbsPassword(sim));
		const [created] = await runPassword('namespace', 'create', { store, name: 'ticket-ns' });
		expect(created).toMatchObject({ ns: 'ticket-ns', created: true });
		await runPassword('namespace', 'delete', { store, namespace: locator('ticket-ns', 'path') });
	});

	it('names the missing Datastore.Audit and the command granting it when a token sees no datastore', async () => {
		const result = await credentialTest(limitedToken('blind'));
		expect(result.status).toBe('Error');
		expect(result.message).toContain('sees no datastore: it lacks Datastore.Audit');
		expect(result.message).toContain("proxmox-backup-manager acl update /datastore DatastoreAudit --auth-id 'n8n@pbs!blind'");
	});

	it('names Datastore.Audit when the token may only back up (sees the store, cannot audit it)', async () => {
		const result = await credentialTest(limitedToken('backuponly', 'DatastoreBackup'));
		expect(result.status).toBe('Error');
		expect(result.message).toContain('lacks Datastore.Audit');
		expect(result.message).toContain("proxmox-backup-manager acl update /datastore/backup DatastoreAudit --auth-id 'n8n@pbs!backuponly'");
	});

	it('says authentication failed for a wrong secret, without the secret', async () => {
		const result = await credentialTest(pbsToken(sim, { tokenSecret: 'wrong-secret-value' }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/Authentication failed/);
		expect(result.message).not.toContain('wrong-secret-value');
	});

	it('rejects a token ID without user@realm!name before connecting', async () => {
		const result = await credentialTest(pbsToken(sim, { tokenId: 'root@pam' }));
		expect(result).toMatchObject({ status: 'Error', message: expect.stringContaining('user@realm!tokenname') });
	});

	it('reports a pinned fingerprint that does not match with the presented one', async () => {
		const result = await credentialTest(pbsToken(sim, { fingerprint: 'AA:'.repeat(31) + 'AA' }));
		expect(result.status).toBe('Error');
		expect(result.message).toContain(sim.fingerprint.toUpperCase().slice(0, 20));
	});
});

describe('errors', () => {
	it('403 names the privilege the call needs and the proxmox-backup-manager command', async () => {
		const auditor = limitedToken('auditor', 'DatastoreAudit');
		const runAudit = runner(() => auditor);
		expect((await runAudit('datastore', 'getStatus', { store }))[0].store).toBe('backup');
		const error = (await runAudit('gc', 'start', { store }).catch((e: unknown) => e)) as { message: string; description: string; httpCode: string };
		expect(error.httpCode).toBe('403');
		expect(error.description).toContain('lacks Datastore.Modify on /datastore/backup');
		expect(error.description).toContain("proxmox-backup-manager acl update /datastore/backup DatastoreAdmin --auth-id 'n8n@pbs!auditor'");
	});

	it('400 from PBS names the parameter (API Call with schema validation off)', async () => {
		const error = (await run('apiCall', 'request', {
			endpoint: endpoint('GET /admin/datastore/{store}/rrd'),
			parameters: '{"store":"backup","timeframe":"fortnight","cf":"AVERAGE"}',
			validate: false,
		}).catch((e: unknown) => e)) as { message: string; description: string; httpCode: string };
		expect(error.httpCode).toBe('400');
		expect(`${error.message}\n${error.description}`).toContain('timeframe');
	});

	it('checks ids before they go into a path', async () => {
		await expect(run('datastore', 'getStatus', { store: locator('../etc') })).rejects.toMatchObject({ message: expect.stringContaining('not a datastore name'), description: 'Field: store' });
		// Typed values meet the locator's own check first; expressions and AI-filled values meet the node's.
		await expect(run('snapshot', 'delete', { store, snapshot: locator('vm/100/yesterday') })).rejects.toThrow(/Give type\/ID\/time/);
		await expect(run('snapshot', 'delete', { store, snapshot: locator("={{ 'vm/100/yesterday' }}") })).rejects.toMatchObject({ description: 'Field: snapshot' });
		await expect(run('group', 'setNotes', { store, group: locator("={{ 'qemu/100' }}"), notes: 'x' })).rejects.toThrow(/not a backup group/);
		await expect(run('namespace', 'getMany', { store, namespace: locator("={{ 'a//b' }}", 'path') })).rejects.toThrow(/not a namespace/);
	});
});

describe('API Call', () => {
	it('lists PBS endpoints from the schema catalogue with permissions', async () => {
		const result = (await callNodeMethod(NODE, 'listSearch', 'searchEndpoints', {}, { credentials: pbsToken(sim), filter: 'prune datastore' })) as INodeListSearchResult;
		const entry = result.results.find((r) => r.value === 'POST /admin/datastore/{store}/prune-datastore');
		expect(String(entry?.description)).toContain('keep-daily');
	});

	it('calls a template path and splits arrays into items', async () => {
		const out = await run('apiCall', 'request', { endpoint: endpoint('GET /admin/datastore/{store}/groups'), parameters: '{"store":"backup"}' });
		expect(out.map((g) => `${g['backup-type'] as string}/${g['backup-id'] as string}`)).toEqual(expect.arrayContaining(['vm/100', 'ct/200']));
	});

	it('rejects parameters the schema does not allow before sending, naming each', async () => {
		const error = (await run('apiCall', 'request', {
			endpoint: endpoint('POST /admin/datastore/{store}/prune'),
			parameters: '{"store":"backup","backup-type":"qemu","keep-last":"many"}',
		}).catch((e: unknown) => e)) as { message: string; description: string };
		expect(error.message).toContain('Invalid parameters for POST /admin/datastore/{store}/prune');
		expect(error.description).toContain('backup-id: required');
		expect(error.description).toContain('backup-type: must be one of');
		expect(error.description).toContain('keep-last: must be an integer');
	});

	it('checks the path variables against their schema pattern', async () => {
		await expect(run('apiCall', 'request', { endpoint: endpoint('GET /admin/datastore/{store}/status'), parameters: '{"store":"a b"}' })).rejects.toMatchObject({
			description: expect.stringContaining('store: does not match'),
		});
	});

	it('rejects endpoints that are not in the PBS schema', async () => {
		await expect(run('apiCall', 'request', { endpoint: endpoint('GET /nodes/{node}/qemu'), parameters: '{"node":"pbs"}' })).rejects.toThrow(/not in the Proxmox Backup Server API schema/);
	});

	it('waits for a task started through a write', async () => {
		const [out] = await run('apiCall', 'request', { endpoint: endpoint('POST /admin/datastore/{store}/gc'), parameters: '{"store":"backup"}' });
		expect(out).toMatchObject({ success: true, exitStatus: 'OK', taskType: 'garbage_collection' });
	});
});

describe('Datastore', () => {
	it('gets many with usage, GC status and estimated full date', async () => {
		const [ds] = await run('datastore', 'getMany');
		expect(ds).toMatchObject({ store: 'backup', comment: 'Main datastore' });
		expect(Number(ds.total)).toBeGreaterThan(Number(ds.used));
		expect(ds.usedPercent).toBeGreaterThan(0);
		expect(typeof ds.estimatedFullDateIso).toBe('string');
		expect(ds).toHaveProperty('gcStatus');
	});

	it('gets the status with group and snapshot counts', async () => {
		const [status] = await run('datastore', 'getStatus', { store });
		expect((status.counts as IDataObject).vm).toMatchObject({ groups: 4 });
	});

	it('gets the usage history as one item per RRD point', async () => {
		const points = await run('datastore', 'getUsageHistory', { store, timeframe: 'week', cf: 'MAX' });
		expect(points.length).toBe(70);
		expect(points[0]).toMatchObject({ store: 'backup', total: expect.any(Number), used: expect.any(Number), timeIso: expect.any(String) });
	});

	it('lists datastores for the resource locator', async () => {
		const result = (await callNodeMethod(NODE, 'listSearch', 'searchDatastores', {}, { credentials: pbsToken(sim) })) as INodeListSearchResult;
		expect(result.results).toEqual([{ name: 'backup (Main datastore)', value: 'backup' }]);
	});
});

describe('Namespace', () => {
	it('creates nested namespaces, lists and deletes them', async () => {
		expect((await run('namespace', 'create', { store, name: 'site-a' }))[0]).toMatchObject({ ns: 'site-a', created: true });
		expect((await run('namespace', 'create', { store, name: 'team1', namespace: locator('site-a', 'path') }))[0]).toMatchObject({ ns: 'site-a/team1' });
		const all = await run('namespace', 'getMany', { store });
		expect(all.map((n) => n.ns)).toEqual(expect.arrayContaining(['', 'site-a', 'site-a/team1']));
		const below = await run('namespace', 'getMany', { store, namespace: locator('site-a', 'path'), maxDepth: 0 });
		expect(below.map((n) => n.ns)).toEqual(['site-a']);
		const listed = (await callNodeMethod(NODE, 'listSearch', 'searchNamespaces', { resource: 'namespace', operation: 'delete', store }, { credentials: pbsToken(sim) })) as INodeListSearchResult;
		expect(listed.results.map((r) => r.value)).toEqual(expect.arrayContaining(['site-a/team1']));
		expect((await run('namespace', 'delete', { store, namespace: locator('site-a', 'path') }))[0]).toMatchObject({ deleted: true });
		expect((await run('namespace', 'getMany', { store })).map((n) => n.ns)).toEqual(['']);
	});

	it('refuses a namespace name with a slash and the root namespace for delete', async () => {
		await expect(run('namespace', 'create', { store, name: 'a/b' })).rejects.toMatchObject({ description: expect.stringContaining('Field: name') });
		await expect(run('namespace', 'delete', { store, namespace: locator('', 'path') })).rejects.toThrow(/Namespace" is required/);
		await expect(run('namespace', 'delete', { store, namespace: locator("={{ '' }}", 'path') })).rejects.toThrow(/Namespace" is required|root namespace cannot be used/);
	});

	it('reports a missing parent namespace from PBS', async () => {
		await expect(run('namespace', 'create', { store, name: 'x', namespace: locator('nope', 'path') })).rejects.toThrow(/namespace 'nope' does not exist/);
	});

	it('is refused to an AI agent when deleting, unless allowed', async () => {
		await run('namespace', 'create', { store, name: 'ai-ns' });
		await expect(run('namespace', 'delete', { store, namespace: locator('ai-ns', 'path') }, { asTool: true })).rejects.toThrow(/Refused: "Delete a namespace"/);
		expect((await run('namespace', 'delete', { store, namespace: locator('ai-ns', 'path'), allowDestructiveFromAi: true }, { asTool: true }))[0]).toMatchObject({ deleted: true });
	});
});
