/** The ntfy Trigger through n8n's TriggerContext against the ntfy simulator: resume, dedupe, dead links, auth. */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { closeAllPools } from '../../../nodes/shared/transport';
import { runNode, startTrigger, type TriggerHandle } from '../../helpers/engine';
import { certificatesFor } from '../../simulators/proxmox/wire/certs';
import { startNtfySimulator, type NtfySimulator } from '../../simulators/ntfy';

let sim: NtfySimulator;
const handles: TriggerHandle[] = [];

const credentials = (extra: IDataObject = {}) => ({ proxmoxMcpNtfyApi: { serverUrl: sim.url, authentication: 'none', tlsMode: 'system', ...extra } });

async function start(parameters: IDataObject, options: { staticData?: IDataObject; mode?: 'trigger' | 'manual'; credentials?: IDataObject } = {}) {
	const handle = await startTrigger('ntfyTrigger', parameters as never, {
		credentials: credentials(options.credentials),
		staticData: options.staticData,
		mode: options.mode,
	});
	handles.push(handle);
	return handle;
}

/** Polls until `check` holds (generous deadline: the machine may be busy). */
async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

const messages = (emitted: INodeExecutionData[][][]) => emitted.map((emit) => emit[0][0].json.message);

afterEach(async () => {
	for (const handle of handles.splice(0)) await handle.close();
	await sim?.close();
	await closeAllPools();
});

