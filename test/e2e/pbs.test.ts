/**
 * The Proxmox Backup Server node in a real n8n 2.41.1: the credential's Test button (version and
 * datastores; a token that sees nothing gets the privilege and the command), and a workflow that
 * simulates a prune, applies it to one group and runs garbage collection, waiting for the task.
 */
import { startProxmoxSimulator, type ProxmoxSimulator } from '../simulators/proxmox';
import { N8nClient, nodeOutput } from './client';
import { PACKAGE_NAME } from './n8n';

const locator = (value: string, mode = 'id') => ({ __rl: true, mode, value });

describe('Proxmox Backup Server in a real n8n', () => {
	const client = new N8nClient();
	let sim: ProxmoxSimulator;

	beforeAll(async () => {
		sim = await startProxmoxSimulator({ product: 'pbs', taskSpeed: 20, unauthorizedDelayMs: 50 });
	});

	afterAll(async () => {
		await sim.close();
	});

	const tokenData = () => ({
		hosts: `${sim.host}:${sim.port}`,
		authMethod: 'token',
		tokenId: sim.token.id,
		tokenSecret: sim.token.secret,
		tlsMode: 'fingerprint',
		fingerprint: sim.fingerprint,
	});

	it('tests the credential in n8n: version and datastores, or the missing privilege with its command', async () => {
		const data = tokenData();
		const name = 'e2e PBS test button';
		const id = await client.createCredential({ name, type: 'proxmoxMcpPbsApi', data });
		const good = await client.testCredential({ id, name, type: 'proxmoxMcpPbsApi', data });
		expect(good).toMatchObject({ status: 'OK', message: expect.stringMatching(/Proxmox Backup Server 4\.0\.\d+ on 127\.0\.0\.1 \(datastores: backup\)/) });
		const blind = sim.control.createToken('n8n@pbs', 'e2e', { privsep: true });
		const denied = await client.testCredential({ id, name, type: 'proxmoxMcpPbsApi', data: { ...data, tokenId: blind.tokenid, tokenSecret: blind.secret } });
		expect(denied.status).toBe('Error');
		expect(denied.message).toContain('Datastore.Audit');
		expect(denied.message).toContain("proxmox-backup-manager acl update /datastore DatastoreAudit --auth-id 'n8n@pbs!e2e'");
		expect(denied.message).not.toContain(blind.secret);
	});

	it('simulates a prune, prunes one group and runs garbage collection with wait', async () => {
		const credentialId = await client.createCredential({ name: 'e2e PBS', type: 'proxmoxMcpPbsApi', data: tokenData() });
		const node = (id: string, name: string, parameters: Record<string, unknown>, x: number) => ({
			id: `7a1d2b3c-0000-4000-8000-0000000000${id}`,
			name,
			type: `${PACKAGE_NAME}.proxmoxBackupServer`,
			typeVersion: 1,
			position: [x, 0],
			parameters,
			credentials: { proxmoxMcpPbsApi: {} },
		});
		const keep = { 'keep-last': 3, 'keep-weekly': 1 };
		const workflow = await client.createWorkflow(
			{
				name: 'e2e: PBS prune and GC',
				nodes: [
					{ id: '7a1d2b3c-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
					node('02', 'Simulate', { resource: 'prune', operation: 'simulate', store: locator('backup', 'name'), scope: 'group', group: locator('vm/100'), keep }, 200),
					node('03', 'Prune', { resource: 'prune', operation: 'apply', store: locator('backup', 'name'), scope: 'group', group: locator('={{ $json.group }}'), keep }, 400),
					node('04', 'GC', { resource: 'gc', operation: 'start', store: locator('backup', 'name'), waitForCompletion: true, waitTimeout: 120 }, 600),
					node('05', 'GC Status', { resource: 'gc', operation: 'getStatus', store: locator('backup', 'name') }, 800),
				],
				connections: {
					Start: { main: [[{ node: 'Simulate', type: 'main', index: 0 }]] },
					Simulate: { main: [[{ node: 'Prune', type: 'main', index: 0 }]] },
					Prune: { main: [[{ node: 'GC', type: 'main', index: 0 }]] },
					GC: { main: [[{ node: 'GC Status', type: 'main', index: 0 }]] },
				},
			},
			{ proxmoxMcpPbsApi: { id: credentialId, name: 'e2e PBS' } },
		);
		const before = (sim.control.getState() as { datastores: Array<{ used: number; snapshots: number }> }).datastores[0];
		const usedBefore = before.used;
		const snapshotsBefore = before.snapshots;
		const run = await client.execute(workflow);
		const [simulated] = nodeOutput(run, 'Simulate');
		expect(simulated).toMatchObject({ group: 'vm/100', simulated: true, keepCount: 4, removeCount: 10 });
		const [pruned] = nodeOutput(run, 'Prune');
		expect(pruned).toMatchObject({ group: 'vm/100', simulated: false, keep: simulated.keep, remove: simulated.remove });
		const [gc] = nodeOutput(run, 'GC');
		expect(gc).toMatchObject({ store: 'backup', success: true, exitStatus: 'OK', taskType: 'garbage_collection' });
		const [status] = nodeOutput(run, 'GC Status');
		expect(status.upid).toBe(gc.upid);
		// The pruned snapshots' chunks are garbage now: removed, or pending while PBS's 24 h 5 min
		// atime grace (pbs-datastore garbage_collection) still protects them.
		expect(Number(status['removed-bytes']) + Number(status['pending-bytes'])).toBeGreaterThan(0);
		// The simulator agrees: 10 snapshots fewer, usage not grown.
		const state = sim.control.getState() as { datastores: Array<{ snapshots: number; used: number }> };
		expect(state.datastores[0].snapshots).toBe(snapshotsBefore - 10);
		expect(state.datastores[0].used).toBeLessThanOrEqual(usedBefore);
		expect(JSON.stringify(run)).not.toContain(sim.token.secret);
	}, 180_000);
});
