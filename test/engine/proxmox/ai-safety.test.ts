/**
 * The destructive gate when a model drives the Proxmox node (run as the generated ProxmoxTool):
 * one test per way around it found in review (issue 16), each refused with the gate's message and
 * allowed once the owner opts in. The simulator's request log shows what left the node.
 */
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

const REFUSED = /^Refused: ".*" \(.*\) is destructive.* and this Proxmox tool does not allow destructive operations from AI\.$/;

const tool = (resource: string, operation: string, parameters: Record<string, unknown>, allow = false) =>
	runNode(NODE, { resource, operation, ...parameters, ...(allow ? { allowDestructiveFromAi: true } : {}) } as never, { credentials, asTool: true });

const apiCall = (endpoint: string, parameters: Record<string, unknown> = {}, allow = false, extra: Record<string, unknown> = {}) =>
	tool('apiCall', 'request', { endpoint: locator(endpoint, 'path'), parameters: JSON.stringify(parameters), ...extra }, allow);

/** Requests that reached the simulator while `run` ran. */
async function sent(run: () => Promise<unknown>): Promise<Array<{ method: string; url: string }>> {
	const before = sim.requests.length;
	await run().catch(() => undefined);
	return sim.requests.slice(before);
}

describe('API Call is classed from its endpoint', () => {
	it('refuses POST …/status/stop and …/status/reset, as VM > Stop and Reset are refused, and sends nothing', async () => {
		for (const action of ['stop', 'reset']) {
			const requests = await sent(async () => {
				await expect(apiCall(`POST /nodes/pve1/qemu/100/status/${action}`)).rejects.toThrow(REFUSED);
			});
			expect(requests.filter((r) => r.url.includes('/status/'))).toEqual([]);
		}
		await expect(apiCall('POST /nodes/{node}/qemu/{vmid}/status/stop', { node: 'pve1', vmid: 105 })).rejects.toThrow(
			'Refused: "Call any Proxmox VE API endpoint" (apiCall.request) is destructive (stops or resets the guest without a clean shutdown (unsaved data is lost)) and this Proxmox tool does not allow destructive operations from AI.',
		);
	});

	it('runs the stop once the owner allows destructive operations', async () => {
		const [guest] = await runNode(NODE, { resource: 'vm', operation: 'get', guest: locator(105) } as never, { credentials });
		const path = `/nodes/${String(guest.json.node)}/qemu/105/status/stop`;
		const [item] = await apiCall(`POST ${path}`, {}, true);
		expect(item.json).toMatchObject({ method: 'POST', path, exitStatus: 'OK', success: true });
		await runNode(NODE, { resource: 'vm', operation: 'start', guest: locator(105) } as never, { credentials });
	});

	it('refuses PUT /access/acl (granting Administrator) and allows it on opt-in', async () => {
		const grant = { path: '/vms/100', roles: 'Administrator', users: 'root@pam' };
		await expect(apiCall('PUT /access/acl', grant)).rejects.toThrow(/is destructive \(changes users, groups, tokens, permissions, realms, TFA or passwords\)/);
		const [item] = await apiCall('PUT /access/acl', grant, true);
		expect(item.json).toEqual({ method: 'PUT', path: '/access/acl', result: null });
	});

	it('refuses creating a root token and masks the secret of the one created on opt-in', async () => {
		await expect(apiCall('POST /access/users/{userid}/token/{tokenid}', { userid: 'root@pam', tokenid: 'model', privsep: 0 })).rejects.toThrow(REFUSED);
		const [item] = await apiCall('POST /access/users/{userid}/token/{tokenid}', { userid: 'root@pam', tokenid: 'model', privsep: 0 }, true);
		expect(item.json['full-tokenid']).toBe('root@pam!model');
		expect(item.json.value).toBe('***');
		expect(JSON.stringify(item.json)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
	});

	it('keeps reads and ordinary writes open to a model', async () => {
		const guests = await apiCall('GET /nodes/pve1/qemu');
		expect(guests.map((item) => item.json.vmid).sort()).toEqual([100, 101, 9000]);
		const [tags] = await apiCall('PUT /nodes/pve1/qemu/100/config', { tags: 'ai' });
		expect(tags.json).toEqual({ method: 'PUT', path: '/nodes/pve1/qemu/100/config', result: null });
	});

	it('refuses removing a disk or shrinking memory through the config endpoint', async () => {
		await expect(apiCall('PUT /nodes/pve1/qemu/100/config', { delete: 'scsi0' })).rejects.toThrow(/is destructive \(removes disk\(s\) scsi0\)/);
		await expect(apiCall('PUT /nodes/pve1/qemu/100/config', { memory: 16 })).rejects.toThrow(/is destructive \(shrinks memory \(\d+ → 16\)\)/);
	});

	it('refuses reading guest files through the raw endpoint, even in a dry run', async () => {
		const requests = await sent(async () => {
			await expect(apiCall('GET /nodes/pve1/qemu/100/agent/file-read', { file: '/etc/shadow' }, false, { dryRun: true })).rejects.toThrow(/reads any file inside the guest/);
		});
		expect(requests.filter((r) => r.url.includes('file-read'))).toEqual([]);
	});

	it('classes DELETE and endpoints outside the schema as destructive', async () => {
		await expect(apiCall('DELETE /nodes/pve1/qemu/102')).rejects.toThrow(/is destructive \(every DELETE removes something\)/);
		await expect(apiCall('POST /nodes/pve1/brand-new', {}, false, { validate: false })).rejects.toThrow(/the endpoint is not in the API schema/);
	});
});

describe('Paths cannot be steered elsewhere', () => {
	it('refuses node ".." before building a path (no GET /api2/json/status leaves)', async () => {
		const requests = await sent(async () => {
			await expect(tool('node', 'getStatus', { node: locator('..', 'name') })).rejects.toThrow('Node: ".." is not a node name (letters, digits and "-", as PVE\'s pve-node format)');
		});
		expect(requests).toEqual([]);
	});

	it('a dry run of Restart Service on node ".." shows no request and sends none', async () => {
		const requests = await sent(async () => {
			await expect(tool('node', 'restartService', { node: locator('..', 'name'), service: 'pvestatd', dryRun: true })).rejects.toThrow(/^Node: "\.\." is not a node name/);
		});
		expect(requests).toEqual([]);
	});

	it('refuses a service named ".." instead of restarting another endpoint', async () => {
		await expect(tool('node', 'restartService', { node: locator('pve1', 'name'), service: '..' })).rejects.toThrow('Refused ".." as part of an API path: it contains a "." or ".." path segment');
	});

	it('refuses VMIDs outside 100 to 999999999', async () => {
		// As a model fills it: an expression ($fromAI), which the editor's field check does not see.
		const fromModel = (value: string) => `={{ { "__rl": true, "mode": "id", "value": "${value}" } }}`;
		await expect(tool('vm', 'get', { guest: fromModel('5') })).rejects.toThrow('VM: "5" is not a VMID (a whole number from 100 to 999999999)');
		await expect(tool('vm', 'get', { guest: fromModel('1000000000') })).rejects.toThrow(/is not a VMID/);
		await expect(tool('container', 'get', { guest: fromModel('../100') })).rejects.toThrow('Container: "../100" is not a VMID (a whole number from 100 to 999999999)');
	});

	it('refuses API Call paths and variables with dot segments, queries or fragments', async () => {
		await expect(apiCall('GET /nodes/{node}/status', { node: '..' })).rejects.toThrow('Path variable node: ".." contains a "." or ".." path segment');
		await expect(apiCall('GET /nodes/%2e%2e/status')).rejects.toThrow(/Path variable node: "\.\." contains a "\." or "\.\." path segment/);
		await expect(apiCall('GET /nodes/pve1/status?x=1')).rejects.toThrow(/the path must not contain "\?", "#" or "\\"/);
		await expect(apiCall('GET /nodes//status', {}, false, { validate: false })).rejects.toThrow(/empty segment/);
	});
});

describe('Update Config, Create and Guest Agent Read File are classed per call', () => {
	it('Update Config removing the boot disk is refused, and runs on opt-in', async () => {
		const remove = { guest: locator(103), deleteOptions: 'scsi0' };
		await expect(tool('vm', 'updateConfig', remove)).rejects.toThrow(/"Update a VM configuration" \(vm\.updateConfig\) is destructive \(removes disk\(s\) scsi0\)/);
		const [item] = await tool('vm', 'updateConfig', remove, true);
		expect((item.json.config as Record<string, unknown>).scsi0).toBeUndefined();
	});

	it('Update Config replacing a disk or lowering memory is refused; raising memory or setting tags is not', async () => {
		await expect(tool('vm', 'updateConfig', { guest: locator(100), extraParameters: { parameter: [{ name: 'scsi0', value: 'local-lvm:vm-100-disk-9' }] } })).rejects.toThrow(/replaces or adds disk\(s\) scsi0/);
		await expect(tool('container', 'updateConfig', { guest: locator(200), extraParameters: { parameter: [{ name: 'memory', value: '16' }] } })).rejects.toThrow(/shrinks memory/);
		await expect(tool('container', 'updateConfig', { guest: locator(200), deleteOptions: 'mp0' })).rejects.toThrow(/removes disk\(s\) mp0/);
		const [item] = await tool('vm', 'updateConfig', { guest: locator(100), extraParameters: { parameter: [{ name: 'memory', value: '65536' }, { name: 'tags', value: 'big' }] } });
		expect((item.json.config as Record<string, unknown>).tags).toBe('big');
	});

	it('a backup job with a retention that prunes older backups is refused', async () => {
		const job = { schedule: '21:00', jobStorage: 'nfs-backup', selection: 'all', mode: 'snapshot', extraParameters: { parameter: [{ name: 'prune-backups', value: 'keep-last=1' }] } };
		await expect(tool('cluster', 'createBackupJob', job)).rejects.toThrow(/"Create a backup job" \(cluster\.createBackupJob\) is destructive \(sets prune-backups, which prunes older backups\)/);
		await expect(tool('cluster', 'updateBackupJob', { jobId: 'backup-daily', ...job })).rejects.toThrow(/sets prune-backups/);
	});

	it('Create with "force" in the additional parameters is refused', async () => {
		await expect(tool('vm', 'create', { node: locator('pve1', 'name'), newVmid: 102, extraParameters: { parameter: [{ name: 'force', value: '1' }] } })).rejects.toThrow(/force overwrites an existing guest/);
	});

	it('Guest Agent Read File reads only the owner\'s allow-list as a tool', async () => {
		const read = (file: string, extra: Record<string, unknown> = {}, allow = false) => tool('vm', 'agentFileRead', { guest: locator(100), file, ...extra }, allow);
		await expect(read('/etc/shadow')).rejects.toThrow(/"Read a file inside a VM" \(vm\.agentFileRead\) is destructive \(reads any file inside the guest: "\/etc\/shadow" is not on the node's "AI Readable Paths"\)/);
		await expect(read('/etc/../etc/shadow', { aiReadablePaths: '/etc/' })).rejects.toThrow(/is not a plain absolute path/);
		await expect(read('/etc/shadow', { aiReadablePaths: '/etc/os-release\n/var/log/' })).rejects.toThrow(/not on the node's "AI Readable Paths"/);
		const [allowed] = await read('/etc/os-release', { aiReadablePaths: '/etc/os-release\n/var/log/' });
		expect(allowed.json).toMatchObject({ vmid: 100, file: '/etc/os-release', truncated: false });
		expect(allowed.json.content).toMatch(/^PRETTY_NAME=/m);
		const [optedIn] = await read('/etc/hostname', {}, true);
		expect(optedIn.json).toMatchObject({ vmid: 100, file: '/etc/hostname' });
		// Run by a person (not as a tool), no list applies.
		const [manual] = await runNode(NODE, { resource: 'vm', operation: 'agentFileRead', guest: locator(100), file: '/etc/hostname' } as never, { credentials });
		expect(manual.json.file).toBe('/etc/hostname');
	});
});