describe('ntfy Trigger', () => {
	it('emits each message as a TriggerEvent with ntfy fields', async () => {
		sim = await startNtfySimulator();
		const trigger = await start({ topics: 'alerts, backups' });
		await sim.waitForSubscribers(1);
		sim.publishDirect('backups', 'Details…', { Title: 'vzdump backup status (pve1.example.com): backup failed', Priority: '5', Tags: 'x', Click: 'https://pve1:8006/' });
		const [[[item]]] = await trigger.waitForEmit(1);
		expect(item.json).toMatchObject({
			source: 'ntfy',
			severity: 'critical',
			host: 'pve1',
			title: 'vzdump backup status (pve1.example.com): backup failed',
			message: 'Details…',
			event: { type: 'backup.job.failed', node: 'pve1', fqdn: 'pve1.example.com' },
			topic: 'backups',
			priority: 5,
			tags: ['x'],
			click: 'https://pve1:8006/',
			contentType: 'text/plain',
		});
		expect(typeof item.json.id).toBe('string');
		expect(item.json.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
		expect(trigger.staticData.lastId).toBe(item.json.id);
	});

	it('streams and publishes over HTTPS with a custom CA or a pinned certificate', async () => {
		const certs = await certificatesFor('pve', '127.0.0.1', 'ntfy');
		sim = await startNtfySimulator({ tls: { certPem: certs.certPem, keyPem: certs.keyPem } });
		const trigger = await start({ topics: 'secure' }, { credentials: { tlsMode: 'customCa', caPem: certs.caPem } });
		await sim.waitForSubscribers(1);
		const pinned = { proxmoxMcpNtfyApi: { serverUrl: sim.url, authentication: 'none', tlsMode: 'fingerprint', fingerprint: certs.fingerprint } };
		await runNode('ntfy', { operation: 'publish', topic: 'secure', message: 'over TLS' }, { credentials: pinned });
		await trigger.waitForEmit(1);
		expect(messages(trigger.emitted)).toEqual(['over TLS']);
		const unverified = await start({ topics: 'secure' }).catch((e: Error) => e);
		expect((unverified as Error).message).toContain('TLS verification');
	});

	it('passes priority, tags and title filters to the server', async () => {
		sim = await startNtfySimulator();
		const trigger = await start({ topics: 't1', filters: { priorities: [4, 5], tags: 'door' } });
		await sim.waitForSubscribers(1);
		sim.publishDirect('t1', 'ignored: low', { Priority: '2', Tags: 'door' });
		sim.publishDirect('t1', 'ignored: no tag', { Priority: '5' });
		sim.publishDirect('t1', 'pressed', { Priority: '4', Tags: 'door,bell' });
		await trigger.waitForEmit(1);
		expect(messages(trigger.emitted)).toEqual(['pressed']);
		expect(sim.requests.at(-1)?.path).toMatch(/priority=4%2C5/);
	});

	it('resumes after a cut with since=<last id>: messages posted during the gap arrive once, in order', async () => {
		sim = await startNtfySimulator();
		const trigger = await start({ topics: 't1,t2' });
		await sim.waitForSubscribers(1);
		sim.publishDirect('t1', 'before');
		await trigger.waitForEmit(1);
		sim.cutStreams();
		for (const text of ['gap 1', 'gap 2', 'gap 3']) sim.publishDirect(text === 'gap 2' ? 't2' : 't1', text);
		await sim.waitForSubscribers(1, 20_000);
		sim.publishDirect('t1', 'after');
		await trigger.waitForEmit(5, 20_000);
		expect(messages(trigger.emitted)).toEqual(['before', 'gap 1', 'gap 2', 'gap 3', 'after']);
		// The backlog is polled from the last id; the live stream itself asks for nothing old.
		const streams = sim.requests.filter((request) => request.path.startsWith('/t1,t2/json'));
		expect(streams.at(-1)!.path).toBe(`/t1,t2/json?poll=1&since=${trigger.emitted[0][0][0].json.id}`);
		expect(streams.at(-2)!.path).toBe('/t1,t2/json');
	});

	it('holds a live message that ntfy sends before the backlog until the backlog is in: nothing lost, doubled or reordered (issue 17)', async () => {
		// Real ntfy subscribes the client, then sends the cached messages (handleSubscribeHTTP →
		// sendOldMessages): a message published in between reaches the client before the backlog.
		let publishBetween: (() => void) | undefined;
		sim = await startNtfySimulator({
			beforeOldMessages: () => {
				const publish = publishBetween;
				publishBetween = undefined;
				publish?.();
			},
		});
		const first = await start({ topics: 't1' });
		await sim.waitForSubscribers(1);
		sim.publishDirect('t1', 'before');
		await first.waitForEmit(1);
		await first.close();
		const backlog = Array.from({ length: 8 }, (_, i) => sim.publishDirect('t1', `backlog ${i + 1}`));
		// After a real gap the live message is newer, on ntfy's clock (seconds), than the backlog.
		while (Math.floor(Date.now() / 1000) <= backlog[7].time) await new Promise((resolve) => setTimeout(resolve, 50));
		publishBetween = () => sim.publishDirect('t1', 'live');
		const second = await start({ topics: 't1' }, { staticData: JSON.parse(JSON.stringify(first.staticData)) as IDataObject });
		await second.waitForEmit(9, 10_000);
		// A duplicate would come before anything published later: one more message closes the check.
		const after = sim.publishDirect('t1', 'after');
		await second.waitForEmit(10, 10_000);
		expect(messages(second.emitted)).toEqual([...backlog.map((message) => message.message), 'live', 'after']);
		expect(second.staticData.lastId).toBe(after.id);
	});

	it('resumes across an n8n restart from static data without emitting anything twice', async () => {
		sim = await startNtfySimulator();
		const first = await start({ topics: 't1' });
		await sim.waitForSubscribers(1);
		sim.publishDirect('t1', 'one');
		await first.waitForEmit(1);
		await first.close();
		sim.publishDirect('t1', 'two');
		sim.publishDirect('t1', 'three');
		const saved = JSON.parse(JSON.stringify(first.staticData)) as IDataObject;
		const second = await start({ topics: 't1' }, { staticData: saved });
		await second.waitForEmit(2);
		sim.publishDirect('t1', 'four');
		await second.waitForEmit(3);
		expect(messages(second.emitted)).toEqual(['two', 'three', 'four']);
	});

	it('emits nothing twice when the resume id has left the server cache (full replay)', async () => {
		sim = await startNtfySimulator();
		const first = await start({ topics: 't1' });
		await sim.waitForSubscribers(1);
		sim.publishDirect('t1', 'old');
		await first.waitForEmit(1);
		await new Promise((resolve) => setTimeout(resolve, 1100));
		const newer = sim.publishDirect('t1', 'newer');
		await first.waitForEmit(2);
		await first.close();
		// ntfy answers an unknown since id with every cached message. "old" has also left the list of
		// recent ids (as after 100 more messages): the newest delivered time must rule it out.
		const saved = { ...(JSON.parse(JSON.stringify(first.staticData)) as IDataObject), lastId: 'Expired00000', recentIds: [newer.id] };
		await new Promise((resolve) => setTimeout(resolve, 1100));
		sim.publishDirect('t1', 'three');
		const second = await start({ topics: 't1' }, { staticData: saved });
		await second.waitForEmit(1);
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(messages(second.emitted)).toEqual(['three']);
	});

	it('covers a gap before the first message with the activation time', async () => {
		sim = await startNtfySimulator();
		const trigger = await start({ topics: 't1' });
		await sim.waitForSubscribers(1);
		sim.cutStreams();
		sim.publishDirect('t1', 'while away');
		await trigger.waitForEmit(1, 20_000);
		expect(messages(trigger.emitted)).toEqual(['while away']);
		expect(trigger.staticData.startedAt).toEqual(expect.any(Number));
	});

	it('detects a silent (dead) connection and reconnects without losing messages', async () => {
		sim = await startNtfySimulator({ keepaliveMs: 200 });
		const trigger = await start({ topics: 't1', options: { deadAfterSeconds: 1 } });
		await sim.waitForSubscribers(1);
		sim.publishDirect('t1', 'first');
		await trigger.waitForEmit(1);
		sim.freezeStreams();
		sim.publishDirect('t1', 'sent into the void');
		await sim.waitForSubscribers(1, 20_000);
		await trigger.waitForEmit(2, 20_000);
		expect(messages(trigger.emitted)).toEqual(['first', 'sent into the void']);
	});

	it('keeps a healthy stream open through keepalives', async () => {
		// Keepalives every 0.5 s against a 3 s dead timer: only a stall of 2.5 s would cut the stream.
		sim = await startNtfySimulator({ keepaliveMs: 500 });
		await start({ topics: 't1', options: { deadAfterSeconds: 3 } });
		await sim.waitForSubscribers(1);
		// Eight keepalives span 4 s, longer than the dead timer: the stream lived on keepalives alone.
		await until(() => sim.keepalivesSent >= 8);
		expect(sim.requests.filter((request) => request.path.startsWith('/t1/json') && !request.path.includes('poll=1'))).toHaveLength(1);
	});

	it('fails activation clearly on bad credentials, without retrying', async () => {
		sim = await startNtfySimulator({ defaultAccess: 'deny-all', users: [{ name: 'phil', password: 'pw', tokens: ['tk_goodgoodgoodgoodgoodgoodgoo'] }] });
		const error = await start({ topics: 't1' }, { credentials: { authentication: 'token', accessToken: 'tk_badbadbadbadbadbadbadbadbad' } }).catch((e: Error) => e);
		expect((error as Error).message).toContain('ntfy answered 401');
		await new Promise((resolve) => setTimeout(resolve, 1200));
		expect(sim.requests).toHaveLength(1);
	});

	it('stops with emitError when access is revoked while running', async () => {
		const user = { name: 'phil', password: 'pw', tokens: ['tk_goodgoodgoodgoodgoodgoodgoo'], grants: { t1: 'read-write' as const } };
		sim = await startNtfySimulator({ defaultAccess: 'deny-all', users: [user] });
		const trigger = await start({ topics: 't1' }, { credentials: { authentication: 'token', accessToken: 'tk_goodgoodgoodgoodgoodgoodgoo' } });
		await sim.waitForSubscribers(1);
		user.tokens.splice(0);
		sim.cutStreams();
		const [error] = await trigger.waitForError(1, 20_000);
		expect(error.message).toContain('ntfy answered 401');
		const attempts = sim.requests.length;
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(sim.requests).toHaveLength(attempts);
	});

	it('"Test step" waits for the next message and leaves the cursor alone', async () => {
		sim = await startNtfySimulator();
		sim.publishDirect('t1', 'old');
		const trigger = await start({ topics: 't1' }, { mode: 'manual' });
		await trigger.manualTriggerFunction!();
		await sim.waitForSubscribers(1);
		sim.publishDirect('t1', 'next');
		await trigger.waitForEmit(1);
		expect(messages(trigger.emitted)).toEqual(['next']);
		expect(trigger.staticData.lastId).toBeUndefined();
		expect(sim.requests.at(-1)?.path).not.toContain('since=');
	});
});
