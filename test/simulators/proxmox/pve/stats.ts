import type { PveWorld } from './model';
import { storageOnNode, storageUsed } from './model';
import { guestMetrics, hostMemory, nodeMetrics } from './metrics';

/**
 * The pvestatd broadcast: `/cluster/resources` and `/cluster/tasks` answer from this cache, refreshed
 * on a fixed cycle (10 s on a real node), so they lag behind the live per-node endpoints.
 */
export class StatsCache {
	resources: Array<Record<string, unknown>> = [];
	tasks: Array<Record<string, unknown>> = [];
	refreshedAt = 0;

	constructor(private readonly world: () => PveWorld) {}

	refresh(): void {
		const w = this.world();
		const now = w.clock.now();
		const { cluster } = w;
		const res: Array<Record<string, unknown>> = [];
		for (const n of cluster.nodes.values()) {
			if (!n.online) {
				res.push({ id: `node/${n.name}`, type: 'node', node: n.name, status: 'offline', level: '' });
				continue;
			}
			res.push({ id: `node/${n.name}`, type: 'node', node: n.name, status: 'online', level: '', 'cgroup-mode': 2, ...nodeMetrics(cluster, n, now) });
		}
		for (const g of [...cluster.guests.values()].sort((a, b) => a.vmid - b.vmid)) {
			const online = cluster.nodes.get(g.node)?.online ?? false;
			const m = guestMetrics(g, now);
			const entry: Record<string, unknown> = {
				id: `${g.type}/${g.vmid}`,
				type: g.type,
				vmid: g.vmid,
				name: String(g.config.name ?? g.config.hostname ?? `${g.type === 'qemu' ? 'VM' : 'CT'} ${g.vmid}`),
				node: g.node,
				status: online ? g.status : 'unknown',
				template: g.config.template ? 1 : 0,
				...m,
			};
			// PVE 9: memhost from the pve-vm-9.0 RRD; containers have none (pvestatd writes undef).
			if (w.opts.schema === 'pve9' && g.type === 'qemu') entry.memhost = g.status === 'running' ? hostMemory(g, m.mem) : 0;
			if (g.config.tags) entry.tags = g.config.tags;
			if (g.config.lock) entry.lock = g.config.lock;
			if (g.hastate) entry.hastate = g.hastate;
			const pool = [...cluster.pools.entries()].find(([, p]) => p.vms.includes(g.vmid));
			if (pool) entry.pool = pool[0];
			res.push(entry);
		}
		for (const s of cluster.storages.values()) {
			for (const n of cluster.nodes.values()) {
				if (!storageOnNode(s, n.name)) continue;
				const entry: Record<string, unknown> = { id: `storage/${n.name}/${s.storage}`, type: 'storage', storage: s.storage, node: n.name, status: n.online ? 'available' : 'unknown', plugintype: s.type, content: s.content.join(','), shared: s.shared };
				if (n.online) Object.assign(entry, { disk: storageUsed(cluster, s, n.name), maxdisk: s.total });
				res.push(entry);
			}
		}
		for (const id of cluster.pools.keys()) res.push({ id: `/pool/${id}`, type: 'pool', pool: id });
		// API2/Cluster.pm resources: PVE 9 nodes publish `network` entries (the default zone `localnetwork` per node,
		// status ok) and their old `sdn/<node>/…` entries are skipped; PVE 8 nodes publish `sdn/<node>/localnetwork`.
		for (const n of cluster.nodes.values()) {
			if (w.opts.schema === 'pve9') res.push({ id: `network/${n.name}/zone/localnetwork`, type: 'network', 'network-type': 'zone', network: 'localnetwork', node: n.name, status: 'ok' });
			else res.push({ id: `sdn/${n.name}/localnetwork`, type: 'sdn', sdn: 'localnetwork', node: n.name, status: n.online ? 'ok' : 'unknown' });
		}
		this.resources = res;
		this.tasks = w.tasks.tasks
			.slice(-200)
			.reverse()
			.map((t) =>
				t.running
					? { upid: t.upid, node: t.node, pid: t.pid, starttime: t.starttime, type: t.type, id: t.id, user: t.authId }
					: { upid: t.upid, node: t.node, starttime: t.starttime, type: t.type, id: t.id, user: t.authId, endtime: t.endtime, status: t.exitstatus, saved: '1' },
			);
		this.refreshedAt = now;
	}
}
