import { ApiError } from '../core/errors';
import type { PbsWorld } from '../pbs/model';
import type { SimulatorControl } from './types';
import { formatSyslog, sendSyslog } from './syslog';

const unsupported = (what: string) => () => {
	throw new ApiError(400, `${what} is a PVE control; the PBS simulator has no guests or cluster nodes`);
};

/** PBS levers: failures apply to the next gc/verify/prune/sync of a datastore. */
export function pbsControl(world: PbsWorld): SimulatorControl {
	return {
		createUser: (user, password) => void world.access.createUser(user, password),
		createToken(user, id, opts = {}) {
			if (!world.access.users.has(user)) world.access.createUser(user);
			const t = world.access.createToken(user, id, { privsep: opts.privsep ?? true, secret: opts.secret });
			for (const a of opts.acl ?? []) world.access.setAcl(a.path, a.roleid, `${user}!${id}`);
			return { tokenid: `${user}!${id}`, secret: t.secret };
		},
		setAcl: (path, roleid, ugid) => world.access.setAcl(path, roleid, ugid),
		takeNodeOffline: unsupported('takeNodeOffline'),
		bringNodeOnline: unsupported('bringNodeOnline'),
		stopGuestUnexpectedly: unsupported('stopGuestUnexpectedly'),
		lockGuest: unsupported('lockGuest'),
		runBackupJob: unsupported('runBackupJob'),
		failNextBackup: (store, message) => void world.pbs.failures.set(String(store), message),
		fillStorage(_node, storeName, percent) {
			const ds = world.pbs.datastores.get(storeName);
			if (!ds) throw new ApiError(404, `no datastore ${storeName}`);
			ds.used = Math.round((ds.total * percent) / 100);
		},
		injectFault: (spec) => world.faults.inject(spec),
		clearFaults: () => world.faults.clear(),
		requestCounts: () => world.requests.snapshot(),
		resetRequestCounts: () => world.requests.reset(),
		advanceClock: (seconds) => world.clock.advance(seconds),
		async emitSyslog({ node, target, lines, facility, severity }) {
			const at = new Date(world.clock.nowMs());
			await sendSyslog(target, lines.map((l) => formatSyslog(node, /^[\w.-]+(\[\d+\])?: /.test(l) ? l : `proxmox-backup-proxy[812]: ${l}`, at, facility, severity)));
		},
		refreshStats: () => undefined,
		forwardSyslog: unsupported('forwardSyslog'),
		setAgentRunning: unsupported('setAgentRunning'),
		failNextTask: (spec) => void world.tasks.failures.push({ ...spec }),
		async emitNotification(e) {
			await world.notify.emit({ title: e.title ?? `${e.type} notification`, message: e.message ?? '', severity: e.severity ?? 'info', timestamp: world.clock.now(), fields: { type: e.type, hostname: world.localNode, ...(e.fields ?? {}) } });
		},
		holdTimers: () => world.timers.hold(),
		getState() {
			return {
				product: 'pbs',
				datastores: [...world.pbs.datastores.values()].map((d) => ({ name: d.name, used: d.used, total: d.total, snapshots: d.snapshots.length })),
				tasks: world.tasks.tasks.length,
				runningTasks: world.tasks.tasks.filter((t) => t.running).map((t) => t.upid),
				faults: world.faults.list(),
				notificationsSent: world.notify.sent.map((s) => ({ target: s.target, title: s.event.title, ok: s.result.ok, error: s.result.error })),
				clock: world.clock.now(),
			};
		},
	};
}
