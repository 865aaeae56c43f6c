import { ApiError } from '../../core/errors';
import type { HandlerRegistry } from '../../core/world';
import { listTasks, stopTask, taskLog, taskStatus } from '../../core/taskApi';
import type { PveWorld } from '../model';
import { nextCalendarEvent } from '../../core/calendar';

function canSee(call: { world: PveWorld; identity: { authId: string } }, path: string, priv: string): boolean {
	return call.world.access.privileges(call.identity.authId, path).has(priv);
}

export function registerCluster(reg: HandlerRegistry<PveWorld>): void {
	reg.on('GET', '/version', (call) => ({ ...call.world.cluster.version }));
	reg.on('GET', '/cluster/status', (call) => {
		const { cluster, localNode } = call.world;
		const nodes = [...cluster.nodes.values()];
		const entries: Array<Record<string, unknown>> = [];
		const standalone = nodes.length === 1;
		if (!standalone) {
			const online = nodes.filter((n) => n.online).length;
			entries.push({ type: 'cluster', id: 'cluster', name: cluster.name, nodes: nodes.length, quorate: online * 2 > nodes.length ? 1 : 0, version: nodes.length + 2 });
		}
		for (const n of nodes) entries.push({ type: 'node', id: `node/${n.name}`, name: n.name, nodeid: standalone ? 0 : n.nodeid, ip: n.ip, online: n.online ? 1 : 0, local: n.name === localNode ? 1 : 0, level: '' });
		return entries;
	});
	reg.on('GET', '/cluster/resources', (call) => {
		const type = call.params.type;
		return call.world.stats.resources
			.filter((r) => {
				if (!type) return true;
				if (type === 'vm') return r.type === 'qemu' || r.type === 'lxc';
				return r.type === type;
			})
			.filter((r) => {
				if (r.type === 'qemu' || r.type === 'lxc') return canSee(call, `/vms/${r.vmid}`, 'VM.Audit');
				if (r.type === 'storage') return canSee(call, `/storage/${r.storage}`, 'Datastore.Audit') || canSee(call, `/storage/${r.storage}`, 'Datastore.AllocateSpace');
				if (r.type === 'node') return canSee(call, `/nodes/${r.node}`, 'Sys.Audit');
				if (r.type === 'pool') return canSee(call, `/pool/${r.pool}`, 'Pool.Audit');
				return canSee(call, `/sdn/zones/${r.sdn ?? r.network}`, 'SDN.Audit');
			})
			.map((r) => ({ ...r }));
	});
	reg.on('GET', '/cluster/tasks', (call) => {
		const admin = canSee(call, '/', 'Sys.Audit');
		return call.world.stats.tasks.filter((t) => admin || String(t.user) === call.identity.authId).map((t) => ({ ...t }));
	});
	reg.on('GET', '/cluster/log', (call) => {
		const max = Number(call.params.max ?? 50);
		const all = canSee(call, '/', 'Sys.Syslog');
		return call.world.cluster.log
			.filter((e) => all || e.user === call.identity.authId)
			.slice(-max)
			.reverse()
			.map((e) => ({ ...e, id: `${e.uid}:${e.node}` }));
	});
	reg.on('GET', '/cluster/ha/status/current', (call) => {
		const { cluster, clock } = call.world;
		const now = clock.now();
		const nodes = [...cluster.nodes.values()];
		const master = nodes.find((n) => n.online);
		const quorate = nodes.filter((n) => n.online).length * 2 > nodes.length;
		const stamp = new Date(now * 1000).toUTCString();
		const out: Array<Record<string, unknown>> = [{ id: 'quorum', type: 'quorum', node: call.world.localNode, status: quorate ? 'OK' : 'No quorum on node', quorate: quorate ? 1 : 0 }];
		if (cluster.haResources.size) {
			if (master) out.push({ id: 'master', type: 'master', node: master.name, status: `${master.name} (active, ${stamp})`, timestamp: now });
			for (const n of nodes) {
				const hasServices = [...cluster.guests.values()].some((g) => g.node === n.name && g.hastate);
				const state = !n.online ? 'old timestamp - dead?' : hasServices ? 'active' : 'idle';
				out.push({ id: `lrm:${n.name}`, type: 'lrm', node: n.name, status: `${n.name} (${state}, ${stamp})`, state: n.online ? (hasServices ? 'active' : 'wait_for_agent_lock') : 'unknown', timestamp: n.online ? now : now - 120 });
			}
			for (const r of cluster.haResources.values()) {
				const g = cluster.guests.get(Number(r.sid.split(':')[1]));
				const state = g ? (cluster.nodes.get(g.node)?.online ? (g.status === 'running' ? 'started' : r.state === 'started' ? 'starting' : 'stopped') : 'fence') : 'error';
				out.push({ id: `service:${r.sid}`, type: 'service', sid: r.sid, node: g?.node ?? '', state, crm_state: state, request_state: r.state, status: `${r.sid} (${g?.node ?? ''}, ${state})`, max_restart: r.max_restart, max_relocate: r.max_relocate });
			}
		}
		return out;
	});
	reg.on('GET', '/cluster/ha/resources', (call) => [...call.world.cluster.haResources.values()].map((r) => ({ ...r, type: r.sid.split(':')[0] === 'ct' ? 'ct' : 'vm', digest: 'a'.repeat(40) })));
	reg.on('GET', '/cluster/backup', (call) =>
		[...call.world.cluster.backupJobs.values()].map((j) => {
			const next = j.enabled === 0 ? undefined : nextCalendarEvent(String(j.schedule ?? ''), call.world.clock.now());
			return next === undefined ? { ...j } : { ...j, 'next-run': next };
		}),
	);
	reg.on('GET', '/cluster/backup/{id}', (call) => {
		const job = call.world.cluster.backupJobs.get(String(call.params.id));
		if (!job) throw new ApiError(500, `Job '${call.params.id}' does not exist`);
		return { ...job };
	});
	reg.on('POST', '/cluster/backup', (call) => {
		const id = String(call.params.id ?? `backup-${Math.random().toString(16).slice(2, 10)}-${Math.random().toString(16).slice(2, 6)}`);
		if (call.world.cluster.backupJobs.has(id)) throw new ApiError(500, `Job '${id}' already exists`);
		if (!call.params.all && !call.params.vmid && !call.params.pool) throw new ApiError(400, 'Parameter verification failed.', { vmid: 'property is missing and it is not optional' });
		const job: Record<string, string | number> = { id, type: 'vzdump', enabled: 1 };
		for (const [k, v] of Object.entries(call.params)) if (k !== 'id') job[k] = Array.isArray(v) ? v.join(',') : v;
		call.world.cluster.backupJobs.set(id, job as { id: string });
		return null;
	});
	reg.on('PUT', '/cluster/backup/{id}', (call) => {
		const job = call.world.cluster.backupJobs.get(String(call.params.id));
		if (!job) throw new ApiError(500, `Job '${call.params.id}' does not exist`);
		for (const key of String(call.params.delete ?? '').split(/[,;\s]+/).filter(Boolean)) delete job[key];
		for (const [k, v] of Object.entries(call.params)) if (!['id', 'delete', 'digest'].includes(k)) job[k] = Array.isArray(v) ? v.join(',') : v;
		return null;
	});
	reg.on('DELETE', '/cluster/backup/{id}', (call) => {
		if (!call.world.cluster.backupJobs.delete(String(call.params.id))) throw new ApiError(500, `job '${call.params.id}' not found`);
		return null;
	});
	reg.on('GET', '/nodes/{node}/tasks', listTasks);
	reg.on('GET', '/nodes/{node}/tasks/{upid}', (call) => {
		taskStatus(call);
		return [{ name: 'log' }, { name: 'status' }];
	});
	reg.on('GET', '/nodes/{node}/tasks/{upid}/status', taskStatus);
	reg.on('GET', '/nodes/{node}/tasks/{upid}/log', taskLog);
	reg.on('DELETE', '/nodes/{node}/tasks/{upid}', stopTask);
}
