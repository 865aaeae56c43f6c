/** The ntfy node through n8n's real engine against the ntfy simulator. */
import type { IExecuteFunctions, INodeType, NodeApiError } from 'n8n-workflow';

import { closeAllPools } from '../../../nodes/shared/transport';
import { registerNodeType, runNode, runNodeForResult, runWorkflow, testCredential, START_NODE_TYPE } from '../../helpers/engine';
import { startNtfySimulator, type NtfySimulator } from '../../simulators/ntfy';

let sim: NtfySimulator;

const credentials = () => ({ proxmoxMcpNtfyApi: { serverUrl: sim.url, authentication: 'none', tlsMode: 'system' } });

afterEach(async () => {
	await sim?.close();
	await closeAllPools();
});

describe('ntfy node: publish', () => {
	it('publishes every JSON option and returns the server message', async () => {
		sim = await startNtfySimulator();
		const [item] = await runNode(
			'ntfy',
			{
				operation: 'publish',
				topic: 'alerts',
				message: 'Disk **full**\non pve1',
				attachment: 'url',
				attachUrl: 'https://example.com/graph.png',
				filename: 'disk.png',
				actions: {
					button: [
						{ action: 'view', label: 'Open', url: 'https://pve1:8006/', clear: true },
						{ action: 'http', label: 'Restart', url: 'https://n8n.local/webhook/x', method: 'PUT', headers: '{"X-Token":"abc"}', body: '{"vmid":100}' },
						{ action: 'broadcast', label: 'Tasker', intent: 'my.intent', extras: '{"cmd":"go"}' },
					],
				},
				options: {
					title: 'Storage',
					priority: 5,
					tags: 'warning, floppy_disk',
					markdown: true,
					click: 'https://pve1:8006/',
					icon: 'https://example.com/icon.png',
					firebase: false,
					sequenceId: 'disk-pve1',
				},
			},
			{ credentials: credentials() },
		);
		expect(item.json).toMatchObject({
			event: 'message',
			topic: 'alerts',
			title: 'Storage',
			message: 'Disk **full**\non pve1',
			priority: 5,
			tags: ['warning', 'floppy_disk'],
			click: 'https://pve1:8006/',
			icon: 'https://example.com/icon.png',
			content_type: 'text/markdown',
			sequence_id: 'disk-pve1',
			attachment: { name: 'disk.png', url: 'https://example.com/graph.png' },
		});
		const actions = item.json.actions as Array<Record<string, unknown>>;
		expect(actions).toHaveLength(3);
		expect(actions[0]).toMatchObject({ action: 'view', label: 'Open', url: 'https://pve1:8006/', clear: true });
		expect(actions[1]).toMatchObject({ action: 'http', method: 'PUT', headers: { 'X-Token': 'abc' }, body: '{"vmid":100}' });
		expect(actions[2]).toMatchObject({ action: 'broadcast', intent: 'my.intent', extras: { cmd: 'go' } });
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(sim.requests.at(-1)).toMatchObject({ method: 'POST', path: '/' });
	});

	it('sends uncached and delayed messages as asked', async () => {
		sim = await startNtfySimulator();
		const [volatile] = await runNode('ntfy', { operation: 'publish', topic: 't1', message: 'x', options: { cache: false } }, { credentials: credentials() });
		expect(volatile.json).not.toHaveProperty('expires');
		const [later] = await runNode('ntfy', { operation: 'publish', topic: 't1', message: 'y', options: { delay: '2h' } }, { credentials: credentials() });
		expect(later.json.time as number).toBeGreaterThan(Date.now() / 1000 + 7000);
	});

	it('uploads binary data with PUT, header-safe non-ASCII title and the file name', async () => {
		sim = await startNtfySimulator({ attachments: true });
		const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9, 9, 9]);
		const binarySource: INodeType = {
			description: { displayName: 'Bin', name: 'bin', group: ['input'], version: 1, description: '', defaults: { name: 'Bin' }, inputs: ['main'], outputs: ['main'], properties: [] },
			async execute(this: IExecuteFunctions) {
				const data = await this.helpers.prepareBinaryData(png, 'graph.png', 'image/png');
				return [[{ json: {}, binary: { data } }]];
			},
		};
		registerNodeType('test.binary', binarySource);
		const result = await runWorkflow(
			{
				nodes: [
					{ name: 'Start', type: START_NODE_TYPE, parameters: {} },
					{ name: 'Bin', type: 'test.binary', parameters: {} },
					{
						name: 'Ntfy',
						type: 'n8n-nodes-proxmox-mcp.ntfy',
						parameters: { operation: 'publish', topic: 'graphs', message: 'Last 24 h\nCPU', attachment: 'binary', binaryPropertyName: 'data', options: { title: 'Tägliche Übersicht ✅' } },
					},
				],
				connections: { Start: { main: [[{ node: 'Bin', type: 'main', index: 0 }]] }, Bin: { main: [[{ node: 'Ntfy', type: 'main', index: 0 }]] } },
			},
			{ credentials: credentials() },
		);
		const [item] = result.output('Ntfy');
		expect(item.json).toMatchObject({ title: 'Tägliche Übersicht ✅', message: 'Last 24 h\nCPU', attachment: { name: 'graph.png', type: 'image/png', size: png.length } });
		expect(sim.requests.at(-1)).toMatchObject({ method: 'PUT', path: '/graphs' });
	});

	it('surfaces the server error body (e-mail not configured: 40001)', async () => {
		sim = await startNtfySimulator();
		const error = await runNode('ntfy', { operation: 'publish', topic: 't1', message: 'x', options: { email: 'me@example.com' } }, { credentials: credentials() }).catch((e: Error) => e);
		// The harness hands back the serialised run error: check its class by name.
		expect(error).toMatchObject({ name: 'NodeApiError' });
		expect((error as NodeApiError).message).toContain('ntfy answered 400 (code 40001): e-mail notifications are not enabled');
		expect((error as NodeApiError).httpCode).toBe('400');
	});

	it('explains rate limits (429 42901) with a retry hint', async () => {
		sim = await startNtfySimulator({ requestBurst: 1, requestRefillMs: 60000 });
		await runNode('ntfy', { operation: 'publish', topic: 't1', message: 'a' }, { credentials: credentials() });
		const error = (await runNode('ntfy', { operation: 'publish', topic: 't1', message: 'b' }, { credentials: credentials() }).catch((e: Error) => e)) as NodeApiError;
		expect(error.httpCode).toBe('429');
		expect(error.message).toMatch(/code 42901.*retry in a few seconds/);
	});

	it('uses a Retry-After header when a proxy sends one', async () => {
		sim = await startNtfySimulator();
		sim.injectResponse(429, '{"code":42901,"http":429,"error":"limit reached: too many requests"}\n', { 'Retry-After': '17' });
		const error = (await runNode('ntfy', { operation: 'publish', topic: 't1', message: 'b' }, { credentials: credentials() }).catch((e: Error) => e)) as NodeApiError;
		expect(error.message).toContain('Retry after 17 s.');
	});

	it('rejects invalid topics and too many buttons before sending', async () => {
		sim = await startNtfySimulator();
		const bad = await runNode('ntfy', { operation: 'publish', topic: 'no spaces', message: 'x' }, { credentials: credentials() }).catch((e: Error) => e);
		expect(bad).toMatchObject({ name: 'NodeOperationError' });
		const buttons = Array.from({ length: 4 }, (_, i) => ({ action: 'view', label: `b${i}`, url: 'https://x/' }));
		const many = await runNode('ntfy', { operation: 'publish', topic: 't1', message: 'x', actions: { button: buttons } }, { credentials: credentials() }).catch((e: Error) => e);
		// maxAllowedFields makes n8n refuse a fourth button before the node runs.
		expect((many as Error).message).toContain('has issues');
		expect(sim.requests).toHaveLength(0);
	});

	it('continues on fail with an error item per failed input', async () => {
		sim = await startNtfySimulator();
		const result = await runNodeForResult(
			'ntfy',
			{ operation: 'publish', topic: '={{ $json.topic }}', message: 'x' },
			{ credentials: credentials(), continueOnFail: true, items: [{ topic: 'ok' }, { topic: 'docs' }] },
		);
		const items = result.output('Node');
		expect(items[0].json).toMatchObject({ topic: 'ok' });
		expect(items[1].json.error).toContain('40010');
		expect(items[1].pairedItem).toEqual({ item: 1 });
	});

	it('runs as an AI tool', async () => {
		sim = await startNtfySimulator();
		const [item] = await runNode('ntfy', { operation: 'publish', topic: 'agent', message: 'from the agent' }, { credentials: credentials(), asTool: true });
		expect(item.json).toMatchObject({ topic: 'agent', message: 'from the agent' });
	});
});

