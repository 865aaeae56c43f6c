import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { plainIp } from './classify/host';
import { UdpIntake } from './floodGuard/intake';
import { FrameDecoder } from './framing';
import type { SyslogTransport } from './item';
import type { SyslogPipeline } from './pipeline';
import type { UdpBufferStats } from './stats';

export interface TlsMaterial {
	cert: string;
	key: string;
	passphrase?: string;
	/** When set, clients must present a certificate signed by this CA. */
	ca?: string;
}

export interface ListenOptions {
	udp: boolean;
	tcp: boolean;
	host: string;
	port: number;
	tls: TlsMaterial | null;
	maxConnections: number;
	idleTimeoutMs: number;
	maxMessageBytes: number;
	/** Receive buffer asked for the UDP socket so bursts are not lost in the kernel; capped by net.core.rmem_max. */
	udpReceiveBufferBytes: number;
}

/** Activation errors in words an n8n user can act on. */
export function describeListenError(error: NodeJS.ErrnoException, transport: string, host: string, port: number): string {
	const where = `${transport.toUpperCase()} ${host}:${port}`;
	switch (error.code) {
		case 'EADDRINUSE':
			return `Cannot listen on ${where}: the port is already in use (by another workflow or program). Choose another port or stop the other listener.`;
		case 'EACCES':
		case 'EPERM':
			return `Cannot listen on ${where}: not permitted. Ports below 1024 need root or CAP_NET_BIND_SERVICE and n8n should not run as root; use a port such as 5514 (rsyslog can send to any port).`;
		case 'EADDRNOTAVAIL':
			return `Cannot listen on ${where}: the address is not on this machine. Use 0.0.0.0 (all IPv4), :: (all) or one of the machine's addresses.`;
		default:
			return `Cannot listen on ${where}: ${error.message}`;
	}
}

export class ListenError extends Error {}

const RMEM_MAX = '/proc/sys/net/core/rmem_max';

/**
 * Datagrams read ahead of parsing during a burst (see UdpIntake): at most 65,536 or 16 MiB, parsed
 * one per event-loop turn while more arrive, 64 per turn afterwards.
 */
const UDP_INTAKE = { maxItems: 65_536, maxBytes: 16 * 1024 * 1024, perBusyTurn: 1, perIdleTurn: 64 };

/** `net.core.rmem_max`: the largest receive buffer an unprivileged socket may ask for (null off Linux). */
export function readKernelMax(path = RMEM_MAX): number | null {
	try {
		const value = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
		return Number.isFinite(value) && value > 0 ? value : null;
	} catch {
		return null;
	}
}

/**
 * Asks for a receive buffer of `wanted` bytes, or the kernel's limit when that is lower, so a burst
 * waits in the socket instead of being lost before n8n sees it; returns what was granted.
 */
export function growReceiveBuffer(socket: UdpSocket, wanted: number, kernelMax: number | null): UdpBufferStats {
	const requested = kernelMax === null ? wanted : Math.min(wanted, kernelMax);
	try {
		// Linux doubles what is asked (half is its bookkeeping) and a socket starts at rmem_default:
		// ask whenever that grows the buffer, never shrink it.
		const effective = process.platform === 'linux' ? requested * 2 : requested;
		if (effective > socket.getRecvBufferSize()) socket.setRecvBufferSize(requested);
	} catch {
		// Refused by the kernel: the default buffer still works, and the statistics show its size.
	}
	let granted = 0;
	try {
		granted = socket.getRecvBufferSize();
	} catch {
		// Not readable on this platform.
	}
	return { requestedReceiveBufferBytes: requested, receiveBufferBytes: granted, kernelMaxBytes: kernelMax };
}

/** UDP, TCP and TLS listeners feeding one pipeline. close() ends every socket at once. */
export class SyslogServer {
	private udpSocket: UdpSocket | null = null;
	private udpIntake: UdpIntake | null = null;
	private tcpServer: net.Server | null = null;
	private readonly connections = new Map<net.Socket, FrameDecoder>();
	private paused = false;

	constructor(
		private readonly options: ListenOptions,
		private readonly pipeline: SyslogPipeline,
	) {
		// TCP has flow control: while n8n's queue is full, stop reading so senders wait (rsyslog
		// queues on its side) instead of losing messages. UDP has none; its excess is dropped and counted.
		pipeline.onPressure((congested) => {
			this.paused = congested;
			for (const [socket, decoder] of this.connections) {
				if (congested) {
					socket.pause();
				} else {
					decoder.resume();
					socket.resume();
				}
			}
		});
	}

	/** Bound addresses (useful with port 0). */
	get addresses(): { udp?: net.AddressInfo; tcp?: net.AddressInfo } {
		const tcp = this.tcpServer?.address();
		return {
			udp: this.udpSocket ? this.udpSocket.address() : undefined,
			tcp: tcp && typeof tcp === 'object' ? tcp : undefined,
		};
	}

