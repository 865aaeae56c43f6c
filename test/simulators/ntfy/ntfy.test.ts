/** Fidelity of the ntfy simulator against protocols.md §2 (status codes, bodies, streams). */
import { get as httpGet } from 'node:http';

import { startNtfySimulator, type NtfySimulator } from './index';

let sim: NtfySimulator;

afterEach(async () => {
	await sim?.close();
});

async function call(path: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}) {
	const response = await fetch(`${sim.url}${path}`, { method: init.method ?? 'GET', headers: init.headers, body: init.body });
	const text = await response.text();
	return { status: response.status, text, json: text ? (JSON.parse(text.split('\n')[0]) as Record<string, unknown>) : undefined, headers: response.headers };
}

/** Reads `count` NDJSON lines from a subscription, then closes it. */
function readLines(path: string, count: number, headers: Record<string, string> = {}): Promise<Array<Record<string, unknown>>> {
	return new Promise((resolve, reject) => {
		const lines: Array<Record<string, unknown>> = [];
		const req = httpGet(`${sim.url}${path}`, { headers }, (response) => {
			let buffer = '';
			response.on('data', (chunk: Buffer) => {
				buffer += chunk.toString('utf8');
				let index: number;
				while ((index = buffer.indexOf('\n')) >= 0) {
					const line = buffer.slice(0, index);
					buffer = buffer.slice(index + 1);
					lines.push(JSON.parse(line) as Record<string, unknown>);
					if (lines.length === count) {
						req.destroy();
						resolve(lines);
					}
				}
			});
			response.on('end', () => resolve(lines));
			response.on('error', () => resolve(lines));
			response.on('close', () => resolve(lines));
		});
		req.on('error', (error) => reject(error));
	});
}

