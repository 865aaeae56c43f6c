import type { RequestCounter } from './requests';
import type { Product, SchemaId } from '../schema/types';
import type { RouteIndex } from '../schema/routes';
import type { Params } from '../schema/validate';
import type { Identity } from '../auth/authenticate';
import type { AccessStore } from '../auth/access';
import type { TicketAuthority } from '../auth/tickets';
import type { SimClock } from './clock';
import type { Timers } from './timers';
import type { TaskManager } from './tasks';
import type { FaultInjector } from './faults';

export interface ResolvedOptions {
	product: Product;
	schema: SchemaId;
	host: string;
	port: number;
	nodes: string[];
	seed: 'estate' | 'empty';
	unauthorizedDelayMs: number;
	ticketLifetimeSeconds: number;
	taskSpeed: number;
	statsRefreshMs: number;
	idleTimeoutMs: number;
	/** How long a new task's status answers 400 (the real task index is written a moment later). */
	taskStatusGraceMs: number;
}

/** Everything a request handler may touch, common to PVE and PBS. */
export interface WorldBase {
	opts: ResolvedOptions;
	product: Product;
	routes: RouteIndex;
	clock: SimClock;
	timers: Timers;
	tasks: TaskManager;
	access: AccessStore;
	tickets: TicketAuthority;
	faults: FaultInjector;
	/** API requests answered, by `METHOD /path`. */
	requests: RequestCounter;
	/** The node this endpoint runs on (the one answering; others are reached by proxying). */
	localNode: string;
	isNodeOnline(node: string): boolean;
	nodeExists(node: string): boolean;
	fingerprint: string;
	certPem: string;
	caPem: string;
}

export interface Call<W extends WorldBase = WorldBase> {
	method: string;
	template: string;
	params: Params;
	identity: Identity;
	world: W;
}

export type Handler<W extends WorldBase = WorldBase> = (call: Call<W>) => unknown;

export class HandlerRegistry<W extends WorldBase = WorldBase> {
	private readonly handlers = new Map<string, Handler<W>>();

	on(method: string, template: string, handler: Handler<W>): this {
		this.handlers.set(`${method} ${template}`, handler);
		return this;
	}

	get(method: string, template: string): Handler<W> | undefined {
		return this.handlers.get(`${method} ${template}`);
	}

	get size(): number {
		return this.handlers.size;
	}

	keys(): string[] {
		return [...this.handlers.keys()];
	}
}
