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
import type { CertBundle } from '../wire/certs';
import type { PveWorld } from './model';
import { emptyCluster, seedEstate } from './seed';
import { StatsCache } from './stats';
import { registerAccess } from '../core/accessApi';
import { registerCluster } from './handlers/cluster';
import { registerGuests } from './handlers/guests';
import { registerNodes } from './handlers/nodes';
import { registerSnapshots } from './handlers/snapshots';
import { registerStorage } from './handlers/storage';
import { registerStorageTransfer } from './handlers/storageTransfer';
import { registerAgent } from './handlers/agent';
import { registerVzdump } from './handlers/vzdump';
import { registerHost } from './handlers/host';
import { registerPools } from './handlers/pools';
import { seedBackupHistory } from './backupHistory';
import { registerNodeConfig } from './handlers/nodeConfig';
import { registerApt } from './handlers/apt';
import { registerReplication } from './handlers/replication';
import { registerNotifications } from '../notifications/api';
import { formatSyslog, sendSyslog } from '../control/syslog';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** journalctl's short format (UTC here): `Nov 25 14:30:00`. */
function shortStamp(d: Date): string {
	return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, '0')} ${d.toISOString().slice(11, 19)}`;
}

export function createPveWorld(opts: ResolvedOptions, certs: CertBundle, defaults: { tokenSecret: string; rootPassword: string }): { world: PveWorld; registry: HandlerRegistry<PveWorld> } {
	const clock = new SimClock();
	const timers = new Timers();
	const tasks = new TaskManager('pve', clock, timers, () => opts.taskSpeed);
	const access = new AccessStore('pve');
	access.createUser('root@pam', defaults.rootPassword, { email: 'root@sim.local' });
	access.createToken('root@pam', 'sim', { secret: defaults.tokenSecret, privsep: false, comment: 'simulator default token' });
	const cluster = emptyCluster(opts.nodes, clock.now(), opts.schema === 'pve8' ? 8 : 9);
	const world = {
		opts,
		product: 'pve',
		routes: getRouteIndex(opts.schema),
		clock,
		timers,
		tasks,
		access,
		tickets: new TicketAuthority('pve', clock, opts.ticketLifetimeSeconds),
		faults: new FaultInjector(),
		requests: new RequestCounter(),
		localNode: opts.nodes[0],
		cluster,
		fingerprint: certs.fingerprint,
		certPem: certs.certPem,
		caPem: certs.caPem,
		isNodeOnline: (node: string) => cluster.nodes.get(node)?.online ?? false,
		nodeExists: (node: string) => cluster.nodes.has(node),
		addClusterLog(node: string, tag: string, user: string, msg: string, pri = 6) {
			cluster.log.push({ uid: cluster.nextLogUid++, time: clock.now(), pri, tag, pid: 1000 + (cluster.nextLogUid % 5000), node, user, msg });
			if (cluster.log.length > 5000) cluster.log.splice(0, cluster.log.length - 5000);
		},
		addSyslog(node: string, line: string, severity = 6) {
			const lines = cluster.syslog.get(node);
			if (!lines) return;
			lines.push({ n: lines.length + 1, t: `${shortStamp(new Date(clock.nowMs()))} ${node} ${line}`, time: clock.now() });
			const target = world.syslogForward;
			// An offline node cannot forward anything.
			if (target && cluster.nodes.get(node)?.online) void sendSyslog(target, [formatSyslog(node, line, new Date(clock.nowMs()), 3, severity)]).catch(() => undefined);
		},
	} as unknown as PveWorld;
	world.stats = new StatsCache(() => world);
	access.poolOf = (path) => {
		const vm = /^\/vms\/(\d+)$/.exec(path);
		const st = /^\/storage\/([^/]+)$/.exec(path);
		for (const [id, pool] of cluster.pools) {
			if (vm && pool.vms.includes(Number(vm[1]))) return id;
			if (st && pool.storages.includes(st[1])) return id;
		}
		return undefined;
	};
	world.notify = new NotificationHub(new NotificationConfig('pve'));
	if (opts.seed === 'estate') {
		seedEstate(cluster, tasks, clock.now());
		seedBackupHistory(world);
		for (const node of opts.nodes) {
			world.addSyslog(node, 'systemd[1]: Started pvestatd.service - PVE Status Daemon.');
			world.addSyslog(node, 'pveproxy[1408]: starting 3 worker(s)');
			world.addSyslog(node, 'pvedaemon[1390]: <root@pam> successful auth for user \'root@pam\'');
			world.addSyslog(node, 'corosync[1201]:   [QUORUM] This node is within the primary component and will provide service.');
		}
	}
	// Like pvedaemon: task start and end go to the cluster log.
	const origStart = tasks.start.bind(tasks);
	tasks.start = (p) => {
		const t = origStart(p);
		world.addClusterLog(t.node, 'pvedaemon', t.authId, `starting task ${t.upid}`);
		world.addSyslog(t.node, `pvedaemon[${t.pid}]: <${t.authId}> starting task ${t.upid}`);
		return t;
	};
	tasks.onFinish((t) => {
		const ok = t.exitstatus === 'OK';
		world.addClusterLog(t.node, 'pvedaemon', t.authId, `end task ${t.upid} ${t.exitstatus}`, ok ? 6 : 3);
		if (!ok) world.addSyslog(t.node, `pvedaemon[${t.pid}]: ${t.exitstatus}`, 3);
		world.addSyslog(t.node, `pvedaemon[${t.pid}]: <${t.authId}> end task ${t.upid} ${t.exitstatus}`, ok ? 6 : 3);
	});
	world.stats.refresh();
	timers.every(opts.statsRefreshMs, () => world.stats.refresh());

	const registry = new HandlerRegistry<PveWorld>();
	registerAccess(registry);
	registerCluster(registry);
	registerNodes(registry);
	registerGuests(registry);
	registerSnapshots(registry);
	registerStorage(registry);
	registerStorageTransfer(registry);
	registerAgent(registry);
	registerVzdump(registry);
	registerHost(registry);
	registerNodeConfig(registry);
	registerPools(registry);
	registerApt(registry);
	registerReplication(registry);
	registerNotifications(registry, '/cluster/notifications');
	return { world, registry };
}
