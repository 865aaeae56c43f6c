/**
 * The destructive gate when a model drives the Proxmox Backup Server node (run as the generated
 * ProxmoxBackupServerTool): API Call classed from its endpoint (PBS rule table), refused with the
 * gate's message and nothing sent, allowed once the owner opts in; secrets masked in answers; path
 * values checked. The simulator's request log shows what left the node.
 */
import type { IDataObject } from 'n8n-workflow';

import { runNode } from '../../helpers/engine';
import type { ProxmoxSimulator } from '../../simulators/proxmox';
import { locator, NODE, pbsToken, startPbs, stopSim } from './setup';

let sim: ProxmoxSimulator;
beforeAll(async () => {
	sim = await startPbs();
});
afterAll(async () => await stopSim(sim));

const REFUSED = /^Refused: "Call any Proxmox Backup Server API endpoint" \(apiCall\.request\) is destructive \(.*\) and this Proxmox Backup Server tool does not allow destructive operations from AI\.$/;

const apiCall = async (endpoint: string, parameters: Record<string, unknown> = {}, options: { allow?: boolean; asTool?: boolean; extra?: Record<string, unknown> } = {}): Promise<IDataObject[]> => {
	const items = await runNode(
		NODE,
		{ resource: 'apiCall', operation: 'request', endpoint: locator(endpoint, 'path'), parameters: JSON.stringify(parameters), ...(options.allow ? { allowDestructiveFromAi: true } : {}), ...options.extra } as never,
		{ credentials: pbsToken(sim), asTool: options.asTool ?? true },
	);
	return items.map((item: { json: IDataObject }) => item.json);
};

/** Requests that reached the simulator while `run` ran. */
async function sent(run: () => Promise<unknown>): Promise<Array<{ method: string; url: string }>> {
	const before = sim.requests.length;
	await run();
	return sim.requests.slice(before);
}

async function snapshotsOf(group: string): Promise<IDataObject[]> {
	const [type, id] = group.split('/');
	return (await apiCall('GET /admin/datastore/{store}/snapshots', { store: 'backup', 'backup-type': type, 'backup-id': id })).filter((s) => s['backup-type'] === type && s['backup-id'] === id);
}

