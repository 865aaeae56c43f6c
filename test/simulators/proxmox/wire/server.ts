import { createServer, type Server } from 'https';
import type { Socket } from 'net';
import type { Dispatcher } from './dispatch';

export interface HttpsEndpoint {
	server: Server;
	port: number;
	close(): Promise<void>;
}

/** HTTPS listener with pveproxy's connection habits: idle keep-alive connections close after the timeout. */
export async function listenHttps(opts: { product: 'pve' | 'pbs'; host: string; port: number; keyPem: string; certPem: string; idleTimeoutMs: number; dispatcher: Dispatcher }): Promise<HttpsEndpoint> {
	const sockets = new Set<Socket>();
	const inFlight = new WeakMap<Socket, number>();
	const idle = (s: Socket) => s.setTimeout(opts.idleTimeoutMs);
	const server = createServer({ key: opts.keyPem, cert: opts.certPem }, (req, res) => {
		// The idle clock only runs between requests: a slow answer must not cut its own connection.
		const s = req.socket;
		inFlight.set(s, (inFlight.get(s) ?? 0) + 1);
		s.setTimeout(0);
		res.on('close', () => {
			const left = (inFlight.get(s) ?? 1) - 1;
			inFlight.set(s, left);
			if (left === 0 && !s.destroyed) idle(s);
		});
		// pveproxy's fixed response headers (PBS sends none of these).
		if (opts.product === 'pve') {
			res.setHeader('Server', 'pve-api-daemon/3.0');
			res.setHeader('Cache-Control', 'max-age=0');
			res.setHeader('Pragma', 'no-cache');
			res.setHeader('Expires', new Date().toUTCString());
		}
		void opts.dispatcher.handle(req, res);
	});
	server.keepAliveTimeout = opts.idleTimeoutMs;
	// pveproxy serves at most 100 requests per connection (keep_alive => 100).
	server.maxRequestsPerSocket = 100;
	server.on('secureConnection', (s: Socket) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
		s.on('timeout', () => s.destroy());
		idle(s);
	});
	// TLS handshake errors from clients that reject the certificate are expected in pinning tests.
	server.on('tlsClientError', () => undefined);
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port, opts.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : opts.port;
	return {
		server,
		port,
		close: () =>
			new Promise<void>((resolve) => {
				for (const res of opts.dispatcher.hanging) res.destroy();
				for (const s of sockets) s.destroy();
				server.close(() => resolve());
			}),
	};
}
