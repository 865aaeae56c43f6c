/**
 * The client's login paths against a minimal HTTPS stand-in (the simulator models no TFA):
 * a TFA account is refused with "use an API token", a ticket is renewed with itself in the
 * last 30 minutes of its 2 h lifetime, and CSRF tokens go only with writes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';

import { clearTicketCache, ProxmoxAuthError, ProxmoxClient, readProxmoxConfig } from '../../../nodes/shared/proxmox';
import { closeAllPools } from '../../../nodes/shared/transport';
import { certificatesFor } from '../../simulators/proxmox/wire/certs';

interface Seen {
	method: string;
	url: string;
	body: string;
	cookie?: string;
	csrf?: string;
}

let server: Server;
let port: number;
let fingerprint: string;
const seen: Seen[] = [];
let loginAnswer: (body: URLSearchParams) => Record<string, unknown> = () => ({});

beforeAll(async () => {
	const certs = await certificatesFor('pve', '127.0.0.1', 'pve1');
	fingerprint = certs.fingerprint;
	server = createServer({ key: certs.keyPem, cert: certs.certPem }, (req: IncomingMessage, res: ServerResponse) => {
		let body = '';
		req.on('data', (chunk: Buffer) => (body += chunk.toString()));
		req.on('end', () => {
			seen.push({ method: req.method ?? '', url: req.url ?? '', body, cookie: req.headers.cookie, csrf: req.headers.csrfpreventiontoken as string | undefined });
			res.setHeader('content-type', 'application/json');
			if (req.url === '/api2/json/access/ticket') {
				res.end(JSON.stringify({ data: loginAnswer(new URLSearchParams(body)) }));
				return;
			}
			res.end(JSON.stringify({ data: req.method === 'GET' ? { ok: 1 } : null }));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	port = (server.address() as { port: number }).port;
});

afterAll(async () => {
	clearTicketCache();
	await closeAllPools();
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
	seen.length = 0;
	clearTicketCache();
});

function client(now: () => number = Date.now) {
	const config = readProxmoxConfig({ hosts: `127.0.0.1:${port}`, authMethod: 'password', username: 'ops', realm: 'pve', password: 'pw-secret', tlsMode: 'fingerprint', fingerprint });
	return new ProxmoxClient(config, { now });
}

it('refuses two-factor accounts with a clear "use an API token" error', async () => {
	loginAnswer = () => ({ username: 'ops@pve', ticket: 'PVE:!tfa!%7B%22totp%22%3Atrue%7D:68A60E01::sig', CSRFPreventionToken: '68A60E01:x', NeedTFA: 1 });
	const error = await client()
		.get('/version')
		.catch((e: Error) => e);
	expect(error).toBeInstanceOf(ProxmoxAuthError);
	expect((error as ProxmoxAuthError).reason).toBe('tfa');
	expect((error as Error).message).toMatch(/two-factor authentication.*Use an API token/);
});

it('sends the CSRF token only with writes, and renews the ticket with itself after 90 minutes', async () => {
	let issued = 0;
	loginAnswer = (body) => {
		issued += 1;
		return { username: 'ops@pve', ticket: `PVE:ops@pve:0000000${issued}::sig${issued}`, CSRFPreventionToken: `0000000${issued}:csrf${issued}`, renewedWith: body.get('password') };
	};
	let now = 1_000_000;
	const c = client(() => now);
	await c.get('/version');
	await c.post('/nodes/pve1/qemu/100/status/start');
	const [login, read, write] = seen;
	expect(login.body).toBe('username=ops%40pve&password=pw-secret');
	expect(read.cookie).toBe(`PVEAuthCookie=${encodeURIComponent('PVE:ops@pve:00000001::sig1')}`);
	expect(read.csrf).toBeUndefined();
	expect(write.csrf).toBe('00000001:csrf1');

	seen.length = 0;
	now += 91 * 60 * 1000;
	await c.get('/version');
	expect(seen[0].url).toBe('/api2/json/access/ticket');
	// Renewal posts the current ticket as the password, never the stored password.
	expect(new URLSearchParams(seen[0].body).get('password')).toBe('PVE:ops@pve:00000001::sig1');
	expect(seen[1].cookie).toContain(encodeURIComponent('PVE:ops@pve:00000002::sig2'));
});