	async start(): Promise<void> {
		const failure = await this.listenAll().then(
			() => null,
			(error: Error) => error,
		);
		if (failure) {
			// One transport failing must not leave the other listening.
			await this.close();
			throw failure;
		}
	}

	private async listenAll(): Promise<void> {
		if (this.options.tcp) await this.startTcp();
		if (this.options.udp) await this.startUdp();
	}

	async close(): Promise<void> {
		for (const socket of this.connections.keys()) socket.destroy();
		this.connections.clear();
		const closing: Array<Promise<unknown>> = [];
		if (this.tcpServer) {
			const server = this.tcpServer;
			this.tcpServer = null;
			closing.push(new Promise<void>((resolve) => server.close(() => resolve())));
		}
		this.udpIntake?.close();
		this.udpIntake = null;
		if (this.udpSocket) {
			const socket = this.udpSocket;
			this.udpSocket = null;
			closing.push(new Promise<void>((resolve) => socket.close(() => resolve())));
		}
		await Promise.all(closing);
	}

	// node:dgram directly: dgram-as-promised 6 is ESM-only, which n8n's CommonJS loader on Node 20 and
	// jest cannot require.
	private async startUdp(): Promise<void> {
		const { host, port } = this.options;
		const intake = new UdpIntake(UDP_INTAKE, (bytes, address, sourcePort) => this.pipeline.handle(bytes, address, sourcePort, 'udp'));
		this.udpIntake = intake;
		const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' }, (msg, rinfo) => intake.push(msg, plainIp(rinfo.address), rinfo.port));
		await new Promise<void>((resolve, reject) => {
			socket.once('error', reject);
			socket.bind(port, host, () => {
				socket.off('error', reject);
				resolve();
			});
		}).catch((error: NodeJS.ErrnoException) => {
			socket.close();
			this.fail(error, 'udp');
		});
		// After bind, errors (e.g. ICMP feedback) must not crash n8n; UDP keeps receiving.
		socket.on('error', () => undefined);
		this.pipeline.stats.udp = growReceiveBuffer(socket, this.options.udpReceiveBufferBytes, readKernelMax());
		this.udpSocket = socket;
	}

	private async startTcp(): Promise<void> {
		const { host, port, tls: material } = this.options;
		const transport: SyslogTransport = material ? 'tls' : 'tcp';
		const onConnection = (socket: net.Socket) => this.accept(socket, transport);
		const server = material
			? tls.createServer(
					{
						cert: material.cert,
						key: material.key,
						passphrase: material.passphrase || undefined,
						ca: material.ca || undefined,
						requestCert: Boolean(material.ca),
						rejectUnauthorized: Boolean(material.ca),
						minVersion: 'TLSv1.2',
					},
					onConnection,
				)
			: net.createServer(onConnection);
		server.maxConnections = this.options.maxConnections;
		server.on('drop', () => this.pipeline.stats.tcp.rejected++);
		if (material) server.on('tlsClientError', () => this.pipeline.stats.tcp.tlsErrors++);
		await new Promise<void>((resolve, reject) => {
			const onError = (error: Error) => reject(error);
			server.once('error', onError);
			server.listen({ port, host }, () => {
				server.off('error', onError);
				resolve();
			});
		}).catch((error: NodeJS.ErrnoException) => this.fail(error, 'tcp'));
		server.on('error', () => undefined);
		this.tcpServer = server;
	}

	private accept(socket: net.Socket, transport: SyslogTransport): void {
		// A dual-stack listener (::) sees IPv4 peers as ::ffff:a.b.c.d; report them as a.b.c.d.
		const address = plainIp(socket.remoteAddress ?? '');
		const port = socket.remotePort ?? 0;
		const stats = this.pipeline.stats;
		if (!this.pipeline.admits(address)) {
			stats.tcp.rejected++;
			stats.drop('sourceNotAllowed');
			socket.destroy();
			return;
		}
		stats.tcp.accepted++;
		stats.tcp.open++;
		const decoder = new FrameDecoder(
			this.options.maxMessageBytes,
			(frame) => this.pipeline.handle(frame.bytes, address, port, transport, frame.truncated),
			() => this.paused,
		);
		this.connections.set(socket, decoder);
		socket.setNoDelay(true);
		if (this.options.idleTimeoutMs > 0) {
			const idleTimeoutMs = this.options.idleTimeoutMs;
			socket.setTimeout(idleTimeoutMs, () => {
				// Silent because we stopped reading (backpressure) is not idle.
				if (this.paused) return void socket.setTimeout(idleTimeoutMs);
				stats.tcp.idleClosed++;
				socket.destroy();
			});
		}
		socket.on('data', (chunk: Buffer) => decoder.push(chunk));
		if (this.paused) socket.pause();
		socket.on('end', () => socket.end());
		socket.on('error', () => undefined);
		socket.on('close', () => {
			decoder.end();
			stats.tcp.open--;
			this.connections.delete(socket);
		});
	}

	private fail(error: NodeJS.ErrnoException, transport: string): never {
		throw new ListenError(describeListenError(error, transport, this.options.host, this.options.port));
	}
}