describe('ntfy simulator: publishing', () => {
	it('publishes with headers and answers the message JSON in ntfy key order', async () => {
		sim = await startNtfySimulator();
		const result = await call('/alerts', {
			method: 'POST',
			body: 'Disk full',
			headers: { Title: 't', Priority: 'high', Tags: 'warning, ,disk', Markdown: 'yes' },
		});
		expect(result.status).toBe(200);
		expect(result.headers.get('content-type')).toBe('application/json');
		expect(result.text.endsWith('\n')).toBe(true);
		expect(Object.keys(result.json!)).toEqual(['id', 'time', 'expires', 'event', 'topic', 'title', 'message', 'priority', 'tags', 'content_type']);
		expect(result.json).toMatchObject({ event: 'message', topic: 'alerts', title: 't', message: 'Disk full', priority: 4, tags: ['warning', 'disk'] });
		expect(result.json!.id).toMatch(/^[A-Za-z0-9]{12}$/);
		expect((result.json!.expires as number) - (result.json!.time as number)).toBe(43200);
	});

	it('reads query parameters, RFC 2047 headers, empty bodies as "triggered" and GET publishing', async () => {
		sim = await startNtfySimulator();
		const encoded = `=?UTF-8?B?${Buffer.from('Sauvegarde réussie ✅').toString('base64')}?=`;
		const viaHeader = await call('/t1', { method: 'PUT', headers: { 'X-Title': encoded } });
		expect(viaHeader.json).toMatchObject({ title: 'Sauvegarde réussie ✅', message: 'triggered' });
		const viaQuery = await call('/t1/publish?message=hello&priority=1&tags=a,b');
		expect(viaQuery.json).toMatchObject({ message: 'hello', priority: 1, tags: ['a', 'b'] });
	});

	it('rejects bad priorities, topics, URLs and missing e-mail support with ntfy codes', async () => {
		sim = await startNtfySimulator();
		expect((await call('/t1', { method: 'POST', body: 'x', headers: { Priority: '6' } })).json).toEqual({ code: 40007, http: 400, error: 'invalid priority parameter' });
		expect((await call('/docs', { method: 'POST', body: 'x' })).json).toMatchObject({ code: 40010, http: 400 });
		expect((await call('/t1', { method: 'POST', body: 'x', headers: { Attach: 'ftp://x' } })).json).toMatchObject({ code: 40013 });
		expect((await call('/t1', { method: 'POST', body: 'x', headers: { Icon: 'x' } })).json).toMatchObject({ code: 40021 });
		expect((await call('/t1', { method: 'POST', body: 'x', headers: { Email: 'a@b.c' } })).json).toMatchObject({ code: 40001 });
		expect((await call('/t1', { method: 'POST', body: 'x', headers: { Delay: '5s' } })).json).toMatchObject({ code: 40005 });
		expect((await call('/t1', { method: 'POST', body: 'x', headers: { Delay: '4 days' } })).json).toMatchObject({ code: 40006 });
		expect((await call('/t1', { method: 'POST', body: 'x', headers: { Delay: '1h', Cache: 'no' } })).json).toMatchObject({ code: 40002 });
		const missing = await call('/nope/what/else');
		expect(missing.status).toBe(404);
		expect(missing.json).toEqual({ code: 40401, http: 404, error: 'page not found' });
	});

	it('parses simple and JSON actions, with at most three', async () => {
		sim = await startNtfySimulator();
		const simple = await call('/t1', {
			method: 'POST',
			body: 'x',
			headers: { Actions: 'view, Open portal, https://home.nest.com/, clear=true; http, "Turn down", https://api.nest.com/, method=PUT, headers.Authorization=Bearer x, body={"temp":65}' },
		});
		const actions = simple.json!.actions as Array<Record<string, unknown>>;
		expect(actions[0]).toMatchObject({ action: 'view', label: 'Open portal', url: 'https://home.nest.com/', clear: true });
		expect(actions[1]).toMatchObject({ action: 'http', label: 'Turn down', method: 'PUT', headers: { Authorization: 'Bearer x' }, body: '{"temp":65}', clear: false });
		const four = JSON.stringify(Array.from({ length: 4 }, () => ({ action: 'broadcast', label: 'b' })));
		expect((await call('/t1', { method: 'POST', body: 'x', headers: { Actions: four } })).json).toMatchObject({ code: 40018 });
		expect((await call('/t1', { method: 'POST', body: 'x', headers: { Actions: 'view, Open' } })).json).toMatchObject({ code: 40018 });
	});

	it('publishes JSON with the same validation, 40024 for wrong types, 41303 above 8192 bytes', async () => {
		sim = await startNtfySimulator();
		const ok = await call('/', { method: 'POST', body: JSON.stringify({ topic: 't1', message: 'hi', priority: 5, tags: ['x'], markdown: true, sequence_id: 'seq-1' }) });
		expect(ok.json).toMatchObject({ topic: 't1', message: 'hi', priority: 5, tags: ['x'], content_type: 'text/markdown', sequence_id: 'seq-1' });
		expect((await call('/', { method: 'POST', body: JSON.stringify({ topic: 't1', priority: 'high' }) })).json).toMatchObject({ code: 40024 });
		expect((await call('/', { method: 'POST', body: JSON.stringify({ topic: 't1', priority: 6 }) })).json).toMatchObject({ code: 40007 });
		expect((await call('/', { method: 'POST', body: JSON.stringify({ topic: 'bad topic!' }) })).json).toMatchObject({ code: 40009 });
		const big = await call('/', { method: 'POST', body: JSON.stringify({ topic: 't1', message: 'x'.repeat(9000) }) });
		expect(big.status).toBe(413);
		expect(big.json).toMatchObject({ code: 41303 });
	});

	it('turns large bodies into attachments only when attachments are configured', async () => {
		sim = await startNtfySimulator();
		expect((await call('/t1', { method: 'PUT', body: 'x'.repeat(5000) })).json).toMatchObject({ code: 40014 });
		await sim.close();
		sim = await startNtfySimulator({ attachments: true, attachmentSizeLimit: 10000 });
		const file = await call('/t1', { method: 'PUT', body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2]), headers: { Filename: 'graph.png' } });
		expect(file.json).toMatchObject({ message: 'You received a file: graph.png', attachment: { name: 'graph.png', type: 'image/png', size: 10 } });
		const download = await fetch((file.json!.attachment as { url: string }).url);
		expect(Buffer.from(await download.arrayBuffer())).toHaveLength(10);
		const tooBig = await call('/t1', { method: 'PUT', body: 'y'.repeat(20000) });
		expect(tooBig.status).toBe(413);
		expect(tooBig.json).toMatchObject({ code: 41301 });
	});
});

