/**
 * A scripted "model" drives every operation of the Proxmox, Gotify and ntfy tools, Send Event included (runNode with
 * asTool, the owner's opt-in on so the gate does not hide anything) with hostile values in every
 * field that names a resource: `..`, `/`, `%2e%2e`, `?`, `#`, very long strings and other
 * resources' ids. Whatever it sends must stay on the operation's intended endpoints:
 * - Proxmox: dry run (writes are shown, not sent; reads still go). Each request, on the wire
 *   (simulator log) or planned (dry-run output), must be a schema endpoint the same operation
 *   uses with benign values (or a guest/node lookup), with no empty or dot segment.
 * - Gotify and ntfy: each request on the wire must match the operation's own paths.
 */
import type { INodeParameters } from 'n8n-workflow';

import { GOTIFY_SAFETY } from '../../../nodes/Gotify/safety';
import { RESOURCES } from '../../../nodes/Proxmox/actions/registry';
import { findEndpoint } from '../../../nodes/Proxmox/helpers/catalogue';
import { closeAllPools } from '../../../nodes/shared/transport';
import { runNodeForResult } from '../../helpers/engine';
import { startGotifySimulator, type GotifySimulator } from '../../simulators/gotify';
import { startNtfySimulator, type NtfySimulator } from '../../simulators/ntfy';
import type { ProxmoxSimulator } from '../../simulators/proxmox';
import { backupFailure } from '../../unit/render/fixtures';
import { NODE, startSim, stopSim, tokenCredentials } from './setup';

jest.setTimeout(600_000);

const HOSTILE = ['..', '.', '../..', '/', '%2e%2e', '..%2f..', 'x/../../status', '?x=1', '#frag', 'a b', 'x'.repeat(5000)];

/** A value as a model fills it: an expression ($fromAI), which the editor's field checks do not see. */
const expr = (value: unknown) => `={{ ${JSON.stringify(value)} }}`;
const rl = (value: string) => expr({ __rl: true, mode: 'id', value });

/** Trigger items whose event fields carry a hostile value: Send Event must still post only to its endpoint. */
const hostileEvents = (value: string) => [
	{ ...backupFailure, host: value, title: value, message: value, event: { ...backupFailure.event, type: value, node: value, vmid: value, upid: value } },
	{ ...backupFailure, severity: 'critical', event: { type: 'guest.stopped', node: value, vmid: value } },
];

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

