import { createServer, type IncomingHttpHeaders, type Server } from 'http';
import type { AddressInfo } from 'net';

export interface Received {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
	body: string;
}

/** A local receiver standing in for n8n's webhook and a Gotify server. */
export function receiver(): Promise<{ server: Server; url: string; received: Received[]; next(): Promise<Received> }> {
	const received: Received[] = [];
	const waiters: Array<(r: Received) => void> = [];
	const server = createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
			received.push(r);
			waiters.shift()?.(r);
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end('{}');
		});
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as AddressInfo;
			resolve({ server, url: `http://127.0.0.1:${port}`, received, next: () => new Promise((r) => waiters.push(r)) });
		}),
	);
}
