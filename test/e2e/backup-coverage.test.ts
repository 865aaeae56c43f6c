/**
 * The shipped "Backup coverage report" workflow (workflows/backup-coverage-report.json) in a real
 * n8n 2.41.1 against the Proxmox VE, PBS and ntfy simulators. Seeded estate: PBS holds 14 daily
 * snapshots of VMs 100, 101, 103, 105 and CTs 200, 201, 203 (all verified here first); VM 105's
 * three newest snapshots are forgotten so its newest backup is days old; VMs 102, 104 and CT 202
 * have no PBS backup at all. The report must list exactly 102, 104, 105 and 202.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ProxmoxClient, readProxmoxConfig, waitForTask, apiPath } from '../../nodes/shared/proxmox';
import { closeAllPools } from '../../nodes/shared/transport';
import { startNtfySimulator, type NtfySimulator } from '../simulators/ntfy';
import { startProxmoxSimulator, type ProxmoxSimulator } from '../simulators/proxmox';
import { N8nClient, nodeOutput } from './client';
import { PACKAGE_ROOT } from './n8n';

interface WorkflowFile {
	name: string;
	nodes: Array<{ name: string; type: string; parameters: Record<string, unknown>; credentials?: Record<string, unknown> }>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
}

describe('Backup coverage report workflow in a real n8n', () => {
	const client = new N8nClient();
	let pve: ProxmoxSimulator;
	let pbs: ProxmoxSimulator;
	let ntfy: NtfySimulator;

	beforeAll(async () => {
		pve = await startProxmoxSimulator({ taskSpeed: 20, statsRefreshMs: 200, unauthorizedDelayMs: 50 });
		pbs = await startProxmoxSimulator({ product: 'pbs', taskSpeed: 50, unauthorizedDelayMs: 50 });
		ntfy = await startNtfySimulator();
		// The estate: every PBS snapshot verified, VM 105's three newest backups forgotten.
		const api = new ProxmoxClient(
			readProxmoxConfig({ hosts: `${pbs.host}:${pbs.port}`, authMethod: 'token', tokenId: pbs.token.id, tokenSecret: pbs.token.secret, tlsMode: 'fingerprint', fingerprint: pbs.fingerprint }, 'pbs'),
		);
		const upid = await api.post<string>(apiPath`/admin/datastore/${'backup'}/verify`);
		await waitForTask(api, upid, { timeoutMs: 60_000 });
		const vm105 = ((await api.get<Array<{ 'backup-time': number }>>(apiPath`/admin/datastore/${'backup'}/snapshots`, { 'backup-type': 'vm', 'backup-id': '105' })) ?? [])
			.map((s) => s['backup-time'])
			.sort((a, b) => b - a);
		for (const time of vm105.slice(0, 3)) await api.delete(apiPath`/admin/datastore/${'backup'}/snapshots`, { 'backup-type': 'vm', 'backup-id': '105', 'backup-time': time });
	});

	afterAll(async () => {
		await closeAllPools();
		await Promise.all([pve?.close(), pbs?.close(), ntfy?.close()]);
	});

	it('lists the guests without a verified backup newer than N hours and sends one ntfy report', async () => {
		const workflow = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'workflows', 'backup-coverage-report.json'), 'utf8')) as WorkflowFile;
		// The newest nightly snapshot is 21–45 h old depending on the time of day: allow 48 h.
		const settings = workflow.nodes.find((node) => node.name === 'Settings')!;
		const assignments = (settings.parameters.assignments as { assignments: Array<{ name: string; value: unknown }> }).assignments;
		assignments.find((a) => a.name === 'maxAgeHours')!.value = 48;
		const pveId = await client.createCredential({
			name: 'coverage PVE',
			type: 'proxmoxMcpApi',
			data: { hosts: `${pve.host}:${pve.port}`, authMethod: 'token', tokenId: pve.token.id, tokenSecret: pve.token.secret, tlsMode: 'fingerprint', fingerprint: pve.fingerprint },
		});
		const pbsId = await client.createCredential({
			name: 'coverage PBS',
			type: 'proxmoxMcpPbsApi',
			data: { hosts: `${pbs.host}:${pbs.port}`, authMethod: 'token', tokenId: pbs.token.id, tokenSecret: pbs.token.secret, tlsMode: 'fingerprint', fingerprint: pbs.fingerprint },
		});
		const ntfyId = await client.createCredential({ name: 'coverage ntfy', type: 'proxmoxMcpNtfyApi', data: { serverUrl: ntfy.url, authentication: 'none', tlsMode: 'system' } });
		const id = await client.createWorkflow(workflow as never, {
			proxmoxMcpApi: { id: pveId, name: 'coverage PVE' },
			proxmoxMcpPbsApi: { id: pbsId, name: 'coverage PBS' },
			proxmoxMcpNtfyApi: { id: ntfyId, name: 'coverage ntfy' },
		});
		const run = await client.execute(id);
		const [report] = nodeOutput(run, 'Build Report');
		expect(report).toMatchObject({ checked: 10, missingCount: 4, missing: [102, 104, 105, 202], maxAgeHours: 48 });
		const guests = report.guests as Array<Record<string, unknown>>;
		expect(guests.find((g) => g.vmid === 100)).toMatchObject({ covered: true, pbsLatestVerifyState: 'ok', vzdumpLatest: expect.stringContaining('nfs-backup:backup/vzdump-qemu-100-') });
		expect(guests.find((g) => g.vmid === 105)).toMatchObject({ covered: false, pbsLatest: expect.stringMatching(/^vm\/105\//) });
		expect(Number(guests.find((g) => g.vmid === 105)!.lastVerifiedAgeHours)).toBeGreaterThan(48);
		expect(guests.find((g) => g.vmid === 102)).toMatchObject({ covered: false, pbsLatest: null });
		const sent = ntfy.store.all().filter((m) => m.topic === 'proxmox-backups');
		expect(sent).toHaveLength(1);
		expect(sent[0].title).toBe('Backup coverage: 4 of 10 guests without a verified backup in 48 h');
		expect(sent[0].message).toMatch(/^- 102 build01 \(VM on pve\d\): no PBS backup/m);
		expect(sent[0].message).toMatch(/^- 105 monitoring \(VM on pve\d\): latest PBS backup [\d.]+ h ago \(ok\), last verified one [\d.]+ h ago/m);
		expect(sent[0].message).toMatch(/^- 202 test-ct \(CT on pve\d\): no PBS backup/m);
		expect(sent[0].priority).toBe(4);
		expect(JSON.stringify(run)).not.toContain(pbs.token.secret);
	}, 180_000);
});
