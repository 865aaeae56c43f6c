/**
 * The PBS twin of test/engine/proxmox/fuzz-tools.test.ts: a scripted "model" drives every
 * operation of the Proxmox Backup Server tool (runNode with asTool, the owner's opt-in on so the
 * gate does not hide anything, dry run so writes are shown, not sent) with hostile values in every
 * field that names a resource: `..`, `/`, `%2e%2e`, `?`, `#`, very long strings and other
 * resources' ids. Each request, on the wire (simulator log) or planned (dry-run output), must be
 * a PBS schema endpoint the same operation uses with benign values, with no empty or dot segment.
 */
import type { INodeParameters } from 'n8n-workflow';

import { RESOURCES } from '../../../nodes/ProxmoxBackupServer/actions/registry';
import { PBS_CATALOGUE } from '../../../nodes/ProxmoxBackupServer/helpers/catalogue';
import { runNodeForResult } from '../../helpers/engine';
import type { ProxmoxSimulator } from '../../simulators/proxmox';
import { NODE, pbsToken, startPbs, stopSim } from './setup';

jest.setTimeout(600_000);

const HOSTILE = ['..', '.', '../..', '/', '%2e%2e', '..%2f..', 'x/../../status', '?x=1', '#frag', 'a b', 'x'.repeat(5000)];

/** A value as a model fills it: an expression ($fromAI), which the editor's field checks do not see. */
const expr = (value: unknown) => `={{ ${JSON.stringify(value)} }}`;
const rl = (value: string, mode = 'id') => expr({ __rl: true, mode, value });

interface Sent {
	method: string;
	path: string;
}

function dotOrEmptySegment(path: string): boolean {
	return path
		.split('?')[0]
		.split('/')
		.slice(1)
		.some((segment) => segment === '' || /^(\.|%2e){1,2}$/i.test(segment));
}

const UPID = 'UPID:localhost:00001A2B:0000C3D4:00000007:65A1B2C3:garbage_collection:backup:root@pam:';

