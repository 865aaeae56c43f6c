/**
 * A loopback TCP proxy in front of a real server (here Dovecot), so tests can break a live IMAP
 * connection the two ways networks do: `cut()` resets every connection (server restart, NAT
 * reset), `freeze()` keeps the sockets open but stops forwarding in both directions (a dead peer
 * behind a stateful firewall), which only a client-side timeout detects.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export class TcpProxy {
	readonly host = '127.0.0.1';
	private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
	private frozen = false;
	private refusing = false;
	/** Connections accepted so far. */
	accepted = 0;

	private constructor(
		private readonly server: Server,
		readonly port: number,
		private target: { host: string; port: number },
	) {}

	static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
		const holder: { proxy?: TcpProxy } = {};
		const server = createServer((client) => holder.proxy!.accept(client));
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => resolve());
		});
		holder.proxy = new TcpProxy(server, (server.address() as { port: number }).port, { host: targetHost, port: targetPort });
		return holder.proxy;
	}

	get connections(): number {
		return this.pairs.size;
	}

	private accept(client: Socket): void {
		this.accepted += 1;
		if (this.refusing) {
			client.destroy();
			return;
		}
		const upstream = connect(this.target.port, this.target.host);
		const pair = { client, upstream };
		this.pairs.add(pair);
		const end = () => {
			this.pairs.delete(pair);
			client.destroy();
			upstream.destroy();
		};
		client.on('data', (data) => {
			if (!this.frozen) upstream.write(data);
		});
		upstream.on('data', (data) => {
			if (!this.frozen) client.write(data);
		});
		client.on('error', end).on('close', end);
		upstream.on('error', end).on('close', end);
	}

	/** Sends new connections to another server (open ones stay), e.g. one where the login no longer works. */
	retarget(port: number, host = '127.0.0.1'): void {
		this.target = { host, port };
	}

	/** Resets every open connection (the client sees ECONNRESET / close). */
	cut(): void {
		for (const { client, upstream } of [...this.pairs]) {
			client.resetAndDestroy();
			upstream.destroy();
		}
		this.pairs.clear();
	}

	/** Stops forwarding on open and new connections; bytes are dropped, sockets stay open. */
	freeze(): void {
		this.frozen = true;
	}

	/** Forwards again (bytes dropped while frozen stay lost, as on a real network). */
	thaw(): void {
		this.frozen = false;
	}

	/** Closes new connections at once (server down) until `accept()`. */
	refuse(): void {
		this.refusing = true;
	}

	acceptAgain(): void {
		this.refusing = false;
	}

	async close(): Promise<void> {
		this.cut();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}
