/**
 * The shared HTTP/TLS module against real local HTTPS/WSS servers: every TLS mode, pinning that
 * sends nothing to a wrong peer, reason phrases kept, timeouts and failover classification,
 * keep-alive reuse, redaction.
 */
import { createHash } from 'node:crypto';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { WebSocketServer } from 'ws';

import {
	Backoff,
	createAgent,
	getPool,
	closeAllPools,
	httpRequest,
	httpStream,
	LineSplitter,
	normaliseFingerprint,
	openWebSocket,
	readTlsSettings,
	Redactor,
	TransportError,
	WebSocketHandshakeError,
	type TlsSettings,
} from '../../../nodes/shared/transport';
import { certificatesFor, type CertBundle } from '../../simulators/proxmox/wire/certs';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let certs: CertBundle;
let otherCerts: CertBundle;
let server: HttpsServer;
let url: string;
let handler: Handler;
const seenAuthorization: string[] = [];

beforeAll(async () => {
	certs = await certificatesFor('pve', '127.0.0.1', 'transport-test');
	otherCerts = await certificatesFor('pbs', '127.0.0.1', 'transport-other');
	server = createHttpsServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
		if (req.headers.authorization) seenAuthorization.push(req.headers.authorization);
		handler(req, res);
	});
	server.keepAliveTimeout = 5000;
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await closeAllPools();
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
	seenAuthorization.length = 0;
	handler = (_req, res) => {
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end('{"data":{"version":"9.1"}}');
	};
});

const pinned = (): TlsSettings => ({ mode: 'fingerprint', fingerprint: certs.fingerprint });

async function get(tls: TlsSettings, path = '/api2/json/version', extra: Partial<Parameters<typeof httpRequest>[0]> = {}) {
	const agent = createAgent({ tls });
	try {
		return await httpRequest({ method: 'GET', url: `${url}${path}`, dispatcher: agent, headers: { authorization: 'PVEAPIToken=root@pam!sim=s3cr3t-value' }, ...extra });
	} finally {
		await agent.close();
	}
}

describe('TLS modes', () => {
	it('system CAs reject a self-signed Proxmox certificate with a helpful message', async () => {
		const error = await get({ mode: 'system' }).catch((e) => e);
		expect(error).toBeInstanceOf(TransportError);
		expect(error.kind).toBe('tls');
		expect(error.requestMayHaveReachedServer).toBe(false);
		expect(error.message).toMatch(/Custom CA|fingerprint/);
		expect(seenAuthorization).toEqual([]);
	});

	it('custom CA (pve-root-ca.pem) verifies the node certificate', async () => {
		const response = await get({ mode: 'customCa', caPem: certs.caPem });
		expect(response.status).toBe(200);
		expect(response.json()).toEqual({ data: { version: '9.1' } });
	});

	it('custom CA of another cluster is rejected', async () => {
		const error = await get({ mode: 'customCa', caPem: otherCerts.caPem }).catch((e) => e);
		expect(error.kind).toBe('tls');
	});

	it('a pinned fingerprint connects', async () => {
		expect((await get(pinned())).status).toBe(200);
	});

	it('a wrong pin fails before any byte (no token) is sent, naming the presented fingerprint', async () => {
		const error = await get({ mode: 'fingerprint', fingerprint: otherCerts.fingerprint }).catch((e) => e);
		expect(error).toBeInstanceOf(TransportError);
		expect(error.kind).toBe('tls');
		expect(error.presentedFingerprint).toBe(certs.fingerprint);
		expect(error.message).toContain(certs.fingerprint);
		expect(error.message).toContain(otherCerts.fingerprint);
		expect(seenAuthorization).toEqual([]);
	});

	it('insecure accepts any certificate', async () => {
		expect((await get({ mode: 'insecure' })).status).toBe(200);
	});
});

describe('credential TLS fields', () => {
	it('normalises fingerprints in the forms users paste', () => {
		const canonical = certs.fingerprint;
		const bare = canonical.replace(/:/g, '').toLowerCase();
		expect(normaliseFingerprint(bare)).toBe(canonical);
		expect(normaliseFingerprint(`sha256 Fingerprint=${canonical}`)).toBe(canonical);
		expect(normaliseFingerprint(` ${canonical.toLowerCase()} `)).toBe(canonical);
	});

	it('names the field on bad input', () => {
		expect(() => readTlsSettings({ tlsMode: 'fingerprint', fingerprint: 'AB:CD' })).toThrow(/Certificate SHA-256 Fingerprint/);
		expect(() => readTlsSettings({ tlsMode: 'customCa', caPem: 'not a pem' })).toThrow(/CA Certificate \(PEM\)/);
		expect(readTlsSettings({})).toEqual({ mode: 'system' });
	});
});

