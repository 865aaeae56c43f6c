/** Loopback ports for tests: a free one to listen on, and waiting until a started server listens. */
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createConnection, createServer } from 'node:net';

export async function freePort(): Promise<number> {
	return await new Promise((resolvePort, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolvePort(port));
		});
	});
}

/**
 * Whether `port` can be bound now on `host` (default 127.0.0.1) over TCP (default) or UDP: a
 * listener (e.g. a published Syslog Trigger) holds it while false.
 */
export async function portIsFree(port: number, options: { host?: string; protocol?: 'tcp' | 'udp' } = {}): Promise<boolean> {
	const host = options.host ?? '127.0.0.1';
	return await new Promise((resolve) => {
		if (options.protocol === 'udp') {
			const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
			socket.once('error', () => resolve(false));
			socket.bind(port, host, () => socket.close(() => resolve(true)));
			return;
		}
		const server = createServer();
		server.once('error', () => resolve(false));
		server.listen(port, host, () => server.close(() => resolve(true)));
	});
}

/**
 * Waits until 127.0.0.1:`port` accepts a connection. Fails with `what`, the deadline and the
 * server's output (`log`) when it does not, or at once when `child` (the server's process) exits.
 */
export async function waitForPort(port: number, options: { what: string; timeoutMs: number; log: () => string; child?: ChildProcess }): Promise<void> {
	const deadline = Date.now() + options.timeoutMs;
	for (;;) {
		if (options.child && options.child.exitCode !== null) throw new Error(`${options.what} exited with code ${options.child.exitCode}:\n${options.log()}`);
		const open = await new Promise<boolean>((resolve) => {
			const socket = createConnection({ host: '127.0.0.1', port }, () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (open) return;
		if (Date.now() > deadline) throw new Error(`${options.what} did not listen on 127.0.0.1:${port} within ${options.timeoutMs} ms:\n${options.log()}`);
		await new Promise((wake) => setTimeout(wake, 50));
	}
}
