import { runNode } from '../../helpers/engine';
import type { ProxmoxSimulator } from '../../simulators/proxmox';
import { NODE, startSim, stopSim, tokenCredentials } from './setup';

let sim: ProxmoxSimulator;
beforeAll(async () => {
	sim = await startSim();
});
afterAll(async () => await stopSim(sim));

it('lists VMs', async () => {
	const out = await runNode(NODE, { resource: 'vm', operation: 'getMany', returnAll: true }, { credentials: tokenCredentials(sim) });
	console.log(JSON.stringify(out.slice(0, 3).map((i) => i.json)));
	expect(out.length).toBeGreaterThan(0);
});
