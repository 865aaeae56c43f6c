import type { ProxmoxEventInfo } from '../../shared/events';

function numberList(text: string | undefined): number[] {
	return text ? text.trim().split(/\s+/).filter(Boolean).map(Number) : [];
}

/** corosync lines: `[SUBSYS] text` with the subsystem padded to six characters. */
export function classifyCorosync(message: string): ProxmoxEventInfo | null {
	const match = /^\[(\w+)\s*\] (.*)$/.exec(message);
	if (!match) return null;
	const [, subsystem, text] = match;
	if (subsystem === 'KNET') {
		let knet = /link: host: (\d+) link: (\d+) is down/.exec(text);
		if (knet) return { type: 'cluster.link.down', hostId: Number(knet[1]), link: Number(knet[2]) };
		knet = /host: host: (\d+) has no active links/.exec(text);
		if (knet) return { type: 'cluster.link.down', hostId: Number(knet[1]), link: null, allLinksDown: true };
		knet = /rx: host: (\d+) link: (\d+) is up/.exec(text);
		if (knet) return { type: 'cluster.link.up', hostId: Number(knet[1]), link: Number(knet[2]) };
		return null;
	}
	if (subsystem === 'TOTEM') {
		const token = /Token has not been received in (\d+) ms/.exec(text);
		if (token) return { type: 'cluster.token.timeout', timeoutMs: Number(token[1]) };
		const membership = /A new membership \(([^)]+)\) was formed\. Members(?: joined: ([\d ]+?))?(?: left: ([\d ]+?))?\s*$/.exec(text);
		if (membership) {
			return { type: 'cluster.membership', ring: membership[1], joined: numberList(membership[2]), left: numberList(membership[3]) };
		}
		return null;
	}
	if (subsystem === 'QUORUM') {
		if (text.startsWith('This node is within the non-primary component')) return { type: 'cluster.quorum.lost', reporter: 'corosync' };
		if (text.startsWith('This node is within the primary component')) return { type: 'cluster.quorum.regained', reporter: 'corosync' };
	}
	return null;
}

const PMXCFS_ERROR_LEVELS = new Set(['emerg', 'alert', 'crit', 'error', 'err']);

/** pmxcfs (qb_log `[domain] level: text`, pve-cluster src/pmxcfs/pmxcfs.c). */
export function classifyPmxcfs(message: string): ProxmoxEventInfo | null {
	const match = /^\[(\w+)\] (\w+): (.*)$/.exec(message);
	if (!match) return null;
	const [, domain, level, text] = match;
	if (text === 'node lost quorum') return { type: 'cluster.quorum.lost', reporter: 'pmxcfs' };
	if (text === 'node has quorum') return { type: 'cluster.quorum.regained', reporter: 'pmxcfs' };
	if (PMXCFS_ERROR_LEVELS.has(level)) return { type: 'pmxcfs.error', domain, level, error: text };
	return null;
}

/** pve-ha-lrm / pve-ha-crm (pve-ha-manager src/PVE/HA/{LRM,CRM,Manager}.pm). */
export function classifyHa(appName: string, message: string): ProxmoxEventInfo | null {
	const daemon = appName === 'pve-ha-crm' ? 'crm' : 'lrm';
	let match = /^status change (\S+) => (\S+)$/.exec(message);
	if (match) return { type: 'ha.status', daemon, from: match[1], to: match[2] };
	match = /^node '([^']+)': state changed from '([^']+)' => '([^']+)'/.exec(message);
	if (match) return { type: 'ha.node.state', node: match[1], from: match[2], to: match[3] };
	match = /^service '([^']+)': state changed from '([^']+)' to '([^']+)'/.exec(message);
	if (match) {
		const event: ProxmoxEventInfo = { type: 'ha.service.state', sid: match[1], from: match[2], to: match[3] };
		const guest = /^(?:vm|ct):(\d+)$/.exec(match[1]);
		if (guest) event.vmid = Number(guest[1]);
		return event;
	}
	match = /^Start fencing node '([^']+)'/i.exec(message);
	if (match) return { type: 'node.fence', node: match[1], phase: 'start' };
	match = /^fencing: acknowledged - got agent lock for node '([^']+)'/.exec(message);
	if (match) return { type: 'node.fence', node: match[1], phase: 'acknowledged' };
	return null;
}
