/**
 * Proxmox VE / Backup Server simulator for tests and the demo (dev-only, never packaged).
 * See README.md beside this file for what is modelled and how to drive it.
 */
import type { FaultSpec } from './core/faults';
import type { ResolvedOptions, WorldBase, HandlerRegistry } from './core/world';
import { certificatesFor } from './wire/certs';
import { createDispatcher } from './wire/dispatch';
import { listenHttps } from './wire/server';
import { controlHttp } from './control/http';
import type { SimulatorControl } from './control/types';
import { createPveWorld } from './pve/world';
import { pveControl } from './control/pveControl';
import { createPbsWorld } from './pbs/world';
import { pbsControl } from './control/pbsControl';
import type { NotificationHub } from './notifications/dispatcher';

export type { SimulatorControl, FaultSpec };

export interface ProxmoxSimulatorOptions {
	product?: 'pve' | 'pbs';
	pveVersion?: 9 | 8;
	/** 0 = ephemeral. Defaults: 0 for the library (tests); the CLI passes 8006/8007. */
	port?: number;
	host?: string;
	/** Default ['pve1','pve2','pve3']; ['pve'] for a standalone node. PBS uses the first name (default 'pbs'). */
	nodes?: string[];
	seed?: 'estate' | 'empty';
	/** Delay of every 401 answer; the real servers wait 3 s. */
	unauthorizedDelayMs?: number;
	ticketLifetimeSeconds?: number;
	/** Task speed multiplier (10 = ten times faster than the modelled durations). */
	taskSpeed?: number;
	/** The pvestatd cycle behind /cluster/resources and /cluster/tasks. */
	statsRefreshMs?: number;
	idleTimeoutMs?: number;
	/** How long a new task's status answers 400 (real: the task index is written a moment later). */
	taskStatusGraceMs?: number;
	/** The host MTA's relay: `sendmail` notification targets deliver their mail to this SMTP server. */
	mailRelay?: { host: string; port: number };
}

export interface ProxmoxSimulator {
	url: string;
	port: number;
	host: string;
	product: 'pve' | 'pbs';
	fingerprint: string;
	caPem: string;
	certPem: string;
	token: { id: 'root@pam!sim'; secret: string };
	/** `root@pam` password. */
	password: string;
	control: SimulatorControl;
	/** Milliseconds from call to listening. */
	startupMs: number;
	/** Every request as it arrived on the wire: method and raw request target (path and query), in order. */
	requests: Array<{ method: string; url: string }>;
	close(): Promise<void>;
}

/** Documented default credentials, identical on both products. */
export const DEFAULT_TOKEN_SECRET = '00000000-0000-4000-8000-000000000000';
export const DEFAULT_ROOT_PASSWORD = 'simulator';

function resolve(opts: ProxmoxSimulatorOptions): ResolvedOptions {
	const product = opts.product ?? 'pve';
	return {
		product,
		schema: product === 'pbs' ? 'pbs' : opts.pveVersion === 8 ? 'pve8' : 'pve9',
		host: opts.host ?? '127.0.0.1',
		port: opts.port ?? 0,
		nodes: opts.nodes ?? (product === 'pbs' ? ['pbs'] : ['pve1', 'pve2', 'pve3']),
		seed: opts.seed ?? 'estate',
		unauthorizedDelayMs: opts.unauthorizedDelayMs ?? 3000,
		ticketLifetimeSeconds: opts.ticketLifetimeSeconds ?? 7200,
		taskSpeed: opts.taskSpeed ?? 1,
		statsRefreshMs: opts.statsRefreshMs ?? 10_000,
		idleTimeoutMs: opts.idleTimeoutMs ?? 5000,
		taskStatusGraceMs: opts.taskStatusGraceMs ?? 150,
	};
}

export async function startProxmoxSimulator(options: ProxmoxSimulatorOptions = {}): Promise<ProxmoxSimulator> {
	const started = Date.now();
	const opts = resolve(options);
	const certs = await certificatesFor(opts.product, opts.host, opts.nodes[0]);
	const defaults = { tokenSecret: DEFAULT_TOKEN_SECRET, rootPassword: DEFAULT_ROOT_PASSWORD };
	let world: WorldBase;
	let control: SimulatorControl;
	let dispatcher;
	if (opts.product === 'pbs') {
		const built = createPbsWorld(opts, certs, defaults);
		world = built.world;
		control = pbsControl(built.world);
		dispatcher = createDispatcher(built.world, built.registry, controlHttp(control, certs.caPem));
	} else {
		const built = createPveWorld(opts, certs, defaults);
		world = built.world;
		control = pveControl(built.world);
		dispatcher = createDispatcher(built.world, built.registry as HandlerRegistry<typeof built.world>, controlHttp(control, certs.caPem));
	}
	const hub = (world as WorldBase & { notify?: NotificationHub }).notify;
	if (hub) {
		hub.mail.relay = options.mailRelay ?? null;
		hub.mail.userEmail = (userid) => world.access.users.get(userid)?.email;
	}
	let listening = false;
	let endpoint;
	try {
		endpoint = await listenHttps({ product: opts.product, host: opts.host, port: opts.port, keyPem: certs.keyPem, certPem: certs.certPem, idleTimeoutMs: opts.idleTimeoutMs, dispatcher });
		listening = true;
	} finally {
		// A port already in use must not leave the world's timers running.
		if (!listening) world.timers.close();
	}
	const requests: Array<{ method: string; url: string }> = [];
	endpoint.server.prependListener('request', (req: { method?: string; url?: string }) => {
		requests.push({ method: req.method ?? '', url: req.url ?? '' });
	});
	const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
	return {
		url: `https://${hostForUrl}:${endpoint.port}`,
		port: endpoint.port,
		host: opts.host,
		product: opts.product,
		fingerprint: certs.fingerprint,
		caPem: certs.caPem,
		certPem: certs.certPem,
		token: { id: 'root@pam!sim', secret: DEFAULT_TOKEN_SECRET },
		password: DEFAULT_ROOT_PASSWORD,
		control,
		startupMs: Date.now() - started,
		requests,
		async close() {
			world.timers.close();
			await endpoint.close();
		},
	};
}
