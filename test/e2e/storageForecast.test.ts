/**
 * workflows/proxmox-storage-forecast.json in a real n8n 2.41.1 (one manual run, as the schedule
 * would start it): a storage the simulator fills to 97 % gets an ntfy warning with its forecast;
 * storages with years left get none.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { startNtfySimulator, type NtfySimulator } from '../simulators/ntfy';
import { startProxmoxSimulator, type ProxmoxSimulator } from '../simulators/proxmox';
import { N8nClient, nodeOutput, type WorkflowJson } from './client';
import { PACKAGE_ROOT } from './n8n';

jest.setTimeout(240000);

describe('Storage full forecast workflow in a real n8n', () => {
	const n8n = new N8nClient();
	let pve: ProxmoxSimulator;
	let ntfy: NtfySimulator;

	beforeAll(async () => {
		pve = await startProxmoxSimulator({ unauthorizedDelayMs: 50 });
		ntfy = await startNtfySimulator();
	});

	afterAll(async () => {
		await Promise.all([pve?.close(), ntfy?.close()]);
	});

	it('warns about the storage that fills up within 30 days, and only about it', async () => {
		pve.control.fillStorage('pve1', 'local', 97);
		const workflow = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'workflows', 'proxmox-storage-forecast.json'), 'utf8')) as WorkflowJson;
		// `n8n execute` starts from a Manual Trigger only: one beside the schedule, into the same node.
		workflow.nodes.push({ id: 'f0ecc457-0000-4000-8000-0000000000ff', name: 'Run now', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 200], parameters: {} });
		workflow.connections['Run now'] = { main: [[{ node: 'Nodes', type: 'main', index: 0 }]] };
		const proxmox = await n8n.createCredential({
			name: 'Proxmox VE',
			type: 'proxmoxMcpApi',
			data: { hosts: `${pve.host}:${pve.port}`, authMethod: 'token', tokenId: pve.token.id, tokenSecret: pve.token.secret, tlsMode: 'fingerprint', fingerprint: pve.fingerprint },
		});
		const ntfyId = await n8n.createCredential({ name: 'ntfy', type: 'proxmoxMcpNtfyApi', data: { serverUrl: ntfy.url, authentication: 'none', tlsMode: 'system' } });
		const id = await n8n.createWorkflow(workflow, { proxmoxMcpApi: { id: proxmox, name: 'Proxmox VE' }, proxmoxMcpNtfyApi: { id: ntfyId, name: 'ntfy' } });
		const data = await n8n.execute(id);
		const forecasts = nodeOutput(data, 'Storage forecast');
		const local = forecasts.find((entry) => entry.node === 'pve1' && entry.storage === 'local')!;
		expect(local.daysUntilFull).toBeLessThanOrEqual(30);
		const warnings = ntfy.store.all().filter((message) => message.topic === 'proxmox-storage');
		const soon = forecasts.filter((entry) => typeof entry.daysUntilFull === 'number' && (entry.daysUntilFull as number) <= 30);
		expect(warnings).toHaveLength(soon.length);
		const warning = warnings.find((message) => message.title?.startsWith('Storage local on pve1'))!;
		expect(warning.title).toBe(`Storage local on pve1 full in ${Math.round(local.daysUntilFull as number)} days`);
		expect(warning.message).toContain(`is ${local.usedPercent} % full`);
		expect(warning.message).toContain(String(local.fullAt).slice(0, 10));
		// Years away: no warning.
		expect(warnings.some((message) => message.title?.includes('nfs-backup'))).toBe(false);
	});
});
