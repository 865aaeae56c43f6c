/** The Gotify node through n8n's real engine against the Gotify simulator. */
import { createServer, type Socket } from 'node:net';

import type { NodeApiError } from 'n8n-workflow';

import { closeAllPools } from '../../../nodes/shared/transport';
import { callNodeMethod, runNode, runNodeForResult, testCredential } from '../../helpers/engine';
import { certificatesFor } from '../../simulators/proxmox/wire/certs';
import { startGotifySimulator, type GotifyApplication, type GotifyClient, type GotifySimulator } from '../../simulators/gotify';

let sim: GotifySimulator;
let app: GotifyApplication;
let client: GotifyClient;

const credentials = (extra: Record<string, unknown> = {}) => ({
	proxmoxMcpGotifyApi: { serverUrl: sim.url, appToken: app.token, clientToken: client.token, tlsMode: 'system', ...extra },
});

async function startSim(options: Parameters<typeof startGotifySimulator>[0] = {}) {
	sim = await startGotifySimulator(options);
	app = sim.createApplication('admin', 'Proxmox', { description: 'PVE cluster' });
	client = sim.createClient('admin');
}

afterEach(async () => {
	await sim?.close();
	await closeAllPools();
});

describe('Gotify node: messages', () => {
	it('sends a message with title, priority, markdown, click, big image, intent and extra extras', async () => {
		await startSim();
		const [item] = await runNode(
			'gotify',
			{
				resource: 'message',
				operation: 'send',
				message: '**Backup** finished',
				options: {
					title: 'vzdump',
					priority: 8,
					markdown: true,
					clickUrl: 'https://pve1:8006/',
					bigImageUrl: 'https://example.com/graph.png',
					intentUrl: 'https://example.com/open',
					extras: '{"client::notification":{"sticky":true},"myapp::data":{"vmid":100}}',
				},
			},
			{ credentials: credentials() },
		);
		expect(item.json).toMatchObject({ appid: app.id, title: 'vzdump', priority: 8, message: '**Backup** finished' });
		expect(item.json.extras).toEqual({
			'client::display': { contentType: 'text/markdown' },
			'client::notification': { sticky: true, click: { url: 'https://pve1:8006/' }, bigImageUrl: 'https://example.com/graph.png' },
			'android::action': { onReceive: { intentUrl: 'https://example.com/open' } },
			'myapp::data': { vmid: 100 },
		});
		const sent = sim.requests.find((request) => request.method === 'POST' && request.path === '/message')!;
		expect(sent.headers['x-gotify-key']).toBe(app.token);
	});

	it('pages through messages with since and limit, for all or one application', async () => {
		await startSim();
		const other = sim.createApplication('admin', 'Other');
		for (let i = 1; i <= 250; i++) sim.postMessage(i % 5 === 0 ? other.token : app.token, { message: `m${i}` });
		const all = await runNode('gotify', { resource: 'message', operation: 'getMany', scope: 'all', returnAll: true }, { credentials: credentials() });
		expect(all).toHaveLength(250);
		expect(all[0].json.id).toBe(250);
		expect(all.at(-1)!.json.id).toBe(1);
		const pages = sim.requests.filter((request) => request.path.startsWith('/message?'));
		expect(pages.map((request) => request.path)).toEqual(['/message?limit=200', '/message?limit=200&since=51']);
		const some = await runNode(
			'gotify',
			{ resource: 'message', operation: 'getMany', scope: 'all', returnAll: false, limit: 3, listOptions: { since: 100 } },
			{ credentials: credentials() },
		);
		expect(some.map((item) => item.json.id)).toEqual([99, 98, 97]);
		const ofOther = await runNode(
			'gotify',
			{ resource: 'message', operation: 'getMany', scope: 'application', application: { mode: 'name', value: 'Other' }, returnAll: true },
			{ credentials: credentials() },
		);
		expect(ofOther).toHaveLength(50);
		expect(ofOther.every((item) => item.json.appid === other.id)).toBe(true);
	});

	it('deletes one message and all messages of an application', async () => {
		await startSim();
		const m1 = sim.postMessage(app.token, { message: '1' });
		sim.postMessage(app.token, { message: '2' });
		const [deleted] = await runNode('gotify', { resource: 'message', operation: 'delete', messageId: m1.id }, { credentials: credentials() });
		expect(deleted.json).toEqual({ deleted: true, id: m1.id });
		const missing = (await runNode('gotify', { resource: 'message', operation: 'delete', messageId: m1.id }, { credentials: credentials() }).catch((e: Error) => e)) as NodeApiError;
		expect(missing).toMatchObject({ name: 'NodeApiError', httpCode: '404' });
		expect(missing.message).toBe('Gotify answered 404: message does not exist');
		await runNode('gotify', { resource: 'message', operation: 'deleteAll', application: { mode: 'list', value: String(app.id) } }, { credentials: credentials() });
		expect(sim.messages).toEqual([]);
	});

	it('explains a missing or wrong token, and never shows it', async () => {
		await startSim();
		const noApp = (await runNode('gotify', { resource: 'message', operation: 'send', message: 'x' }, { credentials: credentials({ appToken: '' }) }).catch((e: Error) => e)) as Error;
		expect(noApp).toMatchObject({ name: 'NodeOperationError' });
		expect(noApp.message).toContain('needs the Application Token');
		const wrong = (await runNode('gotify', { resource: 'message', operation: 'send', message: 'x' }, { credentials: credentials({ appToken: client.token }) }).catch((e: Error) => e)) as NodeApiError;
		expect(wrong.httpCode).toBe('401');
		expect(wrong.message).toContain('you need to provide a valid access token');
		expect(wrong.message).toContain('Check the application token');
		expect(JSON.stringify(wrong)).not.toContain(client.token);
	});

	it('surfaces a 429 from a proxy with its Retry-After', async () => {
		await startSim();
		sim.injectResponse(429, '{"error":"Too Many Requests","errorCode":429,"errorDescription":"slow down"}', { 'Retry-After': '30' });
		const error = (await runNode('gotify', { resource: 'message', operation: 'send', message: 'x' }, { credentials: credentials() }).catch((e: Error) => e)) as NodeApiError;
		expect(error.httpCode).toBe('429');
		expect(error.message).toBe('Gotify answered 429: slow down. Retry after 30 s.');
	});

	it('gives up after the credential timeout when the server never answers', async () => {
		await startSim();
		const sockets: Socket[] = [];
		const silent = createServer((socket) => sockets.push(socket));
		await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
		const { port } = silent.address() as { port: number };
		try {
			const started = Date.now();
			const error = (await runNode('gotify', { resource: 'server', operation: 'version' }, { credentials: credentials({ serverUrl: `http://127.0.0.1:${port}`, timeoutSeconds: 1 }) }).catch(
				(e: Error) => e,
			)) as Error;
			expect(error.message).toBe(`127.0.0.1:${port} did not answer within 1000 ms`);
			expect(Date.now() - started).toBeLessThan(5000);
		} finally {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => silent.close(resolve));
		}
	});

	it('continues on fail per item and runs as an AI tool', async () => {
		await startSim();
		const result = await runNodeForResult(
			'gotify',
			{ resource: 'message', operation: 'send', message: '={{ $json.text }}' },
			{ credentials: credentials(), continueOnFail: true, items: [{ text: 'fine' }, { text: '' }] },
		);
		const items = result.output('Node');
		expect(items[0].json).toMatchObject({ message: 'fine' });
		expect(items[1].json.error).toContain('must not be empty');
		const [tool] = await runNode('gotify', { resource: 'message', operation: 'send', message: 'from an agent' }, { credentials: credentials(), asTool: true });
		expect(tool.json).toMatchObject({ message: 'from an agent' });
	});
});

