/** Fidelity of the Gotify simulator against protocols.md §1 and the swagger files. */
import WebSocket from 'ws';

import { startGotifySimulator, type GotifySimulator } from './index';

let sim: GotifySimulator;

afterEach(async () => {
	await sim?.close();
});

async function call(path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown; form?: string } = {}) {
	const headers = { ...(init.headers ?? {}) };
	let body: string | undefined;
	if (init.body !== undefined) {
		headers['Content-Type'] = 'application/json';
		body = JSON.stringify(init.body);
	} else if (init.form !== undefined) {
		headers['Content-Type'] = 'application/x-www-form-urlencoded';
		body = init.form;
	}
	const response = await fetch(`${sim.url}${path}`, { method: init.method ?? 'GET', headers, body });
	const text = await response.text();
	return { status: response.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

const UNAUTHORIZED = { error: 'Unauthorized', errorCode: 401, errorDescription: 'you need to provide a valid access token or user credentials to access this api' };

describe('Gotify simulator: messages', () => {
	it('creates messages with an application token in any accepted header form', async () => {
		sim = await startGotifySimulator();
		const app = sim.createApplication('admin', 'Backups');
		const viaKey = await call('/message', { method: 'POST', headers: { 'X-Gotify-Key': app.token }, body: { message: '**Backup** done', title: 'Backup', priority: 2, extras: { 'client::display': { contentType: 'text/markdown' } } } });
		expect(viaKey.status).toBe(200);
		expect(Object.keys(viaKey.json!)).toEqual(['id', 'appid', 'message', 'title', 'priority', 'extras', 'date']);
		expect(viaKey.json!.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
		const viaBearer = await call('/message', { method: 'POST', headers: { Authorization: `bEaReR ${app.token}` }, body: { message: 'x' } });
		expect(viaBearer.json).toMatchObject({ title: 'Backups', priority: 0 });
		expect(viaBearer.json).not.toHaveProperty('extras');
		const viaQuery = await call(`/message?token=${app.token}`, { method: 'POST', form: 'message=form&priority=5&title=%20' });
		expect(viaQuery.json).toMatchObject({ message: 'form', priority: 5, title: 'Backups' });
	});

	it('answers auth and validation errors with Gotify error bodies (v2 rules)', async () => {
		sim = await startGotifySimulator();
		const app = sim.createApplication('admin', 'A');
		const client = sim.createClient('admin');
		expect((await call('/message', { method: 'POST', body: { message: 'x' } })).json).toEqual(UNAUTHORIZED);
		expect((await call('/message', { method: 'POST', headers: { 'X-Gotify-Key': client.token }, body: { message: 'x' } })).status).toBe(401);
		const basic = await call('/message', { method: 'POST', headers: { Authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` }, body: { message: 'x' } });
		expect(basic.json).toEqual({ error: 'Forbidden', errorCode: 403, errorDescription: 'you are not allowed to access this api' });
		expect((await call('/message', { method: 'POST', headers: { 'X-Gotify-Key': app.token }, body: { message: '' } })).json).toEqual({
			error: 'Bad Request',
			errorCode: 400,
			errorDescription: "Field 'message' is required",
		});
		expect((await call('/message', { method: 'POST', headers: { 'X-Gotify-Key': app.token }, body: { message: 'x', priority: 'asd' } })).status).toBe(400);
		expect((await call('/message', { headers: { 'X-Gotify-Key': app.token } })).status).toBe(403);
		expect((await call('/nowhere')).json).toEqual({ error: 'Not Found', errorCode: 404, errorDescription: 'page not found' });
	});

	it('v3 accepts client tokens with an owned appid only', async () => {
		sim = await startGotifySimulator({ version: '3.0.0' });
		const app = sim.createApplication('admin', 'A');
		const client = sim.createClient('admin');
		const headers = { 'X-Gotify-Key': client.token };
		expect((await call('/message', { method: 'POST', headers, body: { message: 'x' } })).json!.errorDescription).toBe('appid is required when not authenticating with an application token');
		expect((await call('/message', { method: 'POST', headers, body: { message: 'x', appid: 99 } })).json!.errorDescription).toBe('appid not found');
		expect((await call('/message', { method: 'POST', headers, body: { message: 'x', appid: app.id } })).json).toMatchObject({ appid: app.id });
		expect(client.token.startsWith('gtfy')).toBe(true);
	});

	it('pages newest first with since (exclusive), limit 1..200, absolute next in v2 and relative in v3', async () => {
		for (const version of ['2.9.1', '3.0.0'] as const) {
			sim = await startGotifySimulator({ version });
			const app = sim.createApplication('admin', 'A');
			const client = sim.createClient('admin');
			for (let i = 1; i <= 5; i++) sim.postMessage(app.token, { message: `m${i}` });
			const headers = { 'X-Gotify-Key': client.token };
			const first = await call('/message?limit=2', { headers });
			expect((first.json!.messages as Array<{ id: number }>).map((m) => m.id)).toEqual([5, 4]);
			const paging = first.json!.paging as Record<string, unknown>;
			expect(paging).toMatchObject({ size: 2, since: 4, limit: 2 });
			const host = new URL(sim.url).host;
			expect(paging.next).toBe(version === '3.0.0' ? '/message?limit=2&since=4' : `http://${host}/message?limit=2&since=4`);
			const last = await call('/message?limit=2&since=2', { headers });
			expect(last.json!.paging).toEqual({ size: 1, since: 0, limit: 2 });
			expect((await call('/message?limit=500', { headers })).json!.errorDescription).toBe("Field 'limit' must be less or equal to 200");
			expect((await call('/message?limit=0', { headers })).json!.errorDescription).toBe("Field 'limit' must be more or equal to 1");
			const perApp = await call(`/application/${app.id}/message?limit=1`, { headers });
			expect(perApp.json!.paging).toMatchObject({ since: 5 });
			expect((await call('/application/77/message', { headers })).json).toEqual({ error: 'Not Found', errorCode: 404, errorDescription: 'application does not exist' });
			await sim.close();
		}
	});

	it('deletes one message, an application’s messages, and all messages', async () => {
		sim = await startGotifySimulator();
		const a = sim.createApplication('admin', 'A');
		const b = sim.createApplication('admin', 'B');
		const client = sim.createClient('admin');
		const headers = { 'X-Gotify-Key': client.token };
		const m1 = sim.postMessage(a.token, { message: '1' });
		sim.postMessage(a.token, { message: '2' });
		sim.postMessage(b.token, { message: '3' });
		const deleted = await call(`/message/${m1.id}`, { method: 'DELETE', headers });
		expect(deleted).toMatchObject({ status: 200, text: '' });
		expect((await call(`/message/${m1.id}`, { method: 'DELETE', headers })).json!.errorDescription).toBe('message does not exist');
		await call(`/application/${a.id}/message`, { method: 'DELETE', headers });
		expect(sim.messages.map((m) => m.message)).toEqual(['3']);
		await call('/message', { method: 'DELETE', headers });
		expect(sim.messages).toEqual([]);
	});
});

describe('Gotify simulator: applications and server', () => {
	it('manages applications; v3 hides tokens on read and needs an elevated session to delete', async () => {
		sim = await startGotifySimulator({ version: '3.0.0' });
		const client = sim.createClient('admin');
		const headers = { 'X-Gotify-Key': client.token };
		const created = await call('/application', { method: 'POST', headers, body: { name: 'Proxmox', description: 'pve', defaultPriority: 5 } });
		expect(created.json).toMatchObject({ name: 'Proxmox', description: 'pve', defaultPriority: 5, internal: false });
		expect(typeof created.json!.token).toBe('string');
		const list = await call('/application', { headers });
		expect((list.json as unknown as Array<Record<string, unknown>>)[0]).not.toHaveProperty('token');
		expect((await call(`/application/${created.json!.id}`, { method: 'PUT', headers, body: { description: 'no name' } })).json!.errorDescription).toBe("Field 'name' is required");
		expect((await call(`/application/${created.json!.id}`, { method: 'PUT', headers, body: { name: 'PVE' } })).json).toMatchObject({ name: 'PVE', description: '' });
		expect((await call(`/application/${created.json!.id}`, { method: 'DELETE', headers })).json!.errorDescription).toBe(
			'session not elevated, use basic auth or call /client:elevate',
		);
		const basic = { Authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };
		expect((await call(`/application/${created.json!.id}`, { method: 'DELETE', headers: basic })).status).toBe(200);
	});

	it('answers health and version without auth', async () => {
		sim = await startGotifySimulator();
		expect((await call('/health')).json).toEqual({ health: 'green', database: 'green' });
		expect((await call('/version')).json).toMatchObject({ version: '2.9.1' });
	});
});

describe('Gotify simulator: stream', () => {
	function open(path: string, headers: Record<string, string> = {}) {
		return new WebSocket(`${sim.url.replace('http', 'ws')}${path}`, { headers });
	}

	it('rejects the upgrade with 401 JSON without a valid client token', async () => {
		sim = await startGotifySimulator();
		const ws = open('/stream?token=Cnope');
		ws.on('error', () => undefined);
		const answer = await new Promise<{ status: number; body: string }>((resolve) =>
			ws.on('unexpected-response', (req, res) => {
				let body = '';
				res.on('data', (chunk: Buffer) => (body += chunk.toString()));
				res.on('end', () => {
					req.destroy();
					resolve({ status: res.statusCode ?? 0, body });
				});
			}),
		);
		expect(answer.status).toBe(401);
		expect(JSON.parse(answer.body)).toEqual(UNAUTHORIZED);
	});

	it('sends each new message as a bare MessageExternal text frame and pings', async () => {
		sim = await startGotifySimulator({ pingPeriodMs: 50 });
		const app = sim.createApplication('admin', 'A');
		const client = sim.createClient('admin');
		const ws = open('/stream', { 'X-Gotify-Key': client.token });
		await new Promise((resolve) => ws.once('open', resolve));
		const pinged = new Promise((resolve) => ws.once('ping', resolve));
		const frame = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
		sim.postMessage(app.token, { message: 'hello', priority: 4 });
		expect(JSON.parse(await frame)).toMatchObject({ appid: app.id, message: 'hello', title: 'A', priority: 4 });
		await pinged;
		ws.close();
	});

	it('drops a stream whose client stops answering pings, and closes without a close frame when the client is deleted', async () => {
		sim = await startGotifySimulator({ pingPeriodMs: 30, readDeadlineExtraMs: 30 });
		const client = sim.createClient('admin');
		const ws = open('/stream', { 'X-Gotify-Key': client.token });
		await new Promise((resolve) => ws.once('open', resolve));
		// Stop reading: no pongs go out, so the server's read deadline passes.
		(ws as unknown as { _socket: { pause(): void } })._socket.pause();
		await new Promise<void>((resolve) => {
			const poll = setInterval(() => {
				if (sim.streamCount === 0) {
					clearInterval(poll);
					resolve();
				}
			}, 10);
		});
		ws.terminate();
		const second = open('/stream', { 'X-Gotify-Key': client.token });
		await new Promise((resolve) => second.once('open', resolve));
		const code = new Promise<number>((resolve) => second.once('close', resolve));
		sim.deleteClient(client.token);
		expect(await code).toBe(1006);
	});
});