describe('ntfy simulator: auth and limits', () => {
	const users = [
		{ name: 'phil', password: 'secret', tokens: ['tk_abcdefghijklmnopqrstuvwxyz012'], grants: { 'alerts*': 'read-write' as const } },
	];

	it('accepts Basic, Bearer, empty-user Basic tokens and ?auth=; 401 and 403 bodies as ntfy', async () => {
		sim = await startNtfySimulator({ defaultAccess: 'deny-all', users });
		const basic = `Basic ${Buffer.from('phil:secret').toString('base64')}`;
		expect((await call('/alerts', { method: 'POST', body: 'x', headers: { Authorization: basic } })).status).toBe(200);
		expect((await call('/alerts', { method: 'POST', body: 'x', headers: { Authorization: 'Bearer tk_abcdefghijklmnopqrstuvwxyz012' } })).status).toBe(200);
		const tokenAsPassword = `Basic ${Buffer.from(':tk_abcdefghijklmnopqrstuvwxyz012').toString('base64')}`;
		expect((await call('/alerts', { method: 'POST', body: 'x', headers: { Authorization: tokenAsPassword } })).status).toBe(200);
		expect((await call(`/alerts?auth=${Buffer.from(basic).toString('base64url')}`, { method: 'POST', body: 'x' })).status).toBe(200);
		const bad = await call('/alerts', { method: 'POST', body: 'x', headers: { Authorization: 'Bearer tk_wrong' } });
		expect(bad.status).toBe(401);
		expect(bad.json).toEqual({ code: 40101, http: 401, error: 'unauthorized', link: 'https://ntfy.sh/docs/publish/#authentication' });
		const anonymous = await call('/alerts', { method: 'POST', body: 'x' });
		expect(anonymous.json).toEqual({ code: 40301, http: 403, error: 'forbidden', link: 'https://ntfy.sh/docs/publish/#authentication' });
		expect((await call('/other', { method: 'POST', body: 'x', headers: { Authorization: basic } })).status).toBe(403);
		expect((await call('/alerts/auth', { headers: { Authorization: basic } })).json).toEqual({ success: true });
	});

	it('limits requests per visitor with 429 42901 and no Retry-After header', async () => {
		sim = await startNtfySimulator({ requestBurst: 2, requestRefillMs: 60000 });
		await call('/t1', { method: 'POST', body: 'a' });
		await call('/t1', { method: 'POST', body: 'b' });
		const limited = await call('/t1', { method: 'POST', body: 'c' });
		expect(limited.status).toBe(429);
		expect(limited.json).toEqual({ code: 42901, http: 429, error: 'limit reached: too many requests', link: 'https://ntfy.sh/docs/publish/#limitations' });
		expect(limited.headers.get('retry-after')).toBeNull();
	});

	it('answers /v1/health', async () => {
		sim = await startNtfySimulator();
		expect((await call('/v1/health')).json).toEqual({ healthy: true });
	});
});

