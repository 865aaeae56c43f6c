import { ApiError } from '../core/errors';
import type { PveWorld } from '../pve/model';
import { storageUsed } from '../pve/model';
import { runBackupJob } from '../pve/handlers/vzdump';
import { formatSyslog, sendSyslog } from './syslog';
import type { SimulatorControl } from './types';

/** Seconds pve-ha-manager needs before a lost node with HA services is fenced (lock timeout plus fencing). */
const FENCE_AFTER_SECONDS = 120;

/**
 * pve-ha-manager's reaction to a lost node running HA services: after the fencing delay (scaled by the
 * task speed) the node is fenced, a `fencing` notification goes out and the services recover on another node.
 */
function scheduleFencing(world: PveWorld, failed: string): void {
	const { cluster } = world;
	const services = [...cluster.guests.values()].filter((g) => g.node === failed && g.hastate);
	if (!services.length) return;
	const master = [...cluster.nodes.values()].find((n) => n.online);
	if (!master) return;
	world.addSyslog(master.name, `pve-ha-crm[1490]: node '${failed}': state changed from 'online' => 'unknown'`);
	world.timers.after((FENCE_AFTER_SECONDS * 1000) / Math.max(world.opts.taskSpeed, 0.001), () => {
		if (cluster.nodes.get(failed)?.online) return;
		world.addSyslog(master.name, `pve-ha-crm[1490]: successfully acquired lock 'ha_agent_${failed}_lock'`);
		world.addSyslog(master.name, `pve-ha-crm[1490]: fencing: acknowledged - got agent lock for node '${failed}'`);
		void world.notify.emit({
			title: `Successfully fenced node '${failed}'`,
			message: `The node '${failed}' failed and needed manual intervention.\n\nThe PVE HA manager tries to fence it and recover the configured HA resources to a healthy node if possible.\n\nCurrent fence status: SUCCEED\n`,
			severity: 'error',
			timestamp: world.clock.now(),
			fields: { type: 'fencing', hostname: master.name },
		});
		const targets = [...cluster.nodes.values()].filter((n) => n.online);
		services.forEach((g, i) => {
			const target = targets[i % targets.length];
			world.addSyslog(master.name, `pve-ha-crm[1490]: recover service '${g.type === 'qemu' ? 'vm' : 'ct'}:${g.vmid}' from fenced node '${failed}' to node '${target.name}'`);
			g.node = target.name;
			for (const v of cluster.volumes) if (v.vmid === g.vmid && v.node === failed) v.node = target.name;
			g.status = 'running';
			g.startedAt = world.clock.now();
			g.pid = 30000 + g.vmid;
			g.agentRunning = g.type === 'qemu' && String(g.config.agent ?? '').startsWith('1');
		});
	});
}