describe('Gotify node: applications and server', () => {
	it('creates, lists, updates (keeping unchanged fields) and deletes applications', async () => {
		await startSim();
		const [created] = await runNode(
			'gotify',
			{ resource: 'application', operation: 'create', name: 'Backups', applicationFields: { description: 'PBS', defaultPriority: 4 } },
			{ credentials: credentials() },
		);
		expect(created.json).toMatchObject({ name: 'Backups', description: 'PBS', defaultPriority: 4 });
		const listed = await runNode('gotify', { resource: 'application', operation: 'getMany', returnAll: true }, { credentials: credentials() });
		expect(listed.map((item) => item.json.name)).toEqual(['Proxmox', 'Backups']);
		const [updated] = await runNode(
			'gotify',
			{ resource: 'application', operation: 'update', application: { mode: 'id', value: String(created.json.id) }, applicationFields: { defaultPriority: 7 } },
			{ credentials: credentials() },
		);
		expect(updated.json).toMatchObject({ name: 'Backups', description: 'PBS', defaultPriority: 7 });
		await runNode('gotify', { resource: 'application', operation: 'delete', application: { mode: 'name', value: 'Backups' } }, { credentials: credentials() });
		expect(sim.applications.map((application) => application.name)).toEqual(['Proxmox']);
		const ambiguous = sim.createApplication('admin', 'Proxmox');
		const error = await runNode('gotify', { resource: 'application', operation: 'delete', application: { mode: 'name', value: 'Proxmox' } }, { credentials: credentials() }).catch((e: Error) => e);
		expect((error as Error).message).toContain('2 Gotify applications are named "Proxmox"');
		expect(ambiguous.id).toBeGreaterThan(0);
	});

	it('reports the v3 elevated-session rule for deleting applications', async () => {
		await startSim({ version: '3.0.0' });
		const error = (await runNode('gotify', { resource: 'application', operation: 'delete', application: { mode: 'id', value: String(app.id) } }, { credentials: credentials() }).catch((e: Error) => e)) as NodeApiError;
		expect(error.httpCode).toBe('403');
		expect(error.message).toContain('session not elevated');
	});

	it('lists applications for the resource locator', async () => {
		await startSim();
		sim.createApplication('admin', 'Backups');
		const result = await callNodeMethod('gotify', 'listSearch', 'searchApplications', {}, { credentials: credentials(), filter: 'back' });
		expect(result).toEqual({ results: [{ name: `Backups (${app.id + 1})`, value: String(app.id + 1) }] });
	});

	it('reads health and version', async () => {
		await startSim();
		const [health] = await runNode('gotify', { resource: 'server', operation: 'health' }, { credentials: credentials({ appToken: '', clientToken: '' }) });
		expect(health.json).toEqual({ health: 'green', database: 'green' });
		const [version] = await runNode('gotify', { resource: 'server', operation: 'version' }, { credentials: credentials() });
		expect(version.json.version).toBe('2.9.1');
	});
});