describe('PBS API Call is classed from its endpoint', () => {
	it('refuses PUT /access/acl (granting Admin) and sends nothing; allows it on opt-in', async () => {
		const grant = { path: '/', role: 'Admin', 'auth-id': 'n8n-ai@pbs' };
		sim.control.createToken('n8n-ai@pbs', 'x', { privsep: true, acl: [] });
		const requests = await sent(async () => {
			await expect(apiCall('PUT /access/acl', grant)).rejects.toThrow(REFUSED);
		});
		expect(requests).toEqual([]);
		await expect(apiCall('PUT /access/acl', grant)).rejects.toThrow(/\(changes users, tokens, permissions \(ACLs\), TFA or passwords\)/);
		const [item] = await apiCall('PUT /access/acl', grant, { allow: true });
		expect(item).toEqual({ method: 'PUT', path: '/access/acl', result: null });
		const acl = await apiCall('GET /access/acl');
		expect(acl).toContainEqual(expect.objectContaining({ path: '/', roleid: 'Admin', ugid: 'n8n-ai@pbs' }));
	});

	it('refuses creating an API token; with opt-in the new secret is masked (also when a person runs it)', async () => {
		await expect(apiCall('POST /access/users/{userid}/token/{token-name}', { userid: 'root@pam', 'token-name': 'ai1' })).rejects.toThrow(REFUSED);
		expect(await apiCall('GET /access/users/{userid}/token', { userid: 'root@pam' })).not.toContainEqual(expect.objectContaining({ tokenid: 'root@pam!ai1' }));
		const [item] = await apiCall('POST /access/users/{userid}/token/{token-name}', { userid: 'root@pam', 'token-name': 'ai1' }, { allow: true });
		expect(item).toEqual({ method: 'POST', path: '/access/users/root%40pam/token/ai1', tokenid: 'root@pam!ai1', value: '***' });
		const [byPerson] = await apiCall('POST /access/users/{userid}/token/{token-name}', { userid: 'root@pam', 'token-name': 'ai2' }, { asTool: false });
		expect(byPerson).toMatchObject({ tokenid: 'root@pam!ai2', value: '***' });
		// The token exists: only the answer was masked.
		expect(await apiCall('GET /access/users/{userid}/token', { userid: 'root@pam' })).toContainEqual(expect.objectContaining({ tokenid: 'root@pam!ai2' }));
	});

	it('refuses DELETE of a snapshot and deletes it on opt-in', async () => {
		const [victim] = await snapshotsOf('vm/100');
		const parameters = { store: 'backup', 'backup-type': 'vm', 'backup-id': '100', 'backup-time': victim['backup-time'] };
		const requests = await sent(async () => {
			await expect(apiCall('DELETE /admin/datastore/{store}/snapshots', parameters)).rejects.toThrow(/is destructive \(every DELETE removes something\)/);
		});
		expect(requests).toEqual([]);
		await apiCall('DELETE /admin/datastore/{store}/snapshots', parameters, { allow: true });
		expect((await snapshotsOf('vm/100')).map((s) => s['backup-time'])).not.toContain(victim['backup-time']);
	});

	it('refuses a prune (as Prune > Apply is refused); the same call with dry-run is a write and runs', async () => {
		const before = (await snapshotsOf('vm/101')).length;
		const prune = { store: 'backup', 'backup-type': 'vm', 'backup-id': '101', 'keep-last': 1 };
		await expect(apiCall('POST /admin/datastore/{store}/prune', prune)).rejects.toThrow(/\(removes the snapshots the retention does not keep\)/);
		const [listed] = await apiCall('POST /admin/datastore/{store}/prune', { ...prune, 'dry-run': true });
		expect(before).toBeGreaterThan(1);
		expect(listed.result).toHaveLength(before);
		expect((listed.result as IDataObject[]).filter((s) => s.keep && !s.protected)).toHaveLength(1);
		expect((await snapshotsOf('vm/101')).length).toBe(before);
	});

	it('refuses a prune job that sets retention, and running a prune job', async () => {
		await expect(apiCall('POST /config/prune', { id: 'ai-prune', store: 'backup', schedule: 'daily', 'keep-last': 1 })).rejects.toThrow(/\(sets keep-last, which prunes older snapshots\)/);
		await expect(apiCall('POST /admin/prune/{id}/run', { id: 'p-daily' })).rejects.toThrow(/\(runs a prune job/);
	});

	it('a model cannot read files out of a backup, not even in a dry run', async () => {
		const requests = await sent(async () => {
			await expect(
				apiCall('GET /admin/datastore/{store}/download-decoded', { store: 'backup', 'backup-type': 'host', 'backup-id': 'x', 'backup-time': 1, 'file-name': 'root.pxar.didx' }, { extra: { dryRun: true } }),
			).rejects.toThrow(/\(reads files out of a backup/);
		});
		expect(requests).toEqual([]);
	});

	it('a dry run of a destructive call shows the request and its class without the opt-in', async () => {
		const requests = await sent(async () => {
			const [out] = await apiCall('PUT /access/acl', { path: '/', role: 'Admin', 'auth-id': 'evil@pbs' }, { extra: { dryRun: true } });
			expect(out).toMatchObject({ dryRun: true, safety: 'destructive', request: { method: 'PUT' } });
		});
		expect(requests).toEqual([]);
	});

	it('reads and ordinary writes pass without the opt-in', async () => {
		expect((await apiCall('GET /admin/datastore')).map((d) => d.store)).toContain('backup');
		const [gc] = await apiCall('POST /admin/datastore/{store}/gc', { store: 'backup' }, { extra: { waitForCompletion: false } });
		expect(String(gc.upid)).toMatch(/^UPID:/);
	});
});

describe('PBS path values', () => {
	it.each(['..', '.', '%2e%2e', 'a/../b'])('refuses store %j before anything is sent', async (store) => {
		const requests = await sent(async () => {
			await expect(apiCall('GET /admin/datastore/{store}/status', { store })).rejects.toThrow(/^Path variable store: ".*" (contains a "\." or "\.\." path segment)$/);
		});
		expect(requests).toEqual([]);
	});

	it('refuses ? and # in a given path', async () => {
		await expect(apiCall('GET /admin/datastore/backup/status?x=1')).rejects.toThrow('Endpoint "GET /admin/datastore/backup/status?x=1": the path must not contain "?", "#" or "\\"');
	});
});