describe('PBS tool under hostile parameters', () => {
	let sim: ProxmoxSimulator;
	beforeAll(async () => {
		sim = await startPbs();
	});
	afterAll(async () => await stopSim(sim));

	/** Fields that name a resource, with a benign value. */
	const BENIGN: Record<string, () => unknown> = {
		store: () => rl('backup', 'name'),
		namespace: () => rl('', 'path'),
		group: () => rl('vm/100'),
		snapshot: () => rl('vm/100/2025-01-31T03:00:00Z'),
		jobId: () => rl('p-daily'),
		upid: () => expr(UPID),
		name: () => expr('fuzz-ns'),
	};
	const OTHER_IDS: Record<string, string[]> = {
		store: ['other-store', 'backup/../..'],
		namespace: ['a/../b', 'a//b'],
		group: ['vm/../..', 'ct/200', 'vm/100/..'],
		snapshot: ['vm/100/../../x', 'vm/../100/1', 'ct/200/1700000000'],
		jobId: ['v-weekly', 'pull-offsite', '../p-daily'],
		// UPIDs that parse, with hostile parts (node, worker id).
		upid: ['UPID:..:00001A2B:0000C3D4:00000007:65A1B2C3:garbage_collection:backup:root@pam:', 'UPID:localhost:00001A2B:0000C3D4:00000007:65A1B2C3:verify:../../status:root@pam:', 'UPID:localhost:00002B3C:0000D4E5:00000009:65A1B2C4:verify:backup:root@pam:'],
	};
	/** Lookups any operation may make (datastore and namespace checks). */
	const LOOKUPS = new Set(['GET /admin/datastore', 'GET /admin/datastore/{store}/namespace']);

	async function sentBy(parameters: INodeParameters): Promise<Sent[]> {
		const before = sim.requests.length;
		const result = await runNodeForResult(NODE, parameters, { credentials: pbsToken(sim), asTool: true }).catch(() => undefined);
		const sent = sim.requests.slice(before).map((r) => ({ method: r.method, path: r.url }));
		for (const item of result?.run.data.resultData.runData.Node?.[0]?.data?.main?.[0] ?? []) {
			const request = item.json.request as { method?: string; url?: string } | undefined;
			if (item.json.dryRun && request?.url) {
				const url = new URL(request.url);
				sent.push({ method: String(request.method), path: `${url.pathname}${url.search}` });
			}
		}
		return sent;
	}

	function endpointOf(request: Sent): string {
		expect(request.path.startsWith('/api2/json/')).toBe(true);
		const path = request.path.slice('/api2/json'.length).split('?')[0];
		const found = PBS_CATALOGUE.find(request.method, path);
		return found ? `${request.method} ${found.endpoint.p}` : `${request.method} ${path} (not an API endpoint)`;
	}

	for (const resource of RESOURCES.filter((r) => r.value !== 'apiCall')) {
		it(`${resource.name}: every operation stays on its endpoints`, async () => {
			const escapes: string[] = [];
			let checked = 0;
			let benignSent = 0;
			for (const op of resource.operations) {
				const fields = op.properties.filter((p) => BENIGN[p.name] && ['string', 'resourceLocator'].includes(p.type)).map((p) => p.name);
				const benign: INodeParameters = { resource: resource.value, operation: op.value, dryRun: true, allowDestructiveFromAi: true, waitForCompletion: false, scope: 'group', timeout: 2 };
				for (const field of fields) benign[field] = BENIGN[field]() as string;
				const benignRequests = await sentBy(benign);
				benignSent += benignRequests.length;
				const intended = new Set([...LOOKUPS, ...benignRequests.map(endpointOf)]);
				for (const field of fields) {
					const isLocator = op.properties.find((p) => p.name === field)?.type === 'resourceLocator';
					const mode = field === 'store' ? 'name' : field === 'namespace' ? 'path' : 'id';
					for (const value of [...HOSTILE, ...(OTHER_IDS[field] ?? [])]) {
						for (const request of await sentBy({ ...benign, [field]: isLocator ? rl(value, mode) : expr(value) })) {
							checked++;
							const endpoint = endpointOf(request);
							if (dotOrEmptySegment(request.path) || !intended.has(endpoint)) {
								escapes.push(`${resource.value}.${op.value} ${field}=${JSON.stringify(value.slice(0, 40))}: ${request.method} ${request.path.slice(0, 120)} (${endpoint})`);
							}
						}
					}
				}
			}
			expect(escapes).toEqual([]);
			// Not vacuous: benign runs reached the server (or planned a request), and so did hostile ones
			// with other resources' ids (lookups, reads, planned writes).
			expect(benignSent).toBeGreaterThan(0);
			expect(checked).toBeGreaterThan(0);
		});
	}

	it('API Call: hostile path variables and endpoints stay on the given endpoint', async () => {
		const escapes: string[] = [];
		let checked = 0;
		const call = (endpoint: string, parameters: Record<string, unknown>) =>
			sentBy({ resource: 'apiCall', operation: 'request', endpoint: rl(endpoint, 'path'), parameters: expr(JSON.stringify(parameters)), dryRun: true, allowDestructiveFromAi: true, waitForCompletion: false });
		for (const value of [...HOSTILE, 'other-store', 'backup']) {
			const cases: Array<[string, Record<string, unknown>, string]> = [
				['GET /admin/datastore/{store}/status', { store: value }, 'GET /admin/datastore/{store}/status'],
				['GET /admin/datastore/{store}/snapshots', { store: 'backup', 'backup-id': value }, 'GET /admin/datastore/{store}/snapshots'],
				[`GET /admin/datastore/${value}/status`, {}, 'GET /admin/datastore/{store}/status'],
				['DELETE /admin/datastore/{store}/namespace', { store: value, ns: 'x' }, 'DELETE /admin/datastore/{store}/namespace'],
				['GET /nodes/{node}/tasks/{upid}/status', { node: value, upid: UPID }, 'GET /nodes/{node}/tasks/{upid}/status'],
				[`PUT /access/users/${value}/token/x`, {}, 'PUT /access/users/{userid}/token/{token-name}'],
			];
			for (const [endpoint, parameters, intended] of cases) {
				for (const request of await call(endpoint, parameters)) {
					checked++;
					const reached = endpointOf(request);
					if (dotOrEmptySegment(request.path) || reached !== intended) {
						escapes.push(`${endpoint} ${JSON.stringify(parameters).slice(0, 60)}: ${request.method} ${request.path.slice(0, 120)} (${reached})`);
					}
				}
			}
		}
		expect(escapes).toEqual([]);
		expect(checked).toBeGreaterThan(10);
	});
});
