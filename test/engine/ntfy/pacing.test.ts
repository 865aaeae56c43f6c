/**
 * The ntfy and Gotify triggers under a burst, through n8n's TriggerContext: at most Max Concurrent
 * Executions run at once (n8n settles each emit's done promise when its execution finished; the
 * harness holds them until the test finishes them), the rest wait in order, the cursor moves only
 * for messages handed to n8n, and a queue that congests closes the stream and catches up once it
 * drained: every message once, in order.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { closeAllPools } from '../../../nodes/shared/transport';
import { startTrigger, type TriggerHandle } from '../../helpers/engine';
import { startGotifySimulator, type GotifySimulator } from '../../simulators/gotify';
import { startNtfySimulator, type NtfySimulator } from '../../simulators/ntfy';

let ntfy: NtfySimulator | undefined;
let gotify: GotifySimulator | undefined;
const handles: TriggerHandle[] = [];

/** Polls until `check` holds (generous deadline: the machine may be busy). */
async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`${what}: not met in time`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

const messages = (emitted: INodeExecutionData[][][]) => emitted.map((emit) => String(emit[0][0].json.message));
const range = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix} ${index}`);

/** Finishes executions as they start until `count` emits happened; checks the limit on the way. */
async function drain(trigger: TriggerHandle, count: number, limit: number): Promise<number> {
	let most = 0;
	const deadline = Date.now() + 60_000;
	while (trigger.emitted.length < count) {
		if (Date.now() > deadline) throw new Error(`only ${trigger.emitted.length} of ${count} emits`);
		most = Math.max(most, trigger.running);
		expect(trigger.running).toBeLessThanOrEqual(limit);
		trigger.finishExecutions();
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	return most;
}

afterEach(async () => {
	for (const handle of handles.splice(0)) await handle.close();
	await ntfy?.close();
	await gotify?.close();
	ntfy = undefined;
	gotify = undefined;
	await closeAllPools();
});

describe('stream trigger pacing (Max Concurrent Executions, Queue Size)', () => {
	it('ntfy: a burst of 200 starts at most 3 executions at once, in order, cursor only past what was handed over', async () => {
		ntfy = await startNtfySimulator();
		const trigger = await startTrigger('ntfyTrigger', { topics: 'burst', options: { maxConcurrentExecutions: 3 } } as never, {
			credentials: { proxmoxMcpNtfyApi: { serverUrl: ntfy.url, authentication: 'none', tlsMode: 'system' } },
			executions: 'hold',
		});
		handles.push(trigger);
		await ntfy.waitForSubscribers(1);
		for (let index = 0; index < 200; index++) ntfy.publishDirect('burst', `m ${index}`);
		await until('three executions started', () => trigger.emitted.length === 3);
		// Still three after the whole burst arrived: the rest waits.
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(trigger.emitted).toHaveLength(3);
		expect(trigger.running).toBe(3);
		// The cursor (static data) holds the three handed over, not the 197 waiting.
		expect(trigger.staticData.recentIds).toHaveLength(3);

		const most = await drain(trigger, 200, 3);
		expect(most).toBe(3);
		expect(messages(trigger.emitted)).toEqual(range('m', 200));
		expect(ntfy.subscriberCount).toBe(1);
	});

	it('ntfy: a queue that congests closes the stream and catches up when drained, every message once, in order', async () => {
		ntfy = await startNtfySimulator();
		const trigger = await startTrigger('ntfyTrigger', { topics: 'flood', options: { maxConcurrentExecutions: 2, queueSize: 20 } } as never, {
			credentials: { proxmoxMcpNtfyApi: { serverUrl: ntfy.url, authentication: 'none', tlsMode: 'system' } },
			executions: 'hold',
		});
		handles.push(trigger);
		await ntfy.waitForSubscribers(1);
		for (let index = 0; index < 120; index++) ntfy.publishDirect('flood', `f ${index}`);
		// 2 running + 15 queued (three quarters of 20): the trigger drops its stream.
		await until('the stream closed for congestion', () => ntfy!.subscriberCount === 0);
		await drain(trigger, 120, 2);
		expect(messages(trigger.emitted)).toEqual(range('f', 120));
		// Live again afterwards.
		await until('the stream reopened', () => ntfy!.subscriberCount === 1);
		ntfy.publishDirect('flood', 'after');
		await drain(trigger, 121, 2);
		expect(messages(trigger.emitted).at(-1)).toBe('after');
	});

	it('Gotify: a burst of 150 starts at most 4 executions at once and delivers each message once, in order', async () => {
		gotify = await startGotifySimulator();
		const app = gotify.createApplication('admin', 'Proxmox');
		const client = gotify.createClient('admin', 'n8n');
		const trigger = await startTrigger('gotifyTrigger', { minPriority: 0, options: { maxConcurrentExecutions: 4, queueSize: 40 } } as never, {
			credentials: { proxmoxMcpGotifyApi: { serverUrl: gotify.url, appToken: app.token, clientToken: client.token, tlsMode: 'system' } },
			executions: 'hold',
		});
		handles.push(trigger);
		await gotify.waitForStreams(1);
		for (let index = 0; index < 150; index++) gotify.postMessage(app.token, { message: `g ${index}`, priority: 5 });
		const most = await drain(trigger, 150, 4);
		expect(most).toBe(4);
		expect(messages(trigger.emitted)).toEqual(range('g', 150));
	});
});