describe('requests', () => {
	it('keeps the reason phrase (Proxmox puts its error message there)', async () => {
		handler = (_req, res) => {
			res.writeHead(403, 'Permission check failed (/vms/100, VM.PowerMgmt)', { 'content-type': 'application/json' });
			res.end('{"data":null}');
		};
		const response = await get(pinned());
		expect(response.status).toBe(403);
		expect(response.statusText).toBe('Permission check failed (/vms/100, VM.PowerMgmt)');
	});

	it('times out a silent server as a request that may have reached it', async () => {
		handler = () => undefined; // never answers
		const error = await get(pinned(), '/slow', { timeoutMs: 300 }).catch((e) => e);
		expect(error.kind).toBe('timeout');
		expect(error.requestMayHaveReachedServer).toBe(true);
		expect(error.message).toContain('300 ms');
	});

	it('classifies a refused connection as safe to retry elsewhere', async () => {
		const closed = createNetServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise((resolve) => closed.close(resolve));
		const agent = createAgent({ tls: pinned() });
		const error = await httpRequest({ method: 'GET', url: `https://127.0.0.1:${port}/`, dispatcher: agent }).catch((e) => e);
		await agent.close();
		expect(error.kind).toBe('connection');
		expect(error.requestMayHaveReachedServer).toBe(false);
		expect(error.message).toMatch(/refused/);
	});

	it('classifies a reset after sending as possibly delivered', async () => {
		handler = (req) => req.socket.destroy();
		const error = await get(pinned()).catch((e) => e);
		expect(error.requestMayHaveReachedServer).toBe(true);
	});

	it('reuses keep-alive connections within one pool per credential', async () => {
		const clientPorts = new Set<number>();
		handler = (req, res) => {
			clientPorts.add(req.socket.remotePort!);
			res.end('{"data":null}');
		};
		const pool = getPool('credential-a', { tls: pinned() });
		for (let i = 0; i < 5; i++) {
			const response = await httpRequest({ method: 'GET', url: `${url}/api2/json/version`, dispatcher: pool });
			expect(response.status).toBe(200);
		}
		// undici's pool may alternate between two sockets for back-to-back requests; what matters
		// is reuse (5 requests, at most 2 TLS handshakes) and one pool per credential.
		expect(clientPorts.size).toBeLessThanOrEqual(2);
		expect(getPool('credential-a', { tls: pinned() })).toBe(pool);
		expect(getPool('credential-b', { tls: pinned() })).not.toBe(pool);
	});

	it('pins every new connection, including ones that would resume a TLS session', async () => {
		// A resumed TLS session carries no peer certificate; pinning must still verify each socket.
		const clientPorts = new Set<number>();
		handler = (req, res) => {
			clientPorts.add(req.socket.remotePort!);
			res.writeHead(200, { connection: 'close' });
			res.end('{"data":null}');
		};
		const agent = createAgent({ tls: pinned() });
		for (let i = 0; i < 3; i++) {
			expect((await httpRequest({ method: 'GET', url: `${url}/api2/json/version`, dispatcher: agent })).status).toBe(200);
		}
		await agent.close();
		expect(clientPorts.size).toBe(3);
	});

	it('streams a body line by line', async () => {
		handler = (_req, res) => {
			res.writeHead(200, { 'content-type': 'application/x-ndjson' });
			res.write('{"event":"open"}\n{"event":"mess');
			setTimeout(() => res.end('age"}\n'), 20);
		};
		const lines: string[] = [];
		const splitter = new LineSplitter((line) => lines.push(line));
		const agent = createAgent({ tls: pinned() });
		const head = await httpStream({ method: 'GET', url: `${url}/topic/json`, dispatcher: agent }, (chunk) => splitter.push(chunk));
		await head.done;
		await agent.close();
		expect(lines).toEqual(['{"event":"open"}', '{"event":"message"}']);
	});

	it('keeps secrets out of transport error messages', async () => {
		const error = await get({ mode: 'system' }, '/x', { redactor: new Redactor(['127.0.0.1']) }).catch((e) => e);
		expect(error.message).not.toContain('127.0.0.1');
	});
});

