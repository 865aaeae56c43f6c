/**
 * A TCP proxy put in front of a server (the Proxmox simulator) to break connections at a chosen
 * stage, the way a crashing host, a load balancer or a flaky link does:
 * - `resetOnAccept`: the TCP connection is accepted and reset at once (RST), before TLS starts;
 * - `resetDuringHandshake`: the client's ClientHello is forwarded, the server's first answer
 *   (ServerHello) arrives, and the client connection is reset instead of getting it;
 * - `pass`: bytes flow both ways; `resetAll()` then resets every open client connection (after
 *   the test made sure the server got the request: the answer is cut).
 * The proxy cannot read the TLS traffic, so it never decides by content.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type ProxyMode = 'pass' | 'resetOnAccept' | 'resetDuringHandshake';

export interface TcpProxy {
	port: number;
	mode: ProxyMode;
	/** Connections accepted so far. */
	readonly accepted: number;
	/** Resets every open client connection (and its upstream). */
	resetAll(): void;
	close(): Promise<void>;
}

export async function startTcpProxy(upstreamPort: number, mode: ProxyMode = 'pass', upstreamHost = '127.0.0.1'): Promise<TcpProxy> {
	const open = new Set<{ client: Socket; upstream?: Socket }>();
	let accepted = 0;
	const reset = (pair: { client: Socket; upstream?: Socket }) => {
		pair.client.resetAndDestroy();
		pair.upstream?.destroy();
		open.delete(pair);
	};
	const server: Server = createServer((client) => {
		accepted += 1;
		const pair: { client: Socket; upstream?: Socket } = { client };
		open.add(pair);
		client.on('error', () => undefined);
		client.on('close', () => {
			pair.upstream?.destroy();
			open.delete(pair);
		});
		if (proxy.mode === 'resetOnAccept') {
			reset(pair);
			return;
		}
		const upstream = createConnection({ host: upstreamHost, port: upstreamPort });
		pair.upstream = upstream;
		upstream.on('error', () => client.destroy());
		upstream.on('close', () => client.destroy());
		client.on('data', (chunk) => upstream.write(chunk));
		if (proxy.mode === 'resetDuringHandshake') {
			// The server answered the ClientHello: the handshake is under way, nothing of the
			// request can have been written. Cut here.
			upstream.once('data', () => reset(pair));
			return;
		}
		upstream.on('data', (chunk) => client.write(chunk));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const proxy: TcpProxy = {
		port: (server.address() as { port: number }).port,
		mode,
		get accepted() {
			return accepted;
		},
		resetAll() {
			for (const pair of [...open]) reset(pair);
		},
		async close() {
			for (const pair of [...open]) reset(pair);
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
	return proxy;
}
