/**
 * The Proxmox node's backup, task and storage operations against the seeded nightly backup history of the
 * simulator, which follows real clusters (issue 15): one vzdump task per node and night with an empty task id,
 * full per-guest logs, one failed night. "Last backup of VM X" comes from storage content, not from task ids.
 */
import type { IDataObject } from 'n8n-workflow';

import { runNode } from '../../helpers/engine';
import type { ProxmoxSimulator } from '../../simulators/proxmox';
import { locator, NODE, startSim, stopSim, tokenCredentials } from './setup';

let sim: ProxmoxSimulator;
let credentials: ReturnType<typeof tokenCredentials>;
beforeAll(async () => {
	sim = await startSim();
	credentials = tokenCredentials(sim);
});
afterAll(async () => await stopSim(sim));

const run = (resource: string, operation: string, parameters: Record<string, unknown> = {}) => runNode(NODE, { resource, operation, ...parameters } as never, { credentials });
const json = (items: Array<{ json: IDataObject }>) => items.map((i) => i.json);

describe('Proxmox node against the nightly backup history', () => {
	it('answers the last backup of a guest from storage content, newest first, the failed night missing', async () => {
		const vm103 = json(await run('backup', 'getMany', { scope: 'guest', vmid: 103, returnAll: true }));
		expect(vm103).toHaveLength(6);
		expect(vm103[0]).toMatchObject({ vmid: 103, storage: 'nfs-backup', subtype: 'qemu', notes: 'app01' });
		expect(Number(vm103[0].ctime)).toBeGreaterThan(Number(vm103[1].ctime));
		expect(String(vm103[0].volid)).toMatch(/^nfs-backup:backup\/vzdump-qemu-103-\d{4}_\d\d_\d\d-21_\d\d_\d\d\.vma\.zst$/);
		expect(json(await run('backup', 'getMany', { scope: 'guest', vmid: 100, returnAll: true }))).toHaveLength(7);
		const onStorage = json(await run('storage', 'getContent', { node: locator('pve1'), storage: locator('nfs-backup'), content: 'backup', vmid: 0, returnAll: true }));
		expect(onStorage.filter((v) => v.content === 'backup').length).toBeGreaterThanOrEqual(7 * 9 - 1);
	});

	it('lists the nightly runs as node tasks with an empty id and reads the failed run\'s log', async () => {
		const runs = json(await run('task', 'getMany', { scope: 'node', node: locator('pve2'), returnAll: true, taskFilters: { typefilter: 'vzdump' } }));
		expect(runs).toHaveLength(7);
		expect(runs.every((t) => t.id === '')).toBe(true);
		// The VMID filter matches the task id, which scheduled and multi-guest runs do not set.
		expect(json(await run('task', 'getMany', { scope: 'node', node: locator('pve2'), returnAll: true, taskFilters: { typefilter: 'vzdump', vmid: 103 } }))).toEqual([]);
		const [failed] = runs.filter((t) => t.status === 'job errors');
		expect(failed).toBeDefined();
		const [log] = json(await run('task', 'getLog', { upid: failed.upid, part: 'range', start: 0, lineCount: 1000 }));
		expect(Number(log.total)).toBeGreaterThan(100);
		expect(String(log.log)).toContain("ERROR: Backup of VM 103 failed - VM 103 qmp command 'backup' failed - got timeout");
		expect(String(log.log)).toMatch(/INFO: Finished Backup of VM 201 \(\d\d:\d\d:\d\d\)/);
		const [tail] = json(await run('task', 'getLog', { upid: failed.upid, part: 'tail', lineCount: 3 }));
		expect(tail.log).toBe('INFO: Backup job finished with errors\nINFO: notified via target `mail-to-root`\nTASK ERROR: job errors');
	});

	it('runs a backup now as one task per node and the new archive becomes the last backup', async () => {
		const started = json(await run('backup', 'runNow', { selection: 'vmid', vmids: '103,201', backupStorage: 'nfs-backup', mode: 'snapshot', compress: 'zstd' }));
		expect(started).toHaveLength(1);
		expect(started[0]).toMatchObject({ node: 'pve2' });
		const [newest] = json(await run('backup', 'getMany', { scope: 'guest', vmid: 103, returnAll: true }));
		const before = json(await run('task', 'getMany', { scope: 'node', node: locator('pve2'), returnAll: true, taskFilters: { typefilter: 'vzdump' } }));
		expect(before[0].id).toBe('');
		expect(Number(newest.ctime)).toBeGreaterThan(Number(sim.control.getState().clock) - 600);
	});
});