export function pveControl(world: PveWorld): SimulatorControl {
	const { cluster } = world;
	const guest = (vmid: number) => {
		const g = cluster.guests.get(Number(vmid));
		if (!g) throw new ApiError(404, `no guest ${vmid}`);
		return g;
	};
	const node = (name: string) => {
		const n = cluster.nodes.get(name);
		if (!n) throw new ApiError(404, `no node ${name}`);
		return n;
	};
	return {
		createUser: (user, password) => void world.access.createUser(user, password),
		createToken(user, id, opts = {}) {
			if (!world.access.users.has(user)) world.access.createUser(user);
			const t = world.access.createToken(user, id, { privsep: opts.privsep ?? true, secret: opts.secret });
			for (const a of opts.acl ?? []) world.access.setAcl(a.path, a.roleid, `${user}!${id}`);
			return { tokenid: `${user}!${id}`, secret: t.secret };
		},
		setAcl: (path, roleid, ugid) => world.access.setAcl(path, roleid, ugid),
		takeNodeOffline(name) {
			const n = node(name);
			n.online = false;
			world.addClusterLog(world.localNode, 'corosync', 'root@pam', `node ${name} left the cluster membership`, 4);
			world.addSyslog(world.localNode, `corosync[1200]:   [QUORUM] Members[${[...cluster.nodes.values()].filter((x) => x.online).length}]`);
			scheduleFencing(world, name);
		},
		bringNodeOnline(name) {
			const n = node(name);
			n.online = true;
			n.bootedAt = world.clock.now();
		},
		stopGuestUnexpectedly(vmid) {
			const g = guest(vmid);
			// Under HA the guest is restarted by the LRM like after a crash; outside HA it stays down.
			g.status = 'stopped';
			g.paused = false;
			g.startedAt = undefined;
			g.pid = undefined;
			g.agentRunning = false;
			world.addSyslog(g.node, `QEMU[${1000 + g.vmid}]: kvm: terminating on signal 9`);
			world.addSyslog(g.node, `kernel: [12345.678] Out of memory: Killed process ${1000 + g.vmid} (kvm)`);
			if (g.hastate === 'started') {
				const sid = `${g.type === 'qemu' ? 'vm' : 'ct'}:${g.vmid}`;
				world.timers.after(10_000 / Math.max(world.opts.taskSpeed, 0.001), () => {
					if (g.status !== 'stopped') return;
					world.addSyslog(g.node, `pve-ha-lrm[1502]: restart service '${sid}' (restart 1/${cluster.haResources.get(sid)?.max_restart ?? 1})`);
					world.tasks.start({
						node: g.node,
						type: g.type === 'qemu' ? 'qmstart' : 'vzstart',
						id: String(g.vmid),
						authId: 'root@pam',
						run: async (ctx) => {
							await ctx.sleep(1500);
							g.status = 'running';
							g.startedAt = world.clock.now();
							g.pid = 40000 + g.vmid;
							g.agentRunning = g.type === 'qemu' && String(g.config.agent ?? '').startsWith('1');
						},
					});
				});
			}
		},
		failNextBackup: (vmid, message) => void cluster.backupFailures.set(String(vmid), message),
		fillStorage(nodeName, storageId, percent) {
			const s = cluster.storages.get(storageId);
			if (!s) throw new ApiError(404, `no storage ${storageId}`);
			const key = s.shared ? '*' : nodeName;
			s.filler[key] = 0;
			const base = storageUsed(cluster, s, nodeName);
			s.filler[key] = Math.max(0, Math.round((s.total * percent) / 100) - base);
		},
		lockGuest(vmid, lock) {
			const g = guest(vmid);
			if (lock) g.config.lock = lock;
			else delete g.config.lock;
		},
		injectFault: (spec) => world.faults.inject(spec),
		clearFaults: () => world.faults.clear(),
		requestCounts: () => world.requests.snapshot(),
		resetRequestCounts: () => world.requests.reset(),
		advanceClock: (seconds) => world.clock.advance(seconds),
		async emitSyslog({ node: from, target, lines, facility, severity }) {
			const at = new Date(world.clock.nowMs());
			for (const l of lines) world.addSyslog(from, l);
			await sendSyslog(target, lines.map((l) => formatSyslog(from, l, at, facility, severity)));
		},
		refreshStats: () => world.stats.refresh(),
		forwardSyslog(target) {
			world.syslogForward = target ?? undefined;
		},
		setAgentRunning(vmid, running) {
			const g = guest(vmid);
			if (g.type !== 'qemu') throw new ApiError(400, `${vmid} is a container`);
			g.agentRunning = running && g.status === 'running';
		},
		failNextTask: (spec) => void world.tasks.failures.push({ ...spec }),
		runBackupJob: (id) => runBackupJob(world, id),
		async emitNotification(e) {
			const fields: Record<string, string> = { type: e.type, hostname: world.localNode, ...(e.fields ?? {}) };
			const defaults: Record<string, { title: string; severity: 'info' | 'error' }> = {
				'package-updates': { title: `New software packages available (${fields.hostname}.sim.local)`, severity: 'info' },
				fencing: { title: `Successfully fenced node '${fields.hostname}'`, severity: 'error' },
				replication: { title: `Replication Job: '${fields['job-id'] ?? '100-0'}' failed`, severity: 'error' },
			};
			const d = defaults[e.type] ?? { title: `${e.type} notification`, severity: 'info' as const };
			await world.notify.emit({ title: e.title ?? d.title, message: e.message ?? d.title, severity: e.severity ?? d.severity, timestamp: world.clock.now(), fields });
		},
		holdTimers: () => world.timers.hold(),
		getState() {
			return {
				product: 'pve',
				nodes: [...cluster.nodes.values()].map((n) => ({ name: n.name, online: n.online, ip: n.ip })),
				guests: [...cluster.guests.values()].map((g) => ({ vmid: g.vmid, type: g.type, node: g.node, status: g.status, name: g.config.name ?? g.config.hostname, lock: g.config.lock, snapshots: g.snapshots.map((s) => s.name) })),
				storages: [...cluster.storages.values()].map((s) => ({ storage: s.storage, type: s.type, shared: s.shared, total: s.total })),
				tasks: world.tasks.tasks.length,
				runningTasks: world.tasks.tasks.filter((t) => t.running).map((t) => t.upid),
				faults: world.faults.list(),
				notificationsSent: world.notify.sent.map((s) => ({ target: s.target, title: s.event.title, ok: s.result.ok, error: s.result.error })),
				clock: world.clock.now(),
			};
		},
	};
}
