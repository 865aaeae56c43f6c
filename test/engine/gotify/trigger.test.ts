/** The Gotify Trigger through n8n's TriggerContext against the Gotify simulator: catch-up, dedupe, dead links, auth. */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { closeAllPools } from '../../../nodes/shared/transport';
import { callNodeMethod, startTrigger, type TriggerHandle } from '../../helpers/engine';
import { certificatesFor } from '../../simulators/proxmox/wire/certs';
import { startGotifySimulator, type GotifyApplication, type GotifyClient, type GotifySimulator } from '../../simulators/gotify';

let sim: GotifySimulator;
let app: GotifyApplication;
let client: GotifyClient;
const handles: TriggerHandle[] = [];

async function startSim(options: Parameters<typeof startGotifySimulator>[0] = {}) {
	sim = await startGotifySimulator(options);
	app = sim.createApplication('admin', 'Proxmox');
	client = sim.createClient('admin');
}

async function start(parameters: IDataObject = {}, options: { staticData?: IDataObject; mode?: 'trigger' | 'manual'; clientToken?: string } = {}) {
	const handle = await startTrigger('gotifyTrigger', parameters as never, {
		credentials: { proxmoxMcpGotifyApi: { serverUrl: sim.url, appToken: '', clientToken: options.clientToken ?? client.token, tlsMode: 'system' } },
		staticData: options.staticData,
		mode: options.mode,
	});
	handles.push(handle);
	return handle;
}

const texts = (emitted: INodeExecutionData[][][]) => emitted.map((emit) => emit[0][0].json.message);
const post = (message: string, extra: { priority?: number; title?: string; token?: string } = {}) =>
	sim.postMessage(extra.token ?? app.token, { message, priority: extra.priority, title: extra.title });

afterEach(async () => {
	for (const handle of handles.splice(0)) await handle.close();
	await sim?.close();
	await closeAllPools();
});

