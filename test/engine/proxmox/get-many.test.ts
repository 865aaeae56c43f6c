/**
 * Get Many operations of the Proxmox node: Return All / Limit like n8n's own nodes (returnAll
 * false by default, Limit 50), and guest tags as a list next to Proxmox's raw `tags` string
 * (`prod;web`: PVE stores tags separated by ";").
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

const run = (resource: string, operation: string, parameters: Record<string, unknown> = {}) =>
	runNode(NODE, { resource, operation, ...parameters } as never, { credentials });

describe.each([
	['vm', {}],
	['container', {}],
	['node', {}],
	['storage', { node: locator('pve1') }],
])('%s > Get Many', (resource, extra) => {
	it('returns everything with Return All, and at most Limit items otherwise', async () => {
		const all = await run(resource, 'getMany', { ...extra, returnAll: true });
		expect(all.length).toBeGreaterThan(1);
		const limited = await run(resource, 'getMany', { ...extra, returnAll: false, limit: 1 });
		expect(limited).toHaveLength(1);
		// The same first item (its counters move between the two reads, so compare its identity).
		const identity = (json: Record<string, unknown>) => json.id ?? json.storage;
		expect(identity(all[0].json)).toBeDefined();
		expect(identity(limited[0].json)).toEqual(identity(all[0].json));
		// Defaults: Return All off, Limit 50 (more than the simulator's cluster holds).
		const byDefault = await run(resource, 'getMany', extra);
		expect(byDefault).toHaveLength(Math.min(50, all.length));
	});
});

describe('guest tags', () => {
	it('come as the raw string and as a list in VM > Get Many and VM > Get', async () => {
		const all = await run('vm', 'getMany', { returnAll: true });
		const web = all.find((item) => item.json.vmid === 100)!.json;
		expect(web.tags).toBe('prod;web');
		expect(web.tagList).toEqual(['prod', 'web']);
		const untagged = all.find((item) => !item.json.tags)!.json;
		expect(untagged.tagList).toEqual([]);
		const [one] = await run('vm', 'get', { guest: locator(100) });
		expect(one.json.tagList).toEqual(['prod', 'web']);
		expect((one.json.config as { tags?: string }).tags).toBe('prod;web');
	});
});
