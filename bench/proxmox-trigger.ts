/**
 * Proxmox Trigger figures, against the simulator in the same run:
 * 1. API requests per poll cycle of the Proxmox Poll Trigger (tasks + state changes) on a 3-node
 *    and a 30-node cluster: quiet cycles, cycles with changes, and with HA selected. The simulator
 *    counts every API request it answers (requestCounts()).
 * 2. Push latency in a real n8n 2.41.1 (packed package installed like Community Nodes): Proxmox
 *    event emitted -> webhook answered (n8n answers once the execution is started) and -> the
 *    execution's startedAt, over 20 events. `--no-n8n` skips this part.
 * Run from the repository root after `npm run build` (the engine loads the nodes from dist/).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { runPoll } from '../test/helpers/engine';
import { startProxmoxSimulator, type ProxmoxSimulator } from '../test/simulators/proxmox';
import { call } from '../test/simulators/proxmox/tests/rawClient';
import { N8nClient } from '../test/e2e/client';
import { installN8n, installPackageLikeCommunityNodes, makeUserFolder, packPackage, PACKAGE_NAME, startN8n, stopProcess } from '../test/e2e/n8n';

const ROOT = process.cwd();

function credentialData(sim: ProxmoxSimulator): ICredentialDataDecryptedObject {
	return { hosts: `${sim.host}:${sim.port}`, authMethod: 'token', tokenId: sim.token.id, tokenSecret: sim.token.secret, tlsMode: 'fingerprint', fingerprint: sim.fingerprint };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];
const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

async function pollRequests(nodeCount: number): Promise<void> {
	const nodes = Array.from({ length: nodeCount }, (_, i) => `pve${i + 1}`);
	const sim = await startProxmoxSimulator({ nodes, unauthorizedDelayMs: 10, taskSpeed: 50, statsRefreshMs: 100_000 });
	try {
		const credentials = { proxmoxMcpApi: credentialData(sim) };
		const params = { watch: ['tasks', 'state'], taskStatus: 'all', logLines: 20 };
		let staticData: IDataObject = {};
		const cycle = async (parameters: IDataObject) => {
			sim.control.refreshStats();
			sim.control.resetRequestCounts();
			const started = performance.now();
			const { result, staticData: after } = await runPoll('proxmoxPollTrigger', parameters as never, { credentials, staticData });
			const ms = performance.now() - started;
			staticData = JSON.parse(JSON.stringify(after));
			return { counts: sim.control.requestCounts(), items: result?.[0]?.length ?? 0, ms };
		};
		const resources = sim.control.getState() as { guests: Array<{ vmid: number }> };
		const token = `PVEAPIToken=${sim.token.id}=${sim.token.secret}`;
		await cycle(params); // first activation: snapshot and cursor only
		const quiet: number[] = [];
		const times: number[] = [];
		for (let i = 0; i < 10; i++) {
			const { counts, ms } = await cycle(params);
			quiet.push(total(counts));
			times.push(ms);
		}
		sim.control.stopGuestUnexpectedly(103);
		sim.control.takeNodeOffline(nodes[nodes.length - 1]);
		sim.control.fillStorage('pve1', 'local', 95);
		const changed = await cycle(params);
		sim.control.bringNodeOnline(nodes[nodes.length - 1]);
		await cycle(params);
		// Two failed tasks: each adds its log tail (one request while the log is short).
		const upids: string[] = [];
		for (const vmid of [104, 102]) {
			sim.control.failNextTask({ type: 'qmstart', id: String(vmid), message: 'bench failure' });
			const guests = (await call(sim, 'GET', '/cluster/resources?type=vm', { token })).json.data as IDataObject[];
			upids.push(String((await call(sim, 'POST', `/nodes/${guests.find((g) => g.vmid === vmid)!.node}/qemu/${vmid}/status/start`, { token })).json.data));
		}
		for (;;) {
			sim.control.refreshStats();
			const listed = (await call(sim, 'GET', '/cluster/tasks', { token })).json.data as IDataObject[];
			if (upids.every((upid) => listed.some((t) => t.upid === upid && t.endtime !== undefined))) break;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		const failedTasks = await cycle(params);
		const ha = await cycle({ ...params, stateEvents: ['guestStopUnexpected', 'guestStopRequested', 'nodeOffline', 'haState'] });
		console.log(
			`${String(nodeCount).padStart(2)} nodes, ${resources.guests.length} guests: quiet cycle ${Math.max(...quiet)} requests (${JSON.stringify(await lastCounts(sim, params, credentials, staticData))}), ` +
				`median ${median(times).toFixed(1)} ms; cycle with changes ${total(changed.counts)} requests (${changed.items} events); ` +
				`cycle with 2 failed tasks ${total(failedTasks.counts)} requests (${failedTasks.items} events, log tails included); HA selected ${total(ha.counts)} requests`,
		);
	} finally {
		await sim.close();
	}
}

async function lastCounts(sim: ProxmoxSimulator, params: IDataObject, credentials: { proxmoxMcpApi: ICredentialDataDecryptedObject }, staticData: IDataObject): Promise<Record<string, number>> {
	sim.control.resetRequestCounts();
	await runPoll('proxmoxPollTrigger', params as never, { credentials, staticData });
	return sim.control.requestCounts();
}

async function pushLatency(): Promise<void> {
	const sim = await startProxmoxSimulator({ unauthorizedDelayMs: 10, taskSpeed: 50 });
	const n8nDir = await installN8n();
	const userFolder = makeUserFolder('n8n-bench-');
	const tarball = await packPackage(join(userFolder, 'pack'));
	await installPackageLikeCommunityNodes(tarball, userFolder);
	const { state, child } = await startN8n({ n8nDir, userFolder });
	try {
		const client = new N8nClient(state);
		const id = await client.createCredential({ name: 'bench Proxmox', type: 'proxmoxMcpApi', data: credentialData(sim) });
		const workflowId = await client.createWorkflow(
			{
				name: 'bench: Proxmox Trigger',
				nodes: [
					{
						id: 'b0b0b0b0-0000-4000-8000-00000000d001',
						name: 'Proxmox Trigger',
						type: `${PACKAGE_NAME}.proxmoxTrigger`,
						typeVersion: 1,
						position: [0, 0],
						webhookId: 'b0b0b0b0-0000-4000-8000-00000000d0ff',
						parameters: { setup: 'automatic' },
						credentials: { proxmoxMcpApi: {} },
					},
				],
				connections: {},
				settings: { saveDataSuccessExecution: 'all' },
			},
			{ proxmoxMcpApi: { id, name: 'bench Proxmox' } },
		);
		await client.publish(workflowId);
		// n8n activates in the background: wait until the target exists before the first event.
		const token = `PVEAPIToken=${sim.token.id}=${sim.token.secret}`;
		const registrationDeadline = Date.now() + 120_000;
		while (!((await call(sim, 'GET', '/cluster/notifications/endpoints/webhook', { token })).json.data as IDataObject[]).some((e) => String(e.name).startsWith('n8n-'))) {
			if (Date.now() > registrationDeadline) throw new Error('the webhook target was not registered within 120 s');
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
		const answered: number[] = [];
		const started: number[] = [];
		const rounds = 20;
		for (let i = 0; i < rounds; i++) {
			const before = (await client.executions(workflowId)).length;
			const t0 = Date.now();
			const p0 = performance.now();
			await sim.control.emitNotification({ type: 'vzdump', severity: 'error', title: `vzdump backup status (pve1.sim.local): backup failed ${i}`, message: 'bench' });
			answered.push(performance.now() - p0);
			const deadline = Date.now() + 60_000;
			for (;;) {
				if (Date.now() > deadline) throw new Error(`event ${i} started no execution within 60 s`);
				const executions = (await client.executions(workflowId)) as Array<{ startedAt?: string }>;
				if (executions.length > before) {
					started.push(Date.parse(String(executions[0].startedAt)) - t0);
					break;
				}
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
		}
		await client.unpublish(workflowId);
		console.log(
			`push latency over ${rounds} events (real n8n 2.41.1, loopback): event -> webhook answered median ${median(answered).toFixed(0)} ms, p95 ${percentile(answered, 95).toFixed(0)} ms; ` +
				`event -> execution startedAt median ${median(started)} ms, p95 ${percentile(started, 95)} ms`,
		);
	} finally {
		await stopProcess(child);
		await sim.close();
	}
}

async function main(): Promise<void> {
	process.chdir(ROOT);
	for (const size of [3, 30]) await pollRequests(size);
	if (!process.argv.includes('--no-n8n')) await pushLatency();
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	await (require(join(ROOT, 'dist/nodes/shared/transport')) as { closeAllPools(): Promise<void> }).closeAllPools();
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