describe('ntfy simulator: subscribing', () => {
	it('sends open first, then live messages, then keepalives on /json', async () => {
		sim = await startNtfySimulator({ keepaliveMs: 100 });
		const reading = readLines('/t1,t2/json', 4);
		await sim.waitForSubscribers(1);
		sim.publishDirect('t2', 'one');
		sim.publishDirect('t3', 'not subscribed');
		sim.publishDirect('t1', 'two', { Title: 'x', Tags: 'a', Priority: '1' });
		const lines = await reading;
		expect(lines[0]).toMatchObject({ event: 'open', topic: 't1,t2' });
		expect(lines[0]).not.toHaveProperty('message');
		expect(lines[1]).toMatchObject({ event: 'message', topic: 't2', message: 'one' });
		expect(lines[2]).toMatchObject({ event: 'message', topic: 't1', message: 'two', title: 'x', tags: ['a'], priority: 1 });
		expect(lines[3]).toMatchObject({ event: 'keepalive', topic: 't1,t2' });
	});

	it('replays after a message id (exclusive), across topics, in order; unknown ids replay everything', async () => {
		sim = await startNtfySimulator();
		const first = sim.publishDirect('t1', 'm1');
		sim.publishDirect('t2', 'm2');
		sim.publishDirect('t1', 'm3');
		const polled = await readLines(`/t1,t2/json?poll=1&since=${first.id}`, 10);
		expect(polled.map((line) => line.message)).toEqual(['m2', 'm3']);
		const unknown = await readLines('/t1,t2/json?poll=1&since=AAAAAAAAAAAA', 10);
		expect(unknown.map((line) => line.message)).toEqual(['m1', 'm2', 'm3']);
		const live = readLines(`/t1/json?since=${first.id}`, 2);
		const lines = await live;
		expect(lines.map((line) => line.event)).toEqual(['open', 'message']);
		expect(lines[1].message).toBe('m3');
	});

	it('subscribes before it sends old messages: one published in between arrives first, then again among the old (server.go handleSubscribeHTTP)', async () => {
		let between: (() => void) | undefined;
		sim = await startNtfySimulator({ beforeOldMessages: () => between?.() });
		const first = sim.publishDirect('t1', 'm1');
		sim.publishDirect('t1', 'm2');
		sim.publishDirect('t1', 'm3');
		between = () => {
			between = undefined;
			// The subscriber is registered by now: the publish goes out live, and is cached too.
			expect(sim.subscriberCount).toBe(1);
			sim.publishDirect('t1', 'live');
		};
		const lines = await readLines(`/t1/json?since=${first.id}`, 5);
		expect(lines.map((line) => line.event)).toEqual(['open', 'message', 'message', 'message', 'message']);
		expect(lines.slice(1).map((line) => line.message)).toEqual(['live', 'm2', 'm3', 'live']);
	});

	it('polls without an open event, defaults since to all, filters, and rejects bad since values', async () => {
		sim = await startNtfySimulator();
		sim.publishDirect('t1', 'low', { Priority: 'low' });
		sim.publishDirect('t1', 'high', { Priority: 'high', Tags: 'a,b' });
		sim.publishDirect('t1', 'plain');
		expect((await readLines('/t1/json?poll=1', 10)).map((line) => line.message)).toEqual(['low', 'high', 'plain']);
		expect((await readLines('/t1/json?poll=1&priority=high,default', 10)).map((line) => line.message)).toEqual(['high', 'plain']);
		expect((await readLines('/t1/json?poll=1&tags=a,b', 10)).map((line) => line.message)).toEqual(['high']);
		expect((await readLines('/t1/json?poll=1&since=latest', 10)).map((line) => line.message)).toEqual(['plain']);
		expect((await call('/t1/json?poll=1&since=yesterday')).json).toMatchObject({ code: 40008 });
		expect((await call('/t1/ws')).json).toMatchObject({ code: 40016 });
	});

	it('does not cache Cache:no messages, and holds delayed messages back unless scheduled=1', async () => {
		sim = await startNtfySimulator();
		sim.publishDirect('t1', 'volatile', { Cache: 'no' });
		const delayed = await call('/t1', { method: 'POST', body: 'later', headers: { Delay: '1h' } });
		expect(delayed.json!.time).toBeGreaterThan(Date.now() / 1000 + 3500);
		expect(await readLines('/t1/json?poll=1', 10)).toEqual([]);
		expect((await readLines('/t1/json?poll=1&scheduled=1', 10)).map((line) => line.message)).toEqual(['later']);
	});

	it('cuts and freezes streams on request', async () => {
		sim = await startNtfySimulator({ keepaliveMs: 50 });
		const reading = readLines('/t1/json', 100);
		await sim.waitForSubscribers(1);
		sim.cutStreams();
		const lines = await reading;
		expect(lines[0].event).toBe('open');
		expect(sim.subscriberCount).toBe(0);
	});
});
