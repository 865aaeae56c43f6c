/**
 * The package's HTTP client honours HTTP_PROXY / HTTPS_PROXY / NO_PROXY as n8n's own requests do
 * (undici's EnvHttpProxyAgent, CONNECT tunnels), and a pinned certificate is still checked on the
 * TLS connection to the origin inside the tunnel: a proxy that answers with its own certificate
 * (or a tunnel to the wrong server) fails before any request byte, e.g. a token, is sent.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net';

import { closeAllPools, getPool, httpRequest, TransportError, type TlsSettings } from '../../../nodes/shared/transport';
import { certificatesFor, type CertBundle } from '../../simulators/proxmox/wire/certs';

let certs: CertBundle;
let otherCerts: CertBundle;
let origin: HttpsServer;
let impostor: HttpsServer;
let plain: HttpServer;
let proxy: HttpServer;
let originUrl: string;
let plainUrl: string;
let impostorPort: number;
/** CONNECT targets the proxy was asked for. */
const tunnels: string[] = [];
const seenAuthorization: string[] = [];
/** When set, the proxy tunnels every CONNECT there instead (a hostile or misrouting proxy). */
let redirectTo: number | undefined;
const sockets = new Set<Socket>();

const port = (server: { address(): unknown }) => (server.address() as AddressInfo).port;
const listen = async (server: HttpServer | HttpsServer) => await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

beforeAll(async () => {
	certs = await certificatesFor('pve', '127.0.0.1', 'proxy-origin');
	otherCerts = await certificatesFor('pbs', '127.0.0.1', 'proxy-impostor');
	const answer = (name: string) => (req: { headers: Record<string, unknown> }, res: { writeHead(s: number, h: Record<string, string>): void; end(b: string): void }) => {
		if (req.headers.authorization) seenAuthorization.push(`${name}:${String(req.headers.authorization)}`);
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ data: name }));
	};
	origin = createHttpsServer({ cert: certs.certPem, key: certs.keyPem }, answer('origin'));
	impostor = createHttpsServer({ cert: otherCerts.certPem, key: otherCerts.keyPem }, answer('impostor'));
	plain = createHttpServer(answer('plain'));
	proxy = createHttpServer((_req, res) => {
		res.writeHead(405);
		res.end();
	});
	proxy.on('connect', (req, client: Socket) => {
		tunnels.push(String(req.url));
		const [host, target] = String(req.url).split(':');
		const upstream = netConnect(redirectTo ?? Number(target), host, () => {
			client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			upstream.pipe(client);
			client.pipe(upstream);
		});
		for (const s of [client, upstream]) {
			sockets.add(s);
			s.on('close', () => sockets.delete(s));
			s.on('error', () => undefined);
		}
	});
	for (const server of [origin, impostor, plain, proxy]) await listen(server);
	originUrl = `https://127.0.0.1:${port(origin)}`;
	plainUrl = `http://127.0.0.1:${port(plain)}`;
	impostorPort = port(impostor);
});

afterEach(async () => {
	for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy']) delete process.env[name];
	tunnels.length = 0;
	seenAuthorization.length = 0;
	redirectTo = undefined;
	await closeAllPools();
});

afterAll(async () => {
	for (const s of sockets) s.destroy();
	for (const server of [origin, impostor, plain, proxy]) {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	}
});

const pinned: () => TlsSettings = () => ({ mode: 'fingerprint', fingerprint: certs.fingerprint });

async function get(url: string, tls: TlsSettings) {
	return await httpRequest({ method: 'GET', url: `${url}/api2/json/version`, dispatcher: getPool('proxy-test', { tls }), headers: { authorization: 'PVEAPIToken=root@pam!sim=s3cr3t-value' }, timeoutMs: 10000 });
}

describe('environment proxy', () => {
	it('connects directly when no proxy is set', async () => {
		const response = await get(originUrl, pinned());
		expect(response.json()).toEqual({ data: 'origin' });
		expect(tunnels).toEqual([]);
	});

	it('tunnels HTTPS through HTTPS_PROXY and checks the pin on the origin connection', async () => {
		process.env.HTTPS_PROXY = `http://127.0.0.1:${port(proxy)}`;
		const response = await get(originUrl, pinned());
		expect(response.json()).toEqual({ data: 'origin' });
		expect(tunnels).toEqual([`127.0.0.1:${port(origin)}`]);
	});

	it('refuses a tunnel that ends at another certificate before any byte is sent', async () => {
		process.env.HTTPS_PROXY = `http://127.0.0.1:${port(proxy)}`;
		redirectTo = impostorPort;
		const error = (await get(originUrl, pinned()).catch((e: Error) => e)) as TransportError;
		expect(error).toBeInstanceOf(TransportError);
		expect(error.kind).toBe('tls');
		expect(error.presentedFingerprint).toBe(otherCerts.fingerprint);
		expect(error.message).toContain('does not match the pinned fingerprint');
		expect(seenAuthorization).toEqual([]);
		expect(tunnels).toEqual([`127.0.0.1:${port(origin)}`]);
	});

	it('verifies a custom CA through the tunnel too', async () => {
		process.env.HTTPS_PROXY = `http://127.0.0.1:${port(proxy)}`;
		const ok = await get(originUrl, { mode: 'customCa', caPem: certs.caPem });
		expect(ok.json()).toEqual({ data: 'origin' });
		await closeAllPools();
		redirectTo = impostorPort;
		const error = (await get(originUrl, { mode: 'customCa', caPem: certs.caPem }).catch((e: Error) => e)) as TransportError;
		expect(error).toBeInstanceOf(TransportError);
		expect(error.kind).toBe('tls');
		expect(seenAuthorization).toEqual(['origin:PVEAPIToken=root@pam!sim=s3cr3t-value']);
	});

	it('sends plain HTTP through HTTP_PROXY', async () => {
		process.env.HTTP_PROXY = `http://127.0.0.1:${port(proxy)}`;
		const response = await get(plainUrl, { mode: 'system' });
		expect(response.json()).toEqual({ data: 'plain' });
		expect(tunnels).toEqual([`127.0.0.1:${port(plain)}`]);
	});

	it('bypasses the proxy for hosts in NO_PROXY', async () => {
		process.env.HTTPS_PROXY = `http://127.0.0.1:${port(proxy)}`;
		process.env.NO_PROXY = 'localhost,127.0.0.1';
		const response = await get(originUrl, pinned());
		expect(response.json()).toEqual({ data: 'origin' });
		expect(tunnels).toEqual([]);
	});
});
