/** Syslog load for the queue-mode tests and benchmark: a paced TCP sender and who listens on a port. */
import { execFile } from 'node:child_process';
import { createConnection } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Sends `count` RFC 5424 lines, octet-counted (RFC 6587) over one TCP connection, at `perSecond`
 * lines per second (10 ms ticks). Each message is `scale <n>`; resolves with the number written.
 */
export async function sendSyslogBurst(options: { port: number; count: number; perSecond: number; host?: string }): Promise<number> {
	const socket = createConnection({ host: options.host ?? '127.0.0.1', port: options.port });
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', resolve);
		socket.once('error', reject);
	});
	const started = Date.now();
	let sent = 0;
	while (sent < options.count) {
		// How many lines should be out by now; send the difference (catches up after a slow tick).
		const due = Math.min(options.count, Math.floor(((Date.now() - started) / 1000) * options.perSecond) + 1);
		let chunk = '';
		for (; sent < due; sent++) {
			const line = `<134>1 ${new Date().toISOString()} pve1 scale ${process.pid} - - scale ${sent}`;
			chunk += `${Buffer.byteLength(line)} ${line}`;
		}
		if (chunk && !socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve));
		await new Promise((wake) => setTimeout(wake, 10));
	}
	await new Promise<void>((resolve) => socket.end(resolve));
	return sent;
}

/** Process ids that hold a listening TCP socket and a bound UDP socket on `port` (from `ss`). */
export async function listenersOn(port: number): Promise<{ tcp: number[]; udp: number[] }> {
	const pids = async (flags: string) => {
		const { stdout } = await run('ss', [flags, '-H', `sport = :${port}`]);
		return [...new Set([...stdout.matchAll(/pid=(\d+)/g)].map((match) => Number(match[1])))].sort();
	};
	return { tcp: await pids('-ltnp'), udp: await pids('-lunp') };
}

/** Process id of each established TCP client connection to `port` on this host, one entry per connection (from `ss`). */
export async function connectionsTo(port: number): Promise<number[]> {
	const { stdout } = await run('ss', ['-tnp', '-H', 'state', 'established', `dport = :${port}`]);
	return stdout
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => Number(/pid=(\d+)/.exec(line)?.[1] ?? -1))
		.sort();
}