describe('ntfy node: cached messages and clearing', () => {
	it('polls cached messages with since, filters and limit', async () => {
		sim = await startNtfySimulator();
		const first = sim.publishDirect('a', 'one', { Priority: 'high' });
		sim.publishDirect('b', 'two', { Priority: 'high', Tags: 'x' });
		sim.publishDirect('a', 'three');
		sim.publishDirect('a', 'four', { Priority: 'high' });
		const all = await runNode('ntfy', { operation: 'getMany', topics: 'a, b', since: 'all', returnAll: true }, { credentials: credentials() });
		expect(all.map((item) => item.json.message)).toEqual(['one', 'two', 'three', 'four']);
		const after = await runNode('ntfy', { operation: 'getMany', topics: 'a,b', since: first.id, returnAll: false, limit: 2, filters: { priorities: [4] } }, { credentials: credentials() });
		expect(after.map((item) => item.json.message)).toEqual(['two', 'four']);
		const tagged = await runNode('ntfy', { operation: 'getMany', topics: 'a,b', returnAll: true, filters: { tags: 'x' } }, { credentials: credentials() });
		expect(tagged.map((item) => item.json.message)).toEqual(['two']);
	});

	it('clears a notification by sequence id', async () => {
		sim = await startNtfySimulator();
		const [item] = await runNode('ntfy', { operation: 'clear', topic: 'alerts', sequenceId: 'disk-pve1' }, { credentials: credentials() });
		expect(item.json).toMatchObject({ event: 'message_clear', topic: 'alerts', sequence_id: 'disk-pve1' });
		expect(sim.requests.at(-1)).toMatchObject({ method: 'PUT', path: '/alerts/disk-pve1/clear' });
	});
});

