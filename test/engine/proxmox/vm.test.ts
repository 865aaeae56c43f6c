import type { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { runNode, runNodeForResult } from '../../helpers/engine';
import type { ProxmoxSimulator } from '../../simulators/proxmox';
import { locator, NODE, startSim, stopSim, tokenCredentials } from './setup';

let sim: ProxmoxSimulator;
let credentials: ReturnType<typeof tokenCredentials>;
beforeAll(async () => {
	sim = await startSim();
	credentials = tokenCredentials(sim);
});
afterAll(async () => await stopSim(sim));

/** The clone goes to another node, picked as in the editor's node list. */
const NODE_OF_CLONE = 'pve2';

const vm = (operation: string, parameters: Record<string, unknown> = {}, options: Record<string, unknown> = {}) =>
	runNode(NODE, { resource: 'vm', operation, ...parameters } as never, { credentials, ...options });

describe('VM reads', () => {
	it('lists every VM of the cluster with status and numbers as numbers', async () => {
		const out = await vm('getMany', { returnAll: true });
		const ids = out.map((i) => i.json.vmid);
		expect(ids).toEqual(expect.arrayContaining([100, 101, 102, 103, 104, 105]));
		expect(out.every((i) => i.json.type === 'qemu')).toBe(true);
		const web = out.find((i) => i.json.vmid === 100)!.json;
		expect(web).toMatchObject({ name: 'web01', node: 'pve1', status: 'running' });
		expect(typeof web.maxmem).toBe('number');
		const stopped = await vm('getMany', { filters: { status: 'stopped' } });
		expect(stopped.every((i) => i.json.status === 'stopped')).toBe(true);
	});

	it('gets one VM by name with status and config', async () => {
		const [item] = await vm('get', { guest: locator('db01', 'name') });
		expect(item.json).toMatchObject({ vmid: 101, node: 'pve1', status: 'running' });
		expect((item.json.config as Record<string, unknown>).cores).toBe(4);
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('reads RRD metrics', async () => {
		const out = await vm('getMetrics', { guest: locator(100), timeframe: 'hour', cf: 'AVERAGE' });
		expect(out.length).toBeGreaterThan(10);
		expect(out[0].json).toMatchObject({ vmid: 100, node: 'pve1' });
		expect(typeof out[0].json.time).toBe('number');
	});

	it('fails clearly for a VMID that does not exist', async () => {
		await expect(vm('get', { guest: locator(99999) })).rejects.toThrow(/No VM with VMID 99999 exists/);
		await expect(vm('get', { guest: locator(99999) })).rejects.toMatchObject({ name: 'NodeOperationError' });
	});

	it('refuses a container VMID on the VM resource', async () => {
		await expect(vm('get', { guest: locator(200) })).rejects.toThrow(/VMID 200 is a container/);
	});

	it('continues on fail with an error item per failing input', async () => {
		const out = await runNode(NODE, { resource: 'vm', operation: 'get', guest: '={{ { "__rl": true, "mode": "id", "value": String($json.id) } }}' } as never, {
			credentials,
			continueOnFail: true,
			items: [{ id: 100 }, { id: 99998 }],
		});
		expect(out[0].json.vmid).toBe(100);
		expect(out[1].json.error).toMatch(/No VM with VMID 99998/);
		expect(out[1].pairedItem).toEqual({ item: 1 });
	});
});

describe('VM power and lifecycle', () => {
	it('starts a stopped VM and waits for the task', async () => {
		const [item] = await vm('start', { guest: locator(102) });
		expect(item.json).toMatchObject({ vmid: 102, node: 'pve2', taskNode: 'pve2', taskType: 'qmstart', exitStatus: 'OK', success: true });
		expect(String(item.json.upid)).toMatch(/^UPID:pve2:.*:qmstart:102:root@pam!sim:$/);
		const [after] = await vm('get', { guest: locator(102) });
		expect(after.json.status).toBe('running');
	});

	it('returns the UPID at once when not waiting', async () => {
		const [item] = await vm('shutdown', { guest: locator(102), waitForCompletion: false, shutdownTimeout: 30 });
		expect(item.json.upid).toMatch(/^UPID:pve2:/);
		expect(item.json.exitStatus).toBeUndefined();
		const [done] = await runNode(NODE, { resource: 'task', operation: 'wait', upid: item.json.upid, timeout: 30 } as never, { credentials });
		expect(done.json).toMatchObject({ success: true, exitStatus: 'OK' });
	});

	it('creates a VM on the next free VMID, updates, resizes, clones and deletes it', async () => {
		const [created] = await vm('create', { node: locator('pve3', 'name'), newVmid: 0, name: 'n8n-test', memory: 1024, cores: 1, disk: 'local-lvm:4' });
		expect(created.json.success).toBe(true);
		const vmid = Number(created.json.vmid);
		expect(vmid).toBeGreaterThanOrEqual(106);
		const [updated] = await vm('updateConfig', {
			guest: locator(vmid),
			extraParameters: { parameter: [{ name: 'memory', value: '2048' }, { name: 'tags', value: 'n8n' }] },
		});
		// PVE 8.1+ declares memory a property string ("[current=]<integer>").
		expect(String((updated.json.config as Record<string, unknown>).memory)).toBe('2048');
		expect(String((updated.json.config as Record<string, unknown>).scsi0)).toMatch(/,size=4G$/);
		const [resized] = await vm('resize', { guest: locator(vmid), disk: 'scsi0', size: '+2G' });
		expect(resized.json).toMatchObject({ vmid, success: true, exitStatus: 'OK' });
		const [afterResize] = await vm('get', { guest: locator(vmid) });
		expect(String((afterResize.json.config as Record<string, unknown>).scsi0)).toMatch(/,size=6G$/);
		const [clone] = await vm('clone', { guest: locator(vmid), newVmid: 0, cloneName: 'n8n-clone', full: true, target: locator(NODE_OF_CLONE, 'list') });
		expect(clone.json).toMatchObject({ success: true, node: NODE_OF_CLONE });
		const cloneId = Number(clone.json.vmid);
		expect(cloneId).not.toBe(vmid);
		for (const id of [cloneId, vmid]) {
			const [deleted] = await vm('delete', { guest: locator(id), purge: true });
			expect(deleted.json.success).toBe(true);
		}
		await expect(vm('get', { guest: locator(vmid) })).rejects.toThrow(/No VM with VMID/);
	});

	it('reboots, suspends, resumes and resets a running VM', async () => {
		for (const operation of ['reboot', 'suspend', 'resume', 'reset']) {
			const [item] = await vm(operation, { guest: locator(101) });
			expect(item.json).toMatchObject({ vmid: 101, success: true, exitStatus: 'OK' });
		}
		const [after] = await vm('get', { guest: locator(101) });
		expect(after.json.status).toBe('running');
	});

	it('converts a stopped VM to a template', async () => {
		const [created] = await vm('create', { node: locator('pve1', 'name'), newVmid: 0, name: 'tpl-src', memory: 512, cores: 1 });
		const vmid = Number(created.json.vmid);
		const [template] = await vm('convertToTemplate', { guest: locator(vmid) });
		expect(template.json.success).toBe(true);
		const list = await vm('getMany', { returnAll: true });
		expect(list.find((i) => i.json.vmid === vmid)?.json.template).toBe(true);
		await vm('delete', { guest: locator(vmid) });
	});

	it('migrates a running VM online to another node', async () => {
		const [item] = await vm('migrate', { guest: locator(105), target: 'pve1', online: true });
		expect(item.json).toMatchObject({ success: true, node: 'pve3' });
		const [after] = await vm('get', { guest: locator(105) });
		expect(after.json.node).toBe('pve1');
	});

	it('takes the target node from the editor\'s node list (a resource locator)', async () => {
		const [before] = await vm('get', { guest: locator(105) });
		const target = before.json.node === 'pve2' ? 'pve3' : 'pve2';
		const [item] = await vm('migrate', { guest: locator(105), target: { __rl: true, mode: 'list', value: target }, online: true });
		expect(item.json).toMatchObject({ success: true, node: before.json.node });
		const [after] = await vm('get', { guest: locator(105) });
		expect(after.json.node).toBe(target);
	});

	it('names the empty Target Node instead of sending the migration (n8n checks the required field; an expression that resolves to nothing reaches the node)', async () => {
		await expect(vm('migrate', { guest: locator(105), target: { __rl: true, mode: 'list', value: '' } })).rejects.toThrow(/Parameter "Target Node" is required/);
		await expect(vm('migrate', { guest: locator(105), target: { __rl: true, mode: 'name', value: '={{ "" }}' } })).rejects.toThrow(/Target Node is empty/);
	});
});

describe('VM snapshots', () => {
	it('creates (with RAM), lists, rolls back and deletes a snapshot', async () => {
		const [created] = await vm('createSnapshot', { guest: locator(100), snapname: 'n8n_snap', snapDescription: 'from n8n', vmstate: true });
		expect(created.json).toMatchObject({ success: true, snapshot: 'n8n_snap' });
		const list = await vm('getSnapshots', { guest: locator(100) });
		const snap = list.find((i) => i.json.name === 'n8n_snap');
		expect(snap?.json).toMatchObject({ description: 'from n8n' });
		expect(snap?.json.vmstate).toBe(true);
		const [rolled] = await vm('rollbackSnapshot', { guest: locator(100), snapshot: locator('n8n_snap', 'name') });
		expect(rolled.json.success).toBe(true);
		const [deleted] = await vm('deleteSnapshot', { guest: locator(100), snapshot: locator('n8n_snap', 'name') });
		expect(deleted.json.success).toBe(true);
		expect((await vm('getSnapshots', { guest: locator(100) })).some((i) => i.json.name === 'n8n_snap')).toBe(false);
	});
});

describe('guest agent', () => {
	it('pings, runs a command and reads a file', async () => {
		const [ping] = await vm('agentPing', { guest: locator(100) });
		expect(ping.json.responding).toBe(true);
		const [exec] = await vm('agentExec', { guest: locator(100), command: 'uname -a', execTimeout: 10 });
		expect(exec.json.exitCode).toBe(0);
		expect(exec.json.stdout).toBe('Linux web01 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 x86_64 GNU/Linux\n');
		const [file] = await vm('agentFileRead', { guest: locator(100), file: '/etc/hostname' });
		expect(file.json).toMatchObject({ vmid: 100, file: '/etc/hostname', content: 'web01\n', truncated: false });
	});

	it('reports a VM without a running agent as an API error', async () => {
		await expect(vm('agentPing', { guest: locator(104) })).rejects.toMatchObject({ name: 'NodeApiError', httpCode: '500' });
	});
});

describe('AI tool use and dry run', () => {
	it('refuses destructive operations from an AI agent by default', async () => {
		const error = (await vm('delete', { guest: locator(102) }, { asTool: true }).catch((e: Error) => e)) as Error;
		expect(error.name).toBe('NodeOperationError');
		expect(error.message).toMatch(/Refused: "Delete a VM" .* destructive/);
		const [still] = await vm('get', { guest: locator(102) });
		expect(still.json.vmid).toBe(102);
	});

	it('allows reads and writes from an AI agent', async () => {
		const out = await vm('getMany', { returnAll: true }, { asTool: true });
		expect(out.map((item) => item.json.vmid)).toEqual(expect.arrayContaining([100, 101, 102, 103, 104, 105, 9000]));
		const [snapshot] = await vm('createSnapshot', { guest: locator(105), snapname: 'from_ai' }, { asTool: true });
		expect(snapshot.json).toMatchObject({ vmid: 105, success: true, exitStatus: 'OK' });
		const snapshots = await vm('getSnapshots', { guest: locator(105) }, { asTool: true });
		expect(snapshots.map((item) => item.json.name)).toContain('from_ai');
	});

	it('makes a forced shutdown destructive, a plain one not', async () => {
		await expect(vm('shutdown', { guest: locator(103), forceStop: true }, { asTool: true })).rejects.toThrow(
			'Refused: "Shutdown a VM" (vm.shutdown) is destructive and this Proxmox tool does not allow destructive operations from AI.',
		);
		// The plain one is not refused (a dry run shows its class and request without shutting 103 down).
		const [plain] = await vm('shutdown', { guest: locator(103), dryRun: true }, { asTool: true });
		expect(plain.json).toMatchObject({ dryRun: true, safety: 'write', request: { method: 'POST', body: 'timeout=180' } });
		const [forced] = await vm('shutdown', { guest: locator(103), forceStop: true, dryRun: true }, { asTool: true });
		expect(forced.json).toMatchObject({ dryRun: true, safety: 'destructive', request: { method: 'POST', body: 'timeout=180&forceStop=1' } });
	});

	it('runs destructive operations from AI when the owner allows it', async () => {
		const [item] = await vm('stop', { guest: locator(103), allowDestructiveFromAi: true }, { asTool: true });
		expect(item.json.success).toBe(true);
	});

	it('returns the exact request in dry run and sends nothing', async () => {
		const [item] = await vm('delete', { guest: locator(102), purge: true, dryRun: true }, { asTool: true });
		expect(item.json).toMatchObject({ dryRun: true, resource: 'vm', operation: 'delete', safety: 'destructive' });
		const request = item.json.request as Record<string, string>;
		expect(request.method).toBe('DELETE');
		expect(request.url).toBe(`https://${sim.host}:${sim.port}/api2/json/nodes/pve2/qemu/102?purge=1&destroy-unreferenced-disks=1`);
		expect(request.authentication).toBe('API token root@pam!sim');
		expect(JSON.stringify(item.json)).not.toContain(sim.token.secret);
		const [still] = await vm('get', { guest: locator(102) });
		expect(still.json.vmid).toBe(102);
	});

	it('shows the form body of a write in dry run', async () => {
		const [item] = await vm('createSnapshot', { guest: locator(101), snapname: 'dry', vmstate: true, dryRun: true });
		expect((item.json.request as Record<string, string>).body).toBe('snapname=dry&vmstate=1');
	});
});

describe('failures', () => {
	it('names the missing privilege and path (token with privilege separation)', async () => {
		// Privilege separation: the token gets the intersection of its own and its user's ACLs.
		const limited = sim.control.createToken('auditor@pve', 'ro', { privsep: true, acl: [{ path: '/', roleid: 'PVEAuditor' }] });
		sim.control.setAcl('/', 'PVEAuditor', 'auditor@pve');
		const creds = tokenCredentials(sim, { tokenId: limited.tokenid, tokenSecret: limited.secret });
		const error = (await runNode(NODE, { resource: 'vm', operation: 'start', guest: locator(104) } as never, { credentials: creds }).catch((e) => e)) as NodeApiError;
		expect(error.name).toBe('NodeApiError');
		expect(error.httpCode).toBe('403');
		expect(error.description).toMatch(/lacks VM\.PowerMgmt on \/vms\/104/);
		expect(JSON.stringify(error)).not.toContain(limited.secret);
	});

	it('reports a bad token as 401 without leaking the secret', async () => {
		const creds = tokenCredentials(sim, { tokenSecret: 'ffffffff-0000-4000-8000-000000000000' });
		const error = (await runNode(NODE, { resource: 'vm', operation: 'getMany' } as never, { credentials: creds }).catch((e) => e)) as NodeApiError;
		expect(error.httpCode).toBe('401');
		expect(JSON.stringify(error)).not.toContain('ffffffff-0000-4000-8000-000000000000');
	});

	it('surfaces 595/596 when the guest\'s node is offline', async () => {
		sim.control.takeNodeOffline('pve3');
		try {
			const error = (await vm('get', { guest: locator(104) }).catch((e) => e)) as NodeApiError;
			expect(error.name).toBe('NodeApiError');
			expect(['595', '596']).toContain(error.httpCode);
			expect(error.description).toMatch(/did not answer/);
		} finally {
			sim.control.bringNodeOnline('pve3');
		}
	});

	it('fails on a TLS fingerprint mismatch: a short headline, the presented fingerprint and where to compare it below', async () => {
		const creds = tokenCredentials(sim, { fingerprint: 'AA'.repeat(32) });
		const error = (await runNode(NODE, { resource: 'vm', operation: 'getMany' } as never, { credentials: creds }).catch((e) => e)) as NodeApiError;
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toBe(`Certificate of ${sim.host}:${sim.port} does not match the pinned fingerprint`);
		expect(error.description).toContain(sim.fingerprint);
		expect(error.description).toMatch(/System > Certificates/);
		expect(error.description).not.toContain(error.message);
	});

	it('turns a failed task into an error carrying the log tail, or an error item', async () => {
		sim.control.failNextTask({ type: 'qmstart', id: '104', message: 'start failed: QEMU exited with code 1' });
		const error = (await vm('start', { guest: locator(104) }).catch((e) => e)) as NodeOperationError;
		expect(error.message).toBe('Task qmstart 104 failed: start failed: QEMU exited with code 1');
		expect(error.description).toMatch(/^Task UPID:pve3:\S+ on pve3\nLast log lines:\n(.*\n)*TASK ERROR: start failed: QEMU exited with code 1$/);
		sim.control.failNextTask({ type: 'qmstart', id: '104', message: 'start failed: QEMU exited with code 1' });
		const result = await runNodeForResult(NODE, { resource: 'vm', operation: 'start', guest: locator(104) } as never, { credentials, continueOnFail: true });
		const [item] = result.output('Node');
		expect(item.json.error).toBe('Task qmstart 104 failed: start failed: QEMU exited with code 1');
		expect(item.json.task).toMatchObject({ type: 'qmstart', id: '104', status: 'stopped', success: false, exitStatus: 'start failed: QEMU exited with code 1' });
		expect((item.json.task as { logTail: string[] }).logTail.at(-1)).toBe('TASK ERROR: start failed: QEMU exited with code 1');
		sim.control.lockGuest(101, 'backup');
		try {
			const locked = await runNodeForResult(NODE, { resource: 'vm', operation: 'start', guest: locator(101) } as never, { credentials, continueOnFail: true });
			expect(locked.output('Node')[0].json.error).toBe('VM 101 is locked (backup)');
		} finally {
			sim.control.lockGuest(101, null);
		}
	});

	it('times out waiting for a slow task and says the task continues', async () => {
		sim.control.injectFault({ path: '/tasks/.*/status$', kind: 'hang' });
		try {
			const error = (await vm('shutdown', { guest: locator(100), waitTimeout: 1 }).catch((e) => e)) as Error;
			expect(error.message).toMatch(/still running after 1 s/);
		} finally {
			sim.control.clearFaults();
		}
	});
});
