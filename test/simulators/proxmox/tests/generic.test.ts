import { createSocket } from 'dgram';
import { createServer } from 'net';
import type { AddressInfo } from 'net';
import { startProxmoxSimulator, type ProxmoxSimulator } from '../index';
import { getRouteIndex } from '../schema/load';
import { sampleFromSchema } from '../schema/sample';
import { call, pveToken, waitTask } from './rawClient';

const token = pveToken();

describe('endpoints without a state model', () => {
	let sim: ProxmoxSimulator;
	beforeAll(async () => {
		sim = await startProxmoxSimulator({ unauthorizedDelayMs: 0, taskSpeed: 200 });
	});
	afterAll(() => sim.close());

	it('answer with data shaped by the schema returns', async () => {
		const route = getRouteIndex('pve9').find('GET', '/cluster/sdn/zones');
		const r = await call(sim, 'GET', '/cluster/sdn/zones', { token });
		expect(r.status).toBe(200);
		expect(r.json.data).toEqual(sampleFromSchema(route?.info.returns));
		const item = r.json.data[0];
		for (const [key, prop] of Object.entries(route?.info.returns?.items?.properties ?? {})) {
			const expected = prop.type === 'integer' || prop.type === 'number' || prop.type === 'boolean' ? 'number' : prop.type === 'array' ? 'object' : prop.type === 'object' ? 'object' : 'string';
			expect([key, typeof item[key]]).toEqual([key, expected]);
		}
	});

	it('start a task for worker endpoints that return a UPID', async () => {
		const r = await call(sim, 'PUT', '/nodes/pve1/network', { token });
		expect(r.json.data).toMatch(/^UPID:pve1:.*:reload_network_config::root@pam!sim:$/);
		expect((await waitTask(sim, token, r.json.data)).exitstatus).toBe('OK');
	});
});

describe('syslog emission', () => {
	let sim: ProxmoxSimulator;
	beforeAll(async () => {
		sim = await startProxmoxSimulator({ unauthorizedDelayMs: 0 });
	});
	afterAll(() => sim.close());

	it('sends RFC 3164 lines from a node over UDP and TCP (octet counting)', async () => {
		const udp = createSocket('udp4');
		await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
		const gotUdp = new Promise<string>((r) => udp.once('message', (m) => r(m.toString())));
		await sim.control.emitSyslog({ node: 'pve2', target: { host: '127.0.0.1', port: (udp.address() as AddressInfo).port, transport: 'udp' }, lines: ['pvedaemon[4321]: <root@pam> starting task UPID:pve2:0000ABCD:00112233:6740A0B0:qmstart:102:root@pam:'] });
		expect(await gotUdp).toMatch(/^<30>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d pve2 pvedaemon\[4321\]: <root@pam> starting task UPID:pve2:/);
		udp.close();

		let tcpData = '';
		const server = createServer((s) => s.on('data', (d) => (tcpData += d.toString())));
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
		await sim.control.emitSyslog({ node: 'pve1', target: { host: '127.0.0.1', port: (server.address() as AddressInfo).port, transport: 'tcp' }, lines: ['one', 'two'], severity: 3 });
		await new Promise((r) => setTimeout(r, 50));
		await new Promise((r) => server.close(r));
		const frames: string[] = [];
		for (let rest = tcpData; rest.length; ) {
			const m = /^(\d+) /.exec(rest);
			if (!m) break;
			frames.push(rest.slice(m[0].length, m[0].length + Number(m[1])));
			rest = rest.slice(m[0].length + Number(m[1]));
		}
		expect(frames).toHaveLength(2);
		expect(frames[0]).toMatch(/^<27>.* pve1 pvedaemon\[1234\]: one$/);
		const syslog = (await call(sim, 'GET', '/nodes/pve1/syslog?limit=100', { token })).json.data;
		expect(syslog.at(-1).t).toMatch(/^[A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d pve1 two$/);
		const journal = (await call(sim, 'GET', '/nodes/pve1/journal?lastentries=2', { token })).json.data;
		expect(journal).toHaveLength(2);
		expect(journal[1]).toMatch(/ pve1 two$/);
	});

	it('forwards node journal lines (task start/end, failures) to a syslog receiver like rsyslog', async () => {
		const udp = createSocket('udp4');
		await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
		const got: string[] = [];
		udp.on('message', (m) => got.push(m.toString()));
		sim.control.forwardSyslog({ host: '127.0.0.1', port: (udp.address() as AddressInfo).port, transport: 'udp' });
		sim.control.failNextTask({ type: 'qmstart', id: '102', message: 'start failed: QEMU exited with code 1' });
		const r = await call(sim, 'POST', '/nodes/pve2/qemu/102/status/start', { token });
		const done = await waitTask(sim, token, r.json.data);
		expect(done.exitstatus).toBe('start failed: QEMU exited with code 1');
		for (let i = 0; i < 100 && got.length < 3; i++) await new Promise((res) => setTimeout(res, 10));
		sim.control.forwardSyslog(null);
		udp.close();
		expect(got[0]).toMatch(/^<30>.* pve2 pvedaemon\[\d+\]: <root@pam!sim> starting task UPID:pve2:.*:qmstart:102:root@pam!sim:$/);
		expect(got).toContainEqual(expect.stringMatching(/^<27>.* pve2 pvedaemon\[\d+\]: start failed: QEMU exited with code 1$/));
		expect(got.at(-1)).toMatch(/^<27>.* end task UPID:pve2:.* start failed: QEMU exited with code 1$/);
	});

	it('lets the guest agent stop answering', async () => {
		sim.control.setAgentRunning(100, false);
		const r = await call(sim, 'POST', '/nodes/pve1/qemu/100/agent/ping', { token });
		expect([r.status, r.reason]).toEqual([500, 'QEMU guest agent is not running']);
		sim.control.setAgentRunning(100, true);
		expect((await call(sim, 'POST', '/nodes/pve1/qemu/100/agent/ping', { token })).status).toBe(200);
	});
});