describe('ntfy credential', () => {
	const users = [{ name: 'phil', password: 'pw-secret', tokens: ['tk_0123456789abcdefghijklmnopqrs'], grants: { private: 'read-write' as const } }];

	it('authenticates with a token or a password and reports bad ones without leaking them', async () => {
		sim = await startNtfySimulator({ defaultAccess: 'deny-all', users });
		const base = { serverUrl: sim.url, tlsMode: 'system' };
		expect(await testCredential('ntfy', 'ntfyConnectionTest', 'proxmoxMcpNtfyApi', { ...base, authentication: 'token', accessToken: 'tk_0123456789abcdefghijklmnopqrs' })).toMatchObject({ status: 'OK' });
		expect(await testCredential('ntfy', 'ntfyConnectionTest', 'proxmoxMcpNtfyApi', { ...base, authentication: 'basic', username: 'phil', password: 'pw-secret' })).toMatchObject({ status: 'OK' });
		const bad = await testCredential('ntfy', 'ntfyConnectionTest', 'proxmoxMcpNtfyApi', { ...base, authentication: 'basic', username: 'phil', password: 'wrong-pass' });
		expect(bad.status).toBe('Error');
		expect(bad.message).toContain('401');
		expect(bad.message).not.toContain('wrong-pass');
		const down = await testCredential('ntfy', 'ntfyConnectionTest', 'proxmoxMcpNtfyApi', { serverUrl: 'http://127.0.0.1:1', authentication: 'none', tlsMode: 'system' });
		expect(down).toMatchObject({ status: 'Error' });
		expect(down.message).toContain('connection refused');
	});

	it('publishes with token auth; a wrong token fails with 401 and a hint', async () => {
		sim = await startNtfySimulator({ defaultAccess: 'deny-all', users });
		const token = { proxmoxMcpNtfyApi: { serverUrl: sim.url, authentication: 'token', accessToken: 'tk_0123456789abcdefghijklmnopqrs', tlsMode: 'system' } };
		const [ok] = await runNode('ntfy', { operation: 'publish', topic: 'private', message: 'x' }, { credentials: token });
		expect(ok.json.topic).toBe('private');
		const wrong = { proxmoxMcpNtfyApi: { ...token.proxmoxMcpNtfyApi, accessToken: 'tk_wrongwrongwrongwrongwrongwro' } };
		const error = (await runNode('ntfy', { operation: 'publish', topic: 'private', message: 'x' }, { credentials: wrong }).catch((e: Error) => e)) as NodeApiError;
		expect(error.httpCode).toBe('401');
		expect(error.message).toContain('Check the username and password or access token');
		expect(error.message).not.toContain('tk_wrong');
	});
});
