/** Shared setup of the Proxmox Trigger engine tests: a fast simulator and a raw API caller. */
import type { IDataObject } from 'n8n-workflow';

import { runPoll } from '../../helpers/engine';
import type { ProxmoxSimulator } from '../../simulators/proxmox';
import { call } from '../../simulators/proxmox/tests/rawClient';
import { tokenCredentials } from '../proxmox/setup';

export { startSim, stopSim, tokenCredentials } from '../proxmox/setup';

export const POLL = 'proxmoxPollTrigger';
export const PUSH = 'proxmoxTrigger';

export async function api(sim: ProxmoxSimulator, method: string, path: string, form?: Record<string, string | number | string[]>): Promise<unknown> {
	const response = await call(sim, method, path, { token: `PVEAPIToken=${sim.token.id}=${sim.token.secret}`, form });
	if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${response.reason}`);
	return response.json?.data;
}

/** Waits for a condition, polling; generous deadline for a busy machine. */
export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 30000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

/** Waits until the task ended and pvestatd's cache (/cluster/tasks) lists it as finished. */
export async function waitForTaskListed(sim: ProxmoxSimulator, upid: string): Promise<IDataObject> {
	return await waitFor(async () => {
		sim.control.refreshStats();
		const tasks = (await api(sim, 'GET', '/cluster/tasks')) as IDataObject[];
		return tasks.find((task) => task.upid === upid && task.endtime !== undefined);
	}, `task ${upid} in /cluster/tasks`);
}

export async function guestNode(sim: ProxmoxSimulator, vmid: number): Promise<string> {
	const resources = (await api(sim, 'GET', '/cluster/resources', { type: 'vm' })) as IDataObject[];
	const guest = resources.find((r) => r.vmid === vmid);
	if (!guest) throw new Error(`no guest ${vmid}`);
	return String(guest.node);
}

export async function guestAction(sim: ProxmoxSimulator, vmid: number, action: 'start' | 'stop' | 'shutdown'): Promise<string> {
	const resources = (await api(sim, 'GET', '/cluster/resources', { type: 'vm' })) as IDataObject[];
	const guest = resources.find((r) => r.vmid === vmid)!;
	return String(await api(sim, 'POST', `/nodes/${guest.node}/${guest.type}/${vmid}/status/${action}`));
}

/** One poll as n8n runs it, with the static data round-tripped through JSON like a restart does. */
export async function pollOnce(sim: ProxmoxSimulator, parameters: IDataObject, staticData: IDataObject, mode: 'trigger' | 'manual' = 'trigger') {
	const { result, staticData: after } = await runPoll(POLL, parameters as never, { credentials: tokenCredentials(sim), staticData: JSON.parse(JSON.stringify(staticData)), mode });
	const items = (result?.[0] ?? []).map((item) => item.json);
	return { items, staticData: JSON.parse(JSON.stringify(after)) as IDataObject };
}
