/** Loopback ports for tests: a free one to listen on, and waiting until a started server listens. */
import type { ChildProcess } from 'node:child_process';
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