describe('Gotify Trigger', () => {
	it('emits a Proxmox notification as a recognised TriggerEvent', async () => {
		await startSim();
		sim.postMessage(app.token, { message: 'history' });
		const trigger = await start();
		await sim.waitForStreams(1);
		sim.postMessage(app.token, {
			title: 'vzdump backup status (pve2.lab.example): backup successful',
			message: '```\nDetails\n=======\nVMID  Name  Status\n100   web   ok\n```',
			priority: 1,
			extras: { 'client::display': { contentType: 'text/markdown' } },
		});
		const [[[item]]] = await trigger.waitForEmit(1);
		expect(item.json).toMatchObject({
			source: 'gotify',
			severity: 'info',
			host: 'pve2',
			title: 'vzdump backup status (pve2.lab.example): backup successful',
			message: 'Details\n=======\nVMID  Name  Status\n100   web   ok',
			event: { type: 'backup.job.finish', node: 'pve2' },
			appid: app.id,
			application: 'Proxmox',
			priority: 1,
			contentType: 'text/markdown',
		});
		expect(item.json.id).toBe('2');
		expect(trigger.emitted).toHaveLength(1);
		expect(trigger.staticData.lastId).toBe('2');
	});

	it('streams over WSS with a pinned certificate; a wrong pin fails activation before the token is sent', async () => {
		const certs = await certificatesFor('pve', '127.0.0.1', 'gotify');
		await startSim({ tls: { certPem: certs.certPem, keyPem: certs.keyPem } });
		const credentials = (fingerprint: string) => ({
			proxmoxMcpGotifyApi: { serverUrl: sim.url, appToken: '', clientToken: client.token, tlsMode: 'fingerprint', fingerprint },
		});
		const trigger = await startTrigger('gotifyTrigger', {}, { credentials: credentials(certs.fingerprint) });
		handles.push(trigger);
		await sim.waitForStreams(1);
		post('over wss');
		await trigger.waitForEmit(1);
		expect(texts(trigger.emitted)).toEqual(['over wss']);
		const before = sim.requests.length;
		const error = await startTrigger('gotifyTrigger', {}, { credentials: credentials('AB'.repeat(32)) }).catch((e: Error) => e);
		expect((error as Error).message).toContain('does not match the pinned fingerprint');
		expect(sim.requests.length).toBe(before);
	});

	it('filters by application and minimum priority', async () => {
		await startSim();
		const other = sim.createApplication('admin', 'Other');
		const trigger = await start({ applications: [app.id], minPriority: 5 });
		await sim.waitForStreams(1);
		post('low', { priority: 4 });
		post('other app', { priority: 9, token: other.token });
		post('error', { priority: 9 });
		await trigger.waitForEmit(1);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(texts(trigger.emitted)).toEqual(['error']);
		expect(trigger.staticData.lastId).toBe('3');
	});

	it('catches up after a cut: messages posted during the gap arrive once, in order, before new ones', async () => {
		await startSim();
		const trigger = await start();
		await sim.waitForStreams(1);
		post('before');
		await trigger.waitForEmit(1);
		sim.cutStreams();
		for (let i = 1; i <= 5; i++) post(`gap ${i}`);
		await sim.waitForStreams(1, 20_000);
		post('after');
		await trigger.waitForEmit(7, 20_000);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(texts(trigger.emitted)).toEqual(['before', 'gap 1', 'gap 2', 'gap 3', 'gap 4', 'gap 5', 'after']);
	});

	it('catches up the same way against Gotify 3 (relative paging links)', async () => {
		await startSim({ version: '3.0.0' });
		const trigger = await start();
		await sim.waitForStreams(1);
		post('before');
		await trigger.waitForEmit(1);
		sim.cutStreams();
		for (let i = 1; i <= 205; i++) post(`gap ${i}`);
		await trigger.waitForEmit(206, 8000);
		expect(trigger.emitted.map((emit) => Number(emit[0][0].json.id))).toEqual(Array.from({ length: 206 }, (_, i) => i + 1));
	});

	it('offers the applications in the filter list', async () => {
		await startSim();
		sim.createApplication('admin', 'Backups', { description: 'PBS' });
		const options = await callNodeMethod('gotifyTrigger', 'loadOptions', 'getApplications', {}, {
			credentials: { proxmoxMcpGotifyApi: { serverUrl: sim.url, appToken: '', clientToken: client.token, tlsMode: 'system' } },
		});
		expect(options).toEqual([
			{ name: 'Proxmox', value: app.id },
			{ name: 'Backups', value: app.id + 1, description: 'PBS' },
		]);
	});

	it('pages the catch-up when more than one page was missed', async () => {
		await startSim();
		const trigger = await start();
		await sim.waitForStreams(1);
		post('first');
		await trigger.waitForEmit(1);
		sim.cutStreams();
		for (let i = 1; i <= 450; i++) post(`gap ${i}`);
		await trigger.waitForEmit(451, 8000);
		const ids = trigger.emitted.map((emit) => Number(emit[0][0].json.id));
		expect(ids).toEqual(Array.from({ length: 451 }, (_, i) => i + 1));
	});

	it('resumes after an n8n restart from static data, emitting nothing twice', async () => {
		await startSim();
		const first = await start();
		await sim.waitForStreams(1);
		post('one');
		await first.waitForEmit(1);
		await first.close();
		post('two');
		post('three');
		const saved = JSON.parse(JSON.stringify(first.staticData)) as IDataObject;
		const second = await start({}, { staticData: saved });
		await second.waitForEmit(2);
		post('four');
		await second.waitForEmit(3);
		expect(texts(second.emitted)).toEqual(['two', 'three', 'four']);
	});

	it('covers a gap before the first message (cursor set at activation)', async () => {
		await startSim();
		post('old history');
		const trigger = await start();
		await sim.waitForStreams(1);
		expect(trigger.staticData.lastId).toBe('1');
		sim.cutStreams();
		post('while away');
		await trigger.waitForEmit(1, 20_000);
		expect(texts(trigger.emitted)).toEqual(['while away']);
	});

	it('detects a dead connection with its own pings and reconnects without loss', async () => {
		await startSim();
		const trigger = await start({ options: { deadAfterSeconds: 1 } });
		await sim.waitForStreams(1);
		post('first');
		await trigger.waitForEmit(1);
		sim.freezeStreams();
		post('during the freeze');
		await trigger.waitForEmit(2, 20_000);
		expect(texts(trigger.emitted)).toEqual(['first', 'during the freeze']);
	});

	it('keeps a healthy stream: pongs answer its pings', async () => {
		await startSim();
		// The trigger pings every third of the dead timer (1 s of 3 s): only a stall of 2 s would cut the stream.
		await start({ options: { deadAfterSeconds: 3 } });
		await sim.waitForStreams(1);
		// Four pings span 4 s, longer than the dead timer: the stream lived on the pongs alone.
		const deadline = Date.now() + 20_000;
		while (sim.clientPings < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
		expect(sim.clientPings).toBeGreaterThanOrEqual(4);
		expect(sim.requests.filter((request) => request.path === '/stream')).toHaveLength(1);
	});

	it('fails activation clearly on a bad client token, without retrying', async () => {
		await startSim();
		const error = await start({}, { clientToken: 'Cwrongwrongwrong' }).catch((e: Error) => e);
		expect((error as Error).message).toContain('Gotify answered 401');
		expect((error as Error).message).toContain('Check the client token');
		expect((error as Error).message).not.toContain('Cwrongwrongwrong');
		const count = sim.requests.length;
		await new Promise((resolve) => setTimeout(resolve, 1200));
		expect(sim.requests.length).toBe(count);
	});

	it('explains that the trigger needs a client token', async () => {
		await startSim();
		const error = (await start({}, { clientToken: '' }).catch((e: Error) => e)) as Error & { description?: string };
		expect(error.message).toBe('The Gotify credential has no Client Token');
		expect(error.description).toMatch(/Gotify web UI under Clients/);
		expect(sim.requests).toHaveLength(0);
	});

	it('stops with emitError when the client is deleted while streaming', async () => {
		await startSim();
		const trigger = await start();
		await sim.waitForStreams(1);
		sim.deleteClient(client.token);
		const [error] = await trigger.waitForError(1, 20_000);
		expect(error.message).toContain('401');
		const count = sim.requests.length;
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(sim.requests.length).toBe(count);
	});

	it('"Test step" waits for the next message and leaves the cursor alone', async () => {
		await startSim();
		post('old');
		const trigger = await start({}, { mode: 'manual' });
		await trigger.manualTriggerFunction!();
		await sim.waitForStreams(1);
		post('next');
		await trigger.waitForEmit(1);
		expect(texts(trigger.emitted)).toEqual(['next']);
		expect(trigger.staticData.lastId).toBeUndefined();
	});
});
