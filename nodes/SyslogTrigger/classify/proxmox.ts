import type { ProxmoxEventInfo } from '../../shared/events';
import { classifyCorosync, classifyHa, classifyPmxcfs } from './cluster';
import {
	classifyAuth,
	classifyKernel,
	classifyPvestatd,
	classifyQmeventd,
	classifySmartd,
	classifySystemd,
	classifyZed,
} from './host';
import { classifyBackupLine, classifyTaskLine } from './tasks';

export interface ClassifyInput {
	hostname: string | null;
	appName: string | null;
	severityCode: number | null;
	message: string;
}

/** Proxmox daemons whose errors become `service.error` when no more specific pattern matched. */
const PVE_SERVICES = new Set(['pveproxy', 'pvedaemon', 'pvestatd', 'pvescheduler', 'pve-firewall', 'spiceproxy', 'pve-guests']);

function bySource(appName: string, message: string): ProxmoxEventInfo | null {
	switch (appName) {
		case 'pvedaemon':
		case 'pveproxy':
			return classifyAuth(appName, message);
		case 'sshd':
			return classifyAuth(appName, message);
		case 'qmeventd':
			return classifyQmeventd(message);
		case 'pve-ha-lrm':
		case 'pve-ha-crm':
			return classifyHa(appName, message);
		case 'corosync':
			return classifyCorosync(message);
		case 'pmxcfs':
			return classifyPmxcfs(message);
		case 'pvestatd':
			return classifyPvestatd(message);
		case 'kernel':
			return classifyKernel(message);
		case 'zed':
			return classifyZed(message);
		case 'smartd':
			return classifySmartd(message);
		case 'systemd':
			return classifySystemd(message);
		default:
			return null;
	}
}

/**
 * Recognises well-known Proxmox VE host lines. Returns null for everything else; never throws.
 * `node` is the node the event is about: the UPID's node for tasks, the named node for HA node
 * and fencing events, otherwise the sending host.
 */
export function classifyProxmox(input: ClassifyInput): ProxmoxEventInfo | null {
	// rsyslog keeps the space after `tag:` in MSG when it relays 3164 lines as 5424.
	const message = input.message.trimStart();
	const appName = input.appName ?? '';
	let event: ProxmoxEventInfo | null = null;
	if (message.includes(' task UPID:')) event = classifyTaskLine(message);
	if (!event && (message.startsWith('INFO: ') || message.startsWith('ERROR: '))) event = classifyBackupLine(message);
	if (!event) event = bySource(appName, message);
	if (!event && PVE_SERVICES.has(appName) && input.severityCode !== null && input.severityCode <= 3) {
		event = { type: 'service.error', service: appName, error: message };
	}
	if (!event) return null;
	if (event.node === undefined) event.node = input.hostname ?? undefined;
	return event;
}

/** Every event type the classifier can produce, for the node's filter and the README. */
export const EVENT_TYPES = [
	'guest.start',
	'guest.stop',
	'guest.shutdown',
	'guest.reboot',
	'guest.suspend',
	'guest.resume',
	'guest.migrate',
	'guest.create',
	'guest.destroy',
	'guest.exit',
	'guest.cleanup',
	'guest.qmp.failed',
	'task.start',
	'task.end',
	'backup.job.start',
	'backup.job.finish',
	'backup.job.failed',
	'backup.guest.start',
	'backup.guest.finish',
	'backup.guest.failed',
	'backup.error',
	'ha.status',
	'ha.node.state',
	'ha.service.state',
	'node.fence',
	'cluster.quorum.lost',
	'cluster.quorum.regained',
	'cluster.link.down',
	'cluster.link.up',
	'cluster.token.timeout',
	'cluster.membership',
	'pmxcfs.error',
	'auth.failed',
	'auth.success',
	'oom.kill',
	'disk.error',
	'disk.smart',
	'zfs.error',
	'zfs.scrub.finish',
	'zfs.resilver.finish',
	'storage.offline',
	'storage.nfs.timeout',
	'network.link.down',
	'network.link.up',
	'pvestatd.slow',
	'pvestatd.error',
	'service.failed',
	'service.error',
] as const;
