import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { INodeExecutionData } from 'n8n-workflow';

/** A port free for both UDP and TCP on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
	for (;;) {
		const port = await new Promise<number>((resolve, reject) => {
			const server = createServer();
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => {
				const address = server.address();
				server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
			});
		});
		const udpFree = await new Promise<boolean>((resolve) => {
			const socket = createSocket('udp4');
			socket.once('error', () => resolve(false));
			socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
		});
		if (udpFree) return port;
	}
}

/** Runs util-linux logger; `input` goes to stdin (one message per line). */
export function logger(args: string[], input?: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const child = execFile('logger', args, { timeout: 10_000 }, (error, _stdout, stderr) =>
			error ? reject(new Error(`logger ${args.join(' ')} failed: ${stderr || error.message}`)) : resolve(),
		);
		if (input !== undefined) child.stdin?.end(input);
	});
}

/** Every emitted item's json, in order, across all emits. */
export function emittedItems(emitted: INodeExecutionData[][][]): Array<Record<string, unknown>> {
	return emitted.flatMap((output) => output[0].map((item) => item.json as Record<string, unknown>));
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