describe('Gotify credential', () => {
	it('reports the version and which tokens work, sending nothing', async () => {
		await startSim();
		const ok = await testCredential('gotify', 'gotifyConnectionTest', 'proxmoxMcpGotifyApi', credentials().proxmoxMcpGotifyApi);
		expect(ok).toEqual({ status: 'OK', message: 'Gotify 2.9.1: application token works; client token works (user admin)' });
		expect(sim.messages).toEqual([]);
		const swapped = await testCredential('gotify', 'gotifyConnectionTest', 'proxmoxMcpGotifyApi', credentials({ appToken: client.token, clientToken: app.token }).proxmoxMcpGotifyApi);
		expect(swapped.status).toBe('Error');
		expect(swapped.message).toMatch(/application token does not work \(Gotify answered 401.*client token does not work \(Gotify answered 403/);
		expect(swapped.message).not.toContain(client.token);
	});

	it('verifies TLS: pinned fingerprint works, a wrong pin and an unknown CA fail before any token is sent', async () => {
		const certs = await certificatesFor('pve', '127.0.0.1', 'gotify');
		await startSim({ tls: { certPem: certs.certPem, keyPem: certs.keyPem } });
		const pinned = await testCredential('gotify', 'gotifyConnectionTest', 'proxmoxMcpGotifyApi', credentials({ tlsMode: 'fingerprint', fingerprint: certs.fingerprint }).proxmoxMcpGotifyApi);
		expect(pinned.status).toBe('OK');
		const customCa = await testCredential('gotify', 'gotifyConnectionTest', 'proxmoxMcpGotifyApi', credentials({ tlsMode: 'customCa', caPem: certs.caPem }).proxmoxMcpGotifyApi);
		expect(customCa.status).toBe('OK');
		const requestsBefore = sim.requests.length;
		const wrongPin = await testCredential('gotify', 'gotifyConnectionTest', 'proxmoxMcpGotifyApi', credentials({ tlsMode: 'fingerprint', fingerprint: 'AA'.repeat(32) }).proxmoxMcpGotifyApi);
		expect(wrongPin.status).toBe('Error');
		expect(wrongPin.message).toContain('does not match the pinned fingerprint');
		const system = await testCredential('gotify', 'gotifyConnectionTest', 'proxmoxMcpGotifyApi', credentials().proxmoxMcpGotifyApi);
		expect(system.message).toContain('TLS verification');
		expect(sim.requests.length).toBe(requestsBefore);
	});
});
