import { startProxmoxSimulator, type ProxmoxSimulator } from '../index';
import { call, pveToken, waitTask } from './rawClient';

describe('PVE simulator smoke', () => {
	let sim: ProxmoxSimulator;
	beforeAll(async () => {
		sim = await startProxmoxSimulator({ unauthorizedDelayMs: 0, taskSpeed: 50 });
	});
	afterAll(() => sim.close());

	it('answers version, resources and a start task', async () => {
		const v = await call(sim, 'GET', '/version', { token: pveToken() });
		expect(v.status).toBe(200);
		expect(v.json.data.release).toBe('9.1');
		const r = await call(sim, 'GET', '/cluster/resources?type=vm', { token: pveToken() });
		expect(r.json.data.length).toBeGreaterThan(5);
		const s = await call(sim, 'POST', '/nodes/pve2/qemu/102/status/start', { token: pveToken() });
		expect(s.status).toBe(200);
		const done = await waitTask(sim, pveToken(), s.json.data);
		expect(done.exitstatus).toBe('OK');
		const st = await call(sim, 'GET', '/nodes/pve2/qemu/102/status/current', { token: pveToken() });
		expect(st.json.data.status).toBe('running');
	});
});
