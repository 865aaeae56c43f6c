/**
 * Failure paths of the Proxmox node a user can hit (issue 16): API Call input errors, answers
 * that are not JSON, a timed-out task wait (with the log tail), and the client's request timeout
 * and response size limit outside task polling.
 */
import type { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { ProxmoxClient, readProxmoxConfig } from '../../../nodes/shared/proxmox';
import { closeAllPools } from '../../../nodes/shared/transport';
import { runNode } from '../../helpers/engine';
import type { ProxmoxSimulator } from '../../simulators/proxmox';
import { locator, NODE, startSim, stopSim, tokenCredentials } from './setup';

let sim: ProxmoxSimulator;
let credentials: ReturnType<typeof tokenCredentials>;
beforeAll(async () => {
	sim = await startSim();
	credentials = tokenCredentials(sim);
});
afterAll(async () => {
	await closeAllPools();
	await stopSim(sim);
});
afterEach(() => sim.control.clearFaults());

const apiCall = (endpoint: string, parameters: string) =>
	runNode(NODE, { resource: 'apiCall', operation: 'request', endpoint: locator(endpoint, 'path'), parameters } as never, { credentials });

/** Requests that reached the simulator while `run` ran. */
async function sentDuring(run: () => Promise<unknown>): Promise<number> {
	const before = sim.requests.length;
	await run();
	return sim.requests.length - before;
}

describe('API Call input errors', () => {
	it('names bad JSON in Parameters and sends nothing', async () => {
		expect(
			await sentDuring(async () => {
				await expect(apiCall('GET /nodes/{node}/qemu', '{"node": ')).rejects.toThrow('Parameters must be a JSON object, e.g. {"node": "pve1", "vmid": 100}');
				await expect(apiCall('GET /nodes/{node}/qemu', '[1, 2]')).rejects.toThrow('Parameters must be a JSON object, e.g. {"node": "pve1", "vmid": 100}');
			}),
		).toBe(0);
	});

	it('refuses an endpoint that is not in the schema, with the way out', async () => {
		const error = (await apiCall('GET /nodes/{node}/not-an-endpoint', '{"node": "pve1"}').catch((e: Error) => e)) as NodeOperationError;
		expect(error.message).toBe('GET /nodes/{node}/not-an-endpoint is not in the Proxmox VE API schema');
		expect(error.description).toBe('Pick the endpoint from the list, or turn off "Validate Against Schema" for endpoints newer than the catalogue.');
		// As a model fills it (an expression), past the editor's field check.
		const fetch = runNode(NODE, { resource: 'apiCall', operation: 'request', endpoint: '={{ { "__rl": true, "mode": "path", "value": "FETCH /nodes" } }}', parameters: '{}' } as never, { credentials });
		await expect(fetch).rejects.toThrow('"FETCH /nodes" is not an endpoint');
	});

	it('names a missing path variable and how to give it', async () => {
		const error = (await apiCall('GET /nodes/{node}/qemu/{vmid}/config', '{"node": "pve1"}').catch((e: Error) => e)) as NodeOperationError;
		expect(error.message).toBe('Missing path variable(s): vmid');
		expect(error.description).toBe('Give them in Parameters, e.g. {"vmid": "..."}');
	});

	it('lists every schema problem of the parameters at once', async () => {
		const error = (await apiCall('GET /nodes/{node}/qemu/{vmid}/config', '{"node": "pve1", "vmid": 5, "nope": 1}').catch((e: Error) => e)) as NodeOperationError;
		expect(error.message).toBe('Invalid parameters for GET /nodes/{node}/qemu/{vmid}/config');
		expect(String(error.description).split('\n')).toEqual([
			'vmid: must be at least 100',
			'vmid: "5" is not a VMID (a whole number from 100 to 999999999)',
			'nope: not a parameter of GET /nodes/{node}/qemu/{vmid}/config',
		]);
	});
});

describe('answers that are not JSON', () => {
	it('a 200 with broken JSON fails with the start of the answer', async () => {
		sim.control.injectFault({ method: 'GET', path: '^/cluster/resources$', kind: 'malformedJson', times: 1 });
		const error = (await runNode(NODE, { resource: 'vm', operation: 'getMany' } as never, { credentials }).catch((e: Error) => e)) as NodeApiError;
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toBe(`Unexpected answer (not JSON) from ${sim.host}:${sim.port}: {"data":[{"id":"qemu/100","type":"qemu","status":"runn`);
	});

	it('an nginx 502 page in front of pveproxy fails with the status', async () => {
		sim.control.injectFault({ method: 'GET', path: '^/nodes/pve1/status$', kind: 'html502', times: 1 });
		const error = (await runNode(NODE, { resource: 'node', operation: 'getStatus', node: locator('pve1', 'name') } as never, { credentials }).catch((e: Error) => e)) as NodeApiError;
		expect(error.name).toBe('NodeApiError');
		expect(error.httpCode).toBe('502');
		expect(error.message).toMatch(/Bad Gateway/);
	});
});

describe('task wait timeout', () => {
	it('a task still running at the deadline fails with the UPID and its last log lines', async () => {
		// A slow world: the backup runs far longer than the 1 s budget.
		const slow = await startSim({ taskSpeed: 0.02 });
		try {
			const slowCredentials = tokenCredentials(slow);
			const [started] = await runNode(NODE, { resource: 'backup', operation: 'runNow', selection: 'vmid', vmids: '101', backupStorage: 'nfs-backup', waitForCompletion: false } as never, {
				credentials: slowCredentials,
			});
			const upid = String(started.json.upid);
			const error = (await runNode(NODE, { resource: 'task', operation: 'wait', upid, timeout: 1 } as never, { credentials: slowCredentials }).catch((e: Error) => e)) as NodeOperationError;
			expect(error.message).toBe(`Task ${upid} was still running after 1 s. It continues on pve1; use the Task resource to follow it.`);
			expect(error.description).toMatch(new RegExp(`^Task ${upid.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} on pve1\\nLast log lines:\\n.*INFO: starting new backup job`, 's'));
			const [item] = await runNode(NODE, { resource: 'task', operation: 'wait', upid, timeout: 1 } as never, { credentials: slowCredentials, continueOnFail: true });
			const task = item.json.task as { status: string; logTail: string[] };
			expect(task.status).toBe('running');
			expect(task.logTail[0]).toMatch(/INFO: starting new backup job/);
			await runNode(NODE, { resource: 'task', operation: 'stop', upid } as never, { credentials: slowCredentials });
		} finally {
			await slow.close();
		}
	});
});

describe('client limits outside task polling', () => {
	const clientFor = (options: ConstructorParameters<typeof ProxmoxClient>[1]) =>
		new ProxmoxClient(readProxmoxConfig({ hosts: `${sim.host}:${sim.port}`, authMethod: 'token', tokenId: sim.token.id, tokenSecret: sim.token.secret, tlsMode: 'fingerprint', fingerprint: sim.fingerprint }, 'pve'), options);

	it('a request without an answer fails after the request timeout', async () => {
		sim.control.injectFault({ method: 'GET', path: '^/version$', kind: 'hang', times: 1 });
		await expect(clientFor({ timeoutMs: 500 }).get('/version')).rejects.toMatchObject({ name: 'TransportError', message: `${sim.host}:${sim.port} did not answer within 500 ms` });
	});

	it('an answer over the size limit is cut off with a clear error', async () => {
		await expect(clientFor({ maxBodyBytes: 1024 }).get('/cluster/resources')).rejects.toMatchObject({ name: 'TransportError', message: `Response from ${sim.host}:${sim.port} exceeds 1024 bytes` });
		expect(Array.isArray(await clientFor({}).get('/cluster/resources'))).toBe(true);
	});
});