describe('WebSocket', () => {
	let wss: WebSocketServer;
	let wssServer: HttpsServer;
	let wssUrl: string;
	const upgrades: string[] = [];

	beforeAll(async () => {
		wssServer = createHttpsServer({ cert: certs.certPem, key: certs.keyPem });
		wss = new WebSocketServer({ noServer: true });
		wssServer.on('upgrade', (req, socket, head) => {
			upgrades.push(String(req.headers['x-gotify-key'] ?? ''));
			if (req.headers['x-gotify-key'] === 'same-packet') {
				// The 101 answer and the first frame in one write, as a busy relay may send them.
				const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
				const payload = Buffer.from('{"id":"first"}');
				const frame = Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
				socket.write(Buffer.concat([Buffer.from(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`), frame]));
				return;
			}
			if (req.headers['x-gotify-key'] !== 'good') {
				socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n\r\n{"error":"Unauthorized","errorCode":401,"errorDescription":"you need to provide a valid access token or user credentials to access this api"}');
				return;
			}
			wss.handleUpgrade(req, socket, head, (ws) => ws.send('{"id":1}'));
		});
		await new Promise<void>((resolve) => wssServer.listen(0, '127.0.0.1', resolve));
		wssUrl = `wss://127.0.0.1:${(wssServer.address() as AddressInfo).port}/stream`;
	});

	afterAll(async () => {
		wss.close();
		wssServer.closeAllConnections();
		await new Promise((resolve) => wssServer.close(resolve));
	});

	it('opens a pinned WebSocket and receives messages', async () => {
		const ws = await openWebSocket(wssUrl, { tls: pinned(), headers: { 'X-Gotify-Key': 'good' } });
		const message = await new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
		ws.close();
		expect(message).toBe('{"id":1}');
	});

	it('keeps a first message that arrives in the same packet as the upgrade answer', async () => {
		const ws = await openWebSocket(wssUrl, { tls: pinned(), headers: { 'X-Gotify-Key': 'same-packet' } });
		// Attached after the await, as the stream sources do.
		const message = await new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
		ws.terminate();
		expect(message).toBe('{"id":"first"}');
	});

	it('a wrong pin sends no upgrade request (the token never leaves)', async () => {
		upgrades.length = 0;
		const error = await openWebSocket(wssUrl, { tls: { mode: 'fingerprint', fingerprint: otherCerts.fingerprint }, headers: { 'X-Gotify-Key': 'good' } }).catch((e) => e);
		expect(error).toBeInstanceOf(TransportError);
		expect(error.presentedFingerprint).toBe(certs.fingerprint);
		expect(upgrades).toEqual([]);
	});

	it('surfaces a refused upgrade with status and body', async () => {
		const error = await openWebSocket(wssUrl, { tls: pinned(), headers: { 'X-Gotify-Key': 'bad' } }).catch((e) => e);
		expect(error).toBeInstanceOf(WebSocketHandshakeError);
		expect(error.status).toBe(401);
		expect(error.body).toContain('valid access token');
	});
});

describe('Redactor', () => {
	it('masks secrets in text, values, headers and URLs', () => {
		const redactor = new Redactor(['s3cr3t-value', 'ab']);
		expect(redactor.text('token=s3cr3t-value;')).toBe('token=***;');
		expect(redactor.text('a b ab')).toBe('a b ab'); // too short to be a secret
		expect(redactor.value({ a: ['x s3cr3t-value'], n: 1 })).toEqual({ a: ['x ***'], n: 1 });
		expect(redactor.headers({ Authorization: 'PVEAPIToken=x', Accept: 'json' })).toEqual({ Authorization: '***', Accept: 'json' });
		expect(redactor.url('https://u:p@h/x?auth=abc&since=1')).toBe('https://u:***@h/x?auth=***&since=1');
	});
});

describe('Backoff', () => {
	it('grows exponentially with jitter inside [ceiling/2, ceiling], capped, and resets', () => {
		const backoff = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 1 });
		expect([backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([100, 200, 400, 800, 1000]);
		backoff.reset();
		const low = new Backoff({ initialMs: 100, random: () => 0 });
		expect(low.next()).toBe(50);
		expect(backoff.next()).toBe(100);
	});
});
