/**
 * Proxmox client figures, against the simulator in the same run:
 * 1. Requests the Proxmox node makes for "all guests with status across the cluster" (VM and
 *    Container Get Many): must be 1, whatever the cluster size.
 * 2. Client overhead per call (auth header, failover loop, JSON parse, boolean normalisation)
 *    against a bare undici request to the same endpoint over an equivalent keep-alive pool, as
 *    a ratio of mean latencies, measured in interleaved rounds.
 * Run from the repository root after `npm run build` (it loads the client from dist/).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import type { IDataObject } from 'n8n-workflow';
import { Agent, request } from 'undici';

import type { ProxmoxClient as ClientType, ProxmoxConfig } from '../nodes/shared/proxmox';
import type { ProxmoxOperation, OperationContext } from '../nodes/Proxmox/actions/types';
import { startProxmoxSimulator } from '../test/simulators/proxmox';

const ROOT = process.cwd();
/* eslint-disable @typescript-eslint/no-require-imports */
const { ProxmoxClient, readProxmoxConfig } = require(join(ROOT, 'dist/nodes/shared/proxmox')) as {
	ProxmoxClient: new (config: ProxmoxConfig) => ClientType;
	readProxmoxConfig: (credentials: IDataObject) => ProxmoxConfig;
};
const { closeAllPools } = require(join(ROOT, 'dist/nodes/shared/transport')) as { closeAllPools(): Promise<void> };
const vmGetMany = (require(join(ROOT, 'dist/nodes/Proxmox/actions/vm/getMany.operation')) as { getMany: ProxmoxOperation }).getMany;
const ctGetMany = (require(join(ROOT, 'dist/nodes/Proxmox/actions/container/getMany.operation')) as { getMany: ProxmoxOperation }).getMany;
/* eslint-enable @typescript-eslint/no-require-imports */

function context(client: ClientType, parameters: IDataObject): OperationContext {
	const fn = {
		getNodeParameter: (name: string, _item: number, fallback?: unknown) => parameters[name] ?? fallback,
		getNode: () => ({ name: 'Proxmox', type: 'n8n-nodes-proxmox-mcp.proxmox' }),
	};
	return { fn: fn as unknown as OperationContext['fn'], client, itemIndex: 0 };
}

async function main(): Promise<void> {
	const sim = await startProxmoxSimulator({ nodes: ['pve1', 'pve2', 'pve3', 'pve4', 'pve5'], unauthorizedDelayMs: 10 });
	try {
		const credentials = { hosts: `${sim.host}:${sim.port}`, authMethod: 'token', tokenId: sim.token.id, tokenSecret: sim.token.secret, tlsMode: 'fingerprint', fingerprint: sim.fingerprint };
		const client = new ProxmoxClient(readProxmoxConfig(credentials));

		// 1. Requests for every guest with status, cluster-wide.
		for (const [label, op] of [
			['VM > Get Many', vmGetMany],
			['Container > Get Many', ctGetMany],
		] as const) {
			const before = client.requestCount;
			const guests = (await op.execute(context(client, { filters: {} }))) as IDataObject[];
			const nodes = new Set(guests.map((g) => g.node));
			console.log(`${label}: ${guests.length} guests on ${nodes.size} nodes, each with status, in ${client.requestCount - before} request(s)`);
		}

		// 2. Overhead per call against bare undici on the same endpoint.
		const bare = new Agent({ connect: { rejectUnauthorized: false }, keepAliveTimeout: 4000, keepAliveMaxTimeout: 4000, connections: 4, pipelining: 1 });
		const authorization = `PVEAPIToken=${sim.token.id}=${sim.token.secret}`;
		const url = `${sim.url}/api2/json/cluster/status`;
		const viaClient = async () => {
			await client.get('/cluster/status');
		};
		const viaUndici = async () => {
			const response = await request(url, { dispatcher: bare, headers: { authorization, accept: 'application/json' } });
			JSON.parse(await response.body.text());
		};
		for (let i = 0; i < 200; i++) {
			await viaClient();
			await viaUndici();
		}
		const rounds = 10;
		const perRound = 300;
		const totals = { client: 0, undici: 0 };
		for (let round = 0; round < rounds; round++) {
			for (const [name, call] of (round % 2 ? [['undici', viaUndici], ['client', viaClient]] : [['client', viaClient], ['undici', viaUndici]]) as Array<['client' | 'undici', () => Promise<void>]>) {
				const started = performance.now();
				for (let i = 0; i < perRound; i++) await call();
				totals[name] += performance.now() - started;
			}
		}
		const calls = rounds * perRound;
		const clientUs = (totals.client / calls) * 1000;
		const undiciUs = (totals.undici / calls) * 1000;
		console.log(
			`GET /cluster/status x${calls} each: client ${clientUs.toFixed(0)} µs/call, bare undici ${undiciUs.toFixed(0)} µs/call, ` +
				`ratio ${(clientUs / undiciUs).toFixed(2)}x, client overhead ${(clientUs - undiciUs).toFixed(0)} µs/call`,
		);
		await bare.close();
	} finally {
		await closeAllPools();
		await sim.close();
	}
}

void main();