describe('Proxmox tool under hostile parameters', () => {
	let sim: ProxmoxSimulator;
	let credentials: ReturnType<typeof tokenCredentials>;
	beforeAll(async () => {
		sim = await startSim();
		credentials = tokenCredentials(sim);
	});
	afterAll(async () => await stopSim(sim));

	/** Fields that name a resource, with a benign value (per resource where it differs). */
	const BENIGN: Record<string, (resource: string) => unknown> = {
		guest: (resource) => rl(resource === 'container' ? '200' : '100'),
		node: () => rl('pve1'),
		snapshot: () => rl('before-upgrade'),
		storage: (resource) => (resource === 'vm' || resource === 'container' ? expr('local-lvm') : rl('local')),
		volume: () => rl('nfs-backup:backup/vzdump-qemu-100-2024_01_01-00_00_00.vma.zst'),
		volumeId: () => expr('local:iso/debian-12.iso'),
		service: () => expr('pvestatd'),
		jobId: () => expr('backup-daily'),
		upid: () => expr('UPID:pve1:0000A1B2:0001C3D4:65A1B2C3:qmstart:100:root@pam:'),
		targetName: () => expr('fuzz-target'),
		matcherName: () => expr('fuzz-matcher'),
		target: () => expr('pve2'),
		targetStorage: () => expr('local-lvm'),
		onlyNode: () => expr('pve1'),
		snapname: () => expr('fuzz'),
		file: () => expr('/etc/os-release'),
	};
	const OTHER_IDS: Record<string, string[]> = {
		guest: ['9000', '200', '100', '999999999'],
		node: ['pve2', 'pve9'],
		storage: ['nfs-backup'],
		// UPIDs that parse, with hostile parts (node, worker id) and another node's task.
		upid: ['UPID:..:0000A1B2:0001C3D4:65A1B2C3:qmstart:100:root@pam:', 'UPID:pve1:0000A1B2:0001C3D4:65A1B2C3:qmstart:../../status:root@pam:', 'UPID:pve2:0000A1B2:0001C3D4:65A1B2C3:vzdump::root@pam:'],
	};
	/** Guest and node lookups any operation may make. */
	const LOOKUPS = new Set(['GET /cluster/resources', 'GET /nodes', 'GET /nodes/{node}/qemu', 'GET /nodes/{node}/lxc', 'GET /cluster/nextid']);

	async function sentBy(parameters: INodeParameters): Promise<Sent[]> {
		const before = sim.requests.length;
		const result = await runNodeForResult(NODE, parameters, { credentials, asTool: true }).catch(() => undefined);
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
		const found = findEndpoint(request.method, path);
		return found ? `${request.method} ${found.endpoint.p}` : `${request.method} ${path} (not an API endpoint)`;
	}

	for (const resource of RESOURCES.filter((r) => r.value !== 'apiCall')) {
		it(`${resource.name}: every operation stays on its endpoints`, async () => {
			const escapes: string[] = [];
			let checked = 0;
			for (const op of resource.operations) {
				const fields = op.properties.filter((p) => BENIGN[p.name] && ['string', 'resourceLocator'].includes(p.type)).map((p) => p.name);
				const benign: INodeParameters = { resource: resource.value, operation: op.value, dryRun: true, allowDestructiveFromAi: true, waitForCompletion: false };
				for (const field of fields) benign[field] = BENIGN[field](resource.value) as string;
				const intended = new Set([...LOOKUPS, ...(await sentBy(benign)).map(endpointOf)]);
				for (const field of fields) {
					const isLocator = op.properties.find((p) => p.name === field)?.type === 'resourceLocator';
					for (const value of [...HOSTILE, ...(OTHER_IDS[field] ?? [])]) {
						for (const request of await sentBy({ ...benign, [field]: isLocator ? rl(value) : expr(value) })) {
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
			// Not vacuous: hostile runs did send (lookups, reads, planned writes) for this resource.
			expect(checked).toBeGreaterThan(0);
		});
	}

	it('API Call: hostile path variables and endpoints stay on the given endpoint', async () => {
		const escapes: string[] = [];
		let checked = 0;
		const call = (endpoint: string, parameters: Record<string, unknown>) =>
			sentBy({ resource: 'apiCall', operation: 'request', endpoint: rl(endpoint), parameters: expr(JSON.stringify(parameters)), dryRun: true, allowDestructiveFromAi: true, waitForCompletion: false });
		for (const value of [...HOSTILE, 'pve2', '9000']) {
			const cases: Array<[string, Record<string, unknown>, string]> = [
				['GET /nodes/{node}/qemu/{vmid}/config', { node: value, vmid: 100 }, 'GET /nodes/{node}/qemu/{vmid}/config'],
				['GET /nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: value }, 'GET /nodes/{node}/qemu/{vmid}/config'],
				['PUT /nodes/{node}/qemu/{vmid}/config', { node: 'pve1', vmid: 100, tags: value }, 'PUT /nodes/{node}/qemu/{vmid}/config'],
				[`GET /nodes/${value}/status`, {}, 'GET /nodes/{node}/status'],
				[`POST /nodes/pve1/qemu/100/snapshot/${value}/rollback`, {}, 'POST /nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback'],
			];
			for (const [endpoint, parameters, intended] of cases) {
				for (const request of await call(endpoint, parameters)) {
					checked++;
					const reached = endpointOf(request);
					if (dotOrEmptySegment(request.path) || (reached !== intended && reached !== 'GET /nodes/{node}/qemu/{vmid}/config')) {
						escapes.push(`${endpoint} ${JSON.stringify(parameters).slice(0, 60)}: ${request.method} ${request.path.slice(0, 120)} (${reached})`);
					}
				}
			}
		}
		expect(escapes).toEqual([]);
		expect(checked).toBeGreaterThan(10);
		expect(checked).toBeGreaterThan(10);
	});
});

describe('Gotify tool under hostile parameters', () => {
	let sim: GotifySimulator;
	afterAll(async () => {
		await sim?.close();
		await closeAllPools();
	});

	/** The paths each operation may use (Gotify's API, gotify/server router). */
	const INTENDED: Record<string, RegExp[]> = {
		'message.send': [/^POST \/message$/],
		'message.sendEvent': [/^POST \/message$/],
		'message.getMany': [/^GET \/message(\?.*)?$/, /^GET \/application$/, /^GET \/application\/\d+\/message(\?.*)?$/],
		'message.delete': [/^DELETE \/message\/\d+$/],
		'message.deleteAll': [/^GET \/application$/, /^DELETE \/application\/\d+\/message$/],
		'application.getMany': [/^GET \/application$/],
		'application.create': [/^POST \/application$/],
		'application.update': [/^GET \/application$/, /^PUT \/application\/\d+$/],
		'application.delete': [/^GET \/application$/, /^DELETE \/application\/\d+$/],
		'server.health': [/^GET \/health$/],
		'server.version': [/^GET \/version$/],
	};

	it('every operation stays on its paths', async () => {
		sim = await startGotifySimulator();
		const app = sim.createApplication('admin', 'Proxmox');
		const other = sim.createApplication('admin', 'Other');
		const client = sim.createClient('admin');
		const credentials = { proxmoxMcpGotifyApi: { serverUrl: sim.url, appToken: app.token, clientToken: client.token, tlsMode: 'system' } };
		const victim = sim.postMessage(other.token, { message: 'other application' });
		const escapes: string[] = [];
		let checked = 0;
		let eventsSent = 0;
		for (const [resource, ops] of Object.entries(GOTIFY_SAFETY)) {
			for (const op of Object.keys(ops)) {
				for (const value of [...HOSTILE, `../application/${other.id}`, String(victim.id), String(other.id)]) {
					const parameters: INodeParameters = {
						resource,
						operation: op,
						allowDestructiveFromAi: true,
						messageId: expr(value),
						application: rl(value),
						scope: 'application',
						name: expr(value),
						message: expr(value),
						returnAll: true,
					};
					const before = sim.requests.length;
					const items = op === 'sendEvent' ? hostileEvents(value) : undefined;
					await runNodeForResult('gotify', parameters, { credentials, asTool: true, items }).catch(() => undefined);
					for (const request of sim.requests.slice(before)) {
						checked++;
						if (op === 'sendEvent') eventsSent++;
						const line = `${request.method} ${request.path}`;
						if (!INTENDED[`${resource}.${op}`].some((pattern) => pattern.test(line))) escapes.push(`${resource}.${op} ${JSON.stringify(value.slice(0, 40))}: ${line.slice(0, 120)}`);
					}
				}
			}
		}
		expect(escapes).toEqual([]);
		// Not vacuous: the ids that are ids did reach the server, and every hostile event was sent.
		expect(checked).toBeGreaterThan(20);
		expect(eventsSent).toBeGreaterThanOrEqual(2 * HOSTILE.length);
	});
});

describe('ntfy tool under hostile parameters', () => {
	let sim: NtfySimulator;
	afterAll(async () => {
		await sim?.close();
		await closeAllPools();
	});

	const TOPIC = '[-_A-Za-z0-9]{1,64}';
	const INTENDED: Record<string, RegExp[]> = {
		publish: [/^POST \/$/, new RegExp(`^PUT /${TOPIC}$`)],
		sendEvent: [/^POST \/$/],
		getMany: [new RegExp(`^GET /${TOPIC}(,${TOPIC})*/json\\?`)],
		clear: [new RegExp(`^PUT /${TOPIC}/${TOPIC}/clear$`)],
	};

	it('every operation stays on its paths', async () => {
		sim = await startNtfySimulator();
		const credentials = { proxmoxMcpNtfyApi: { serverUrl: sim.url, authentication: 'none', tlsMode: 'system' } };
		const escapes: string[] = [];
		let checked = 0;
		let eventsSent = 0;
		for (const op of Object.keys(INTENDED)) {
			for (const field of ['topic', 'topics', 'sequenceId']) {
				for (const value of [...HOSTILE, 'other-topic', 'a,..']) {
					const parameters: INodeParameters = { operation: op, topic: expr('alerts'), topics: expr('alerts'), sequenceId: expr('seq-1'), message: expr('x'), returnAll: true, [field]: expr(value) };
					const before = sim.requests.length;
					const items = op === 'sendEvent' ? hostileEvents(value) : undefined;
					await runNodeForResult('ntfy', parameters, { credentials, asTool: true, items }).catch(() => undefined);
					for (const request of sim.requests.slice(before)) {
						checked++;
						if (op === 'sendEvent') eventsSent++;
						const line = `${request.method} ${request.path}`;
						if (!INTENDED[op].some((pattern) => pattern.test(line))) escapes.push(`${op} ${field}=${JSON.stringify(value.slice(0, 40))}: ${line.slice(0, 120)}`);
					}
				}
			}
		}
		expect(escapes).toEqual([]);
		expect(checked).toBeGreaterThan(10);
		// Hostile events (with a valid topic) were published, not refused before the wire.
		expect(eventsSent).toBeGreaterThan(HOSTILE.length);
	});
});
