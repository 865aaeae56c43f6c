import { RequestCounter } from '../core/requests';
import { HandlerRegistry, type ResolvedOptions } from '../core/world';
import { SimClock } from '../core/clock';
import { Timers } from '../core/timers';
import { TaskManager } from '../core/tasks';
import { FaultInjector } from '../core/faults';
import { AccessStore } from '../auth/access';
import { TicketAuthority } from '../auth/tickets';
import { getRouteIndex } from '../schema/load';
import { NotificationConfig } from '../notifications/config';
import { NotificationHub } from '../notifications/dispatcher';
import { registerNotifications } from '../notifications/api';
import { registerAccess } from '../core/accessApi';
import type { CertBundle } from '../wire/certs';
import type { PbsWorld } from './model';
import { emptyPbs, seedPbs } from './seed';
import { registerPbs } from './handlers';
import { registerPbsExtras } from './extras';

export function createPbsWorld(opts: ResolvedOptions, certs: CertBundle, defaults: { tokenSecret: string; rootPassword: string }): { world: PbsWorld; registry: HandlerRegistry<PbsWorld> } {
	const clock = new SimClock();
	const timers = new Timers();
	const access = new AccessStore('pbs');
	access.createUser('root@pam', defaults.rootPassword, { email: 'root@sim.local' });
	access.createToken('root@pam', 'sim', { secret: defaults.tokenSecret, privsep: false, comment: 'simulator default token' });
	access.createUser('sync@pbs', undefined);
	const pbs = emptyPbs(clock.now() - 23 * 86400 - 4 * 3600 - 17 * 60);
	const node = opts.nodes[0];
	const world: PbsWorld = {
		opts,
		product: 'pbs',
		routes: getRouteIndex('pbs'),
		clock,
		timers,
		tasks: new TaskManager('pbs', clock, timers, () => opts.taskSpeed),
		access,
		tickets: new TicketAuthority('pbs', clock, opts.ticketLifetimeSeconds),
		faults: new FaultInjector(),
		requests: new RequestCounter(),
		localNode: node,
		isNodeOnline: () => true,
		nodeExists: (n: string) => n === node || n === 'localhost',
		fingerprint: certs.fingerprint,
		certPem: certs.certPem,
		caPem: certs.caPem,
		pbs,
		notify: new NotificationHub(new NotificationConfig('pbs')),
	};
	if (opts.seed === 'estate') seedPbs(world);
	const registry = new HandlerRegistry<PbsWorld>();
	registerAccess(registry);
	registerPbs(registry);
	registerPbsExtras(registry);
	registerNotifications(registry, '/config/notifications');
	return { world, registry };
}
