/**
 * Multi-host failover, classified by the stage a connection broke at. Two TCP proxies in front of
 * one simulator play hosts A and B (so "sent twice" would show as two snapshots):
 * - broken while connecting (reset on accept, reset during the TLS handshake): nothing was
 *   written, so even a write goes to B;
 * - broken after the write reached the server (reset, or no answer in time): the outcome is
 *   unknown, the write is never repeated, and the error says how to check instead of n8n's stock
 *   "You can retry the request immediately" (n8n-workflow's COMMON_ERRORS text for ECONNRESET).
 */
import { join } from 'node:path';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { PACKAGE_ROOT, runNode } from '../../helpers/engine';
import { startTcpProxy, type ProxyMode, type TcpProxy } from '../../helpers/tcpProxy';
import type { ProxmoxSimulator } from '../../simulators/proxmox';
import { locator, NODE, startSim, stopSim, tokenCredentials } from './setup';

let sim: ProxmoxSimulator;
const proxies: TcpProxy[] = [];
beforeAll(async () => {
	sim = await startSim();
});
afterEach(async () => {
	await Promise.all(proxies.splice(0).map(async (p) => await p.close()));
});
afterAll(async () => await stopSim(sim));

async function hosts(modeA: ProxyMode): Promise<{ a: TcpProxy; b: TcpProxy; creds: { proxmoxMcpApi: ICredentialDataDecryptedObject } }> {
	const a = await startTcpProxy(sim.port, modeA);
	const b = await startTcpProxy(sim.port, 'pass');
	proxies.push(a, b);
	return { a, b, creds: tokenCredentials(sim, { hosts: `127.0.0.1:${a.port}, 127.0.0.1:${b.port}` }) };
}

function snapshotsOf(vmid: number): string[] {
	return (sim.control.getState().guests as Array<{ vmid: number; snapshots: string[] }>).find((g) => g.vmid === vmid)!.snapshots;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

const snapshot = (snapname: string) => ({ resource: 'vm', operation: 'createSnapshot', guest: locator(103), snapname }) as never;
/** An API Call POST: the write is the run's first request (no lookup before it picks a host). */
const snapshotCall = (snapname: string) =>
	({ resource: 'apiCall', operation: 'request', endpoint: { __rl: true, mode: 'path', value: 'POST /nodes/pve1/qemu/100/snapshot' }, parameters: JSON.stringify({ snapname }) }) as never;

describe.each<[ProxyMode, string]>([
	['resetOnAccept', 'reset on accept'],
	['resetDuringHandshake', 'reset during the TLS handshake'],
])('host A %s (%s): nothing was written', (mode) => {
	it('fails a write that is the first request over to host B, which runs it exactly once', async () => {
		const { a, b, creds } = await hosts(mode);
		const name = `setup_${mode}`;
		const [out] = await runNode(NODE, snapshotCall(name), { credentials: creds });
		expect(JSON.stringify(out.json)).toContain('UPID:pve1');
		expect(a.accepted).toBeGreaterThan(0);
		expect(b.accepted).toBeGreaterThan(0);
		expect(snapshotsOf(100).filter((s) => s === name)).toHaveLength(1);
	});

	it('fails a read over to host B', async () => {
		const { b, creds } = await hosts(mode);
		const out = await runNode(NODE, { resource: 'vm', operation: 'getMany' } as never, { credentials: creds });
		expect(out.length).toBeGreaterThan(0);
		expect(b.accepted).toBeGreaterThan(0);
	});
});

describe('host A cut after the write was sent', () => {
	it('does not send the write to B and says the outcome is unknown and how to check it', async () => {
		const { a, b, creds } = await hosts('pass');
		const name = 'cut_after_send';
		// The simulator holds the answer for a while (then runs the write): the test resets the
		// client's connection once the simulator has taken the request.
		sim.control.injectFault({ method: 'POST', path: '/qemu/103/snapshot$', kind: 'latency', ms: 1500, times: 1 });
		const pending = runNode(NODE, snapshot(name), { credentials: creds }).then(
			() => undefined,
			(error: unknown) => error as Error & { description?: string },
		);
		await waitFor(() => ((sim.control.getState().faults as unknown[]) ?? []).length === 0, 'the simulator to receive the POST');
		const acceptedByB = b.accepted;
		a.resetAll();
		const error = await pending;
		expect(error).toBeDefined();
		expect(error!.message).toMatch(/^Outcome unknown: POST \/nodes\/pve\d\/qemu\/103\/snapshot was sent to 127\.0\.0\.1:\d+/);
		expect(error!.message).toContain(`127.0.0.1:${a.port}`);
		expect(error!.message).not.toMatch(/retry the request immediately/i);
		expect(error!.description).toMatch(/task list/);
		expect(error!.description).toMatch(/state of the guest/);
		expect(JSON.stringify(error)).not.toMatch(/retry the request immediately/i);
		// B got no new connection for the write, and the simulator ran it once.
		expect(b.accepted).toBe(acceptedByB);
		await waitFor(() => snapshotsOf(103).includes(name), 'the held write to run');
		expect(snapshotsOf(103).filter((s) => s === name)).toHaveLength(1);
	});

	it('says the same for a write whose answer did not come in time', async () => {
		/* eslint-disable @typescript-eslint/no-require-imports */
		const proxmox = require(join(PACKAGE_ROOT, 'dist', 'nodes/shared/proxmox')) as typeof import('../../../nodes/shared/proxmox');
		/* eslint-enable @typescript-eslint/no-require-imports */
		const { a, b, creds } = await hosts('pass');
		const client = new proxmox.ProxmoxClient(proxmox.readProxmoxConfig(creds.proxmoxMcpApi), { timeoutMs: 800 });
		sim.control.injectFault({ method: 'POST', path: '/qemu/103/snapshot$', kind: 'hang', times: 1 });
		const error = await client.post('/nodes/pve1/qemu/103/snapshot', { snapname: 'timed_out' }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(proxmox.ProxmoxOutcomeUnknownError);
		expect(b.accepted).toBe(0);
		const nodeError = proxmox.toNodeError({ name: 'Proxmox', type: 'proxmox', typeVersion: 1, position: [0, 0], parameters: {}, id: 'x' }, error);
		expect(nodeError.message).toBe(`Outcome unknown: POST /nodes/pve1/qemu/103/snapshot was sent to 127.0.0.1:${a.port}, but no answer came in time`);
		expect(nodeError.description).toMatch(/task list/);
		expect(nodeError.description).toMatch(/did not answer within 800 ms/);
	});
});

describe('error texts name host and port', () => {
	it('keeps the host:port and never shows n8n stock text when every host refuses', async () => {
		const { a, b, creds } = await hosts('resetOnAccept');
		b.mode = 'resetOnAccept';
		const error = (await runNode(NODE, { resource: 'vm', operation: 'getMany' } as never, { credentials: creds }).catch((e: unknown) => e)) as Error & { description?: string };
		expect(error.message).toBe(`Cannot connect to 127.0.0.1:${a.port}, 127.0.0.1:${b.port}`);
		expect(error.description).toContain(`127.0.0.1:${a.port}: Connection to 127.0.0.1:${a.port} was closed while connecting`);
		expect(error.description).toContain(`127.0.0.1:${b.port}: Connection to 127.0.0.1:${b.port} was closed while connecting`);
		expect(error.description).toMatch(/before any request was sent/);
		expect(a.accepted).toBeGreaterThan(0);
	});
});
