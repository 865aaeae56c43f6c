/**
 * The Proxmox node in a real n8n 2.41.1: a credential pinned to the simulator's certificate
 * fingerprint, and a workflow chaining list guests -> snapshot -> start -> wait for the task.
 */
import { startProxmoxSimulator, type ProxmoxSimulator } from '../simulators/proxmox';
import { N8nClient, nodeOutput } from './client';
import { PACKAGE_NAME } from './n8n';

const locator = (value: string) => ({ __rl: true, mode: 'id', value });

describe('Proxmox in a real n8n', () => {
	const client = new N8nClient();
	let sim: ProxmoxSimulator;

	beforeAll(async () => {
		sim = await startProxmoxSimulator({ taskSpeed: 20, statsRefreshMs: 200, unauthorizedDelayMs: 50 });
	});

	afterAll(async () => {
		await sim.close();
	});

	it('tests the credential in n8n: version and cluster, or the fingerprint the server presented', async () => {
		const data = {
			hosts: `${sim.host}:${sim.port}`,
			authMethod: 'token',
			tokenId: sim.token.id,
			tokenSecret: sim.token.secret,
			tlsMode: 'fingerprint',
			fingerprint: sim.fingerprint,
		};
		const id = await client.createCredential({ name: 'e2e Proxmox test button', type: 'proxmoxMcpApi', data });
		const good = await client.testCredential({ id, name: 'e2e Proxmox test button', type: 'proxmoxMcpApi', data });
		expect(good.status).toBe('OK');
		expect(good.message).toMatch(/Proxmox VE 9\.1\.\d+ .*cluster "simcluster"/);
		const wrongPin = 'AA:'.repeat(31) + 'AA';
		const bad = await client.testCredential({ id, name: 'e2e Proxmox test button', type: 'proxmoxMcpApi', data: { ...data, fingerprint: wrongPin } });
		expect(bad.status).toBe('Error');
		expect(bad.message).toContain(sim.fingerprint);
		expect(bad.message).not.toContain(sim.token.secret);
	});

	it('lists guests, snapshots the first stopped VM, starts it and waits for the task', async () => {
		const credentialId = await client.createCredential({
			name: 'e2e Proxmox',
			type: 'proxmoxMcpApi',
			data: {
				hosts: `${sim.host}:${sim.port}`,
				port: 8006,
				authMethod: 'token',
				tokenId: sim.token.id,
				tokenSecret: sim.token.secret,
				tlsMode: 'fingerprint',
				fingerprint: sim.fingerprint,
			},
		});
		const credentials = { proxmoxMcpApi: { id: credentialId, name: 'e2e Proxmox' } };
		const node = (id: string, name: string, parameters: Record<string, unknown>, x: number) => ({
			id: `6f0c1a2b-0000-4000-8000-0000000000${id}`,
			name,
			type: `${PACKAGE_NAME}.proxmox`,
			typeVersion: 1,
			position: [x, 0],
			parameters,
			credentials: { proxmoxMcpApi: {} },
		});
		const workflow = await client.createWorkflow(
			{
				name: 'e2e: Proxmox chain',
				nodes: [
					{ id: '6f0c1a2b-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
					node('02', 'List VMs', { resource: 'vm', operation: 'getMany', filters: { status: 'stopped', templates: false } }, 200),
					{
						id: '6f0c1a2b-0000-4000-8000-000000000003',
						name: 'First',
						type: 'n8n-nodes-base.limit',
						typeVersion: 1,
						position: [400, 0],
						parameters: { maxItems: 1 },
					},
					node('04', 'Snapshot', { resource: 'vm', operation: 'createSnapshot', guest: locator('={{ $json.vmid }}'), snapname: 'e2e_before_start', snapDescription: 'n8n e2e' }, 600),
					node('05', 'Start VM', { resource: 'vm', operation: 'start', guest: locator('={{ $json.vmid }}'), waitForCompletion: false }, 800),
					node('06', 'Wait', { resource: 'task', operation: 'wait', upid: '={{ $json.upid }}', timeout: 60 }, 1000),
					node('07', 'Get VM', { resource: 'vm', operation: 'get', guest: locator("={{ $('First').item.json.vmid }}") }, 1200),
				],
				connections: {
					Start: { main: [[{ node: 'List VMs', type: 'main', index: 0 }]] },
					'List VMs': { main: [[{ node: 'First', type: 'main', index: 0 }]] },
					First: { main: [[{ node: 'Snapshot', type: 'main', index: 0 }]] },
					Snapshot: { main: [[{ node: 'Start VM', type: 'main', index: 0 }]] },
					'Start VM': { main: [[{ node: 'Wait', type: 'main', index: 0 }]] },
					Wait: { main: [[{ node: 'Get VM', type: 'main', index: 0 }]] },
				},
			},
			credentials,
		);
		const run = await client.execute(workflow);
		const listed = nodeOutput(run, 'List VMs');
		expect(listed.length).toBeGreaterThan(0);
		expect(listed.every((vm) => vm.status === 'stopped' && vm.type === 'qemu')).toBe(true);
		const [first] = nodeOutput(run, 'First');
		const vmid = Number(first.vmid);

		const [snapshot] = nodeOutput(run, 'Snapshot');
		expect(snapshot).toMatchObject({ vmid, snapshot: 'e2e_before_start', success: true, exitStatus: 'OK' });
		const [started] = nodeOutput(run, 'Start VM');
		expect(String(started.upid)).toMatch(new RegExp(`^UPID:${first.node as string}:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:qmstart:${vmid}:root@pam!sim:$`));
		const [waited] = nodeOutput(run, 'Wait');
		expect(waited).toMatchObject({ upid: started.upid, status: 'stopped', exitStatus: 'OK', success: true });
		const [after] = nodeOutput(run, 'Get VM');
		expect(after).toMatchObject({ vmid, status: 'running' });

		// The simulator's own state agrees: the VM runs and has the snapshot.
		const state = sim.control.getState() as { guests?: Array<{ vmid: number; status: string; snapshots?: string[] }> };
		const guest = state.guests?.find((g) => g.vmid === vmid);
		expect(guest?.status).toBe('running');
		expect(guest?.snapshots).toContain('e2e_before_start');
		// No secret reached the run data.
		expect(JSON.stringify(run)).not.toContain(sim.token.secret);
	});
});
