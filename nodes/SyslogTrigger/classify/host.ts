import type { ProxmoxEventInfo } from '../../shared/events';

/** `::ffff:192.0.2.55` (IPv4 seen through an IPv6 socket) to `192.0.2.55`. */
export function plainIp(address: string): string {
	return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** pvedaemon/pveproxy (pve-access-control) and sshd logins. */
export function classifyAuth(appName: string, message: string): ProxmoxEventInfo | null {
	if (appName === 'sshd') {
		const ssh = /^Failed (\S+) for (invalid user )?(\S+) from (\S+) port (\d+)/.exec(message);
		if (!ssh) return null;
		return {
			type: 'auth.failed',
			service: 'sshd',
			user: ssh[3],
			sourceIp: plainIp(ssh[4]),
			sourcePort: Number(ssh[5]),
			method: ssh[1],
			invalidUser: ssh[2] !== undefined,
		};
	}
	const failure = /^authentication failure;(?: rhost=(\S*))?(?: user=(\S*))?(?: msg=(.*))?$/.exec(message);
	if (failure) {
		return {
			type: 'auth.failed',
			service: appName,
			user: failure[2] || undefined,
			sourceIp: failure[1] ? plainIp(failure[1]) : null,
			reason: failure[3] ?? null,
		};
	}
	const success = /^(?:<[^>]+> )?successful auth for user '([^']+)'/.exec(message);
	if (success) return { type: 'auth.success', service: appName, user: success[1] };
	return null;
}

/** qmeventd logs when a VM's QEMU process has exited and it cleans up after it. */
export function classifyQmeventd(message: string): ProxmoxEventInfo | null {
	let match = /^Starting cleanup for (\d+)/.exec(message);
	if (match) return { type: 'guest.exit', vmid: Number(match[1]), guestType: 'qemu' };
	match = /^Finished cleanup for (\d+)/.exec(message);
	if (match) return { type: 'guest.cleanup', vmid: Number(match[1]), guestType: 'qemu' };
	return null;
}

/** pvestatd (pve-manager PVE/Service/pvestatd.pm). */
export function classifyPvestatd(message: string): ProxmoxEventInfo | null {
	let match = /^status update time \(([\d.]+) seconds\)/.exec(message);
	if (match) return { type: 'pvestatd.slow', seconds: Number(match[1]) };
	match = /^storage '([^']+)' is not online/.exec(message);
	if (match) return { type: 'storage.offline', storage: match[1] };
	match = /^status update error: (.*)$/.exec(message);
	if (match) return { type: 'pvestatd.error', error: match[1] };
	match = /^VM (\d+) qmp command failed - (.*)$/.exec(message);
	if (match) return { type: 'guest.qmp.failed', vmid: Number(match[1]), error: match[2] };
	return null;
}

/** Kernel lines: OOM kills, disk, ZFS, NIC and NFS trouble. */
export function classifyKernel(message: string): ProxmoxEventInfo | null {
	let match = /(?:Out of memory|Memory cgroup out of memory): Killed process (\d+) \(([^)]*)\)/.exec(message);
	if (match) {
		const event: ProxmoxEventInfo = { type: 'oom.kill', pid: Number(match[1]), process: match[2] };
		const memory = /total-vm:(\d+)kB/.exec(message);
		if (memory) event.totalVmKb = Number(memory[1]);
		return event;
	}
	match = /I\/O error, dev (\w+), sector (\d+)/.exec(message);
	if (match) return { type: 'disk.error', device: match[1], sector: Number(match[2]) };
	match = /^Buffer I\/O error on dev(?:ice)? (\w+)/.exec(message);
	if (match) return { type: 'disk.error', device: match[1] };
	match = /^(ata\d+(?:\.\d+)?): (?:failed command|exception Emask|status: \{ DRDY ERR)/.exec(message);
	if (match) return { type: 'disk.error', device: match[1] };
	match = /^(EXT4|XFS|BTRFS)(?:-fs)? (?:error|\(\w+\): (?:error|Corruption))[^(]*(?:\(device (\w+)\))?/i.exec(message);
	if (match) return { type: 'disk.error', filesystem: match[1].toLowerCase(), device: match[2] ?? null };
	match = /^zio pool=(\S+) vdev=(\S+) error=(\d+)/.exec(message);
	if (match) return { type: 'zfs.error', pool: match[1], vdev: match[2], errno: Number(match[3]) };
	match = /^(?:\S+ \S+ )?(\S+): NIC Link is (Down|Up)/.exec(message);
	if (match) return { type: match[2] === 'Down' ? 'network.link.down' : 'network.link.up', interface: match[1] };
	match = /^nfs: server (\S+) not responding/.exec(message);
	if (match) return { type: 'storage.nfs.timeout', server: match[1] };
	return null;
}

const ZFS_ERROR_CLASSES = new Set(['io', 'checksum', 'data', 'probe_failure', 'deadman', 'delay', 'pool_failed', 'zpool_failed']);
const HEALTHY_VDEV_STATES = new Set(['ONLINE', 'HEALTHY']);

/** ZFS event daemon lines (`eid=N class=X pool='p' vdev=d vdev_state=S`, zed all-syslog.sh). */
export function classifyZed(message: string): ProxmoxEventInfo | null {
	if (!message.startsWith('eid=')) return null;
	const fields: Record<string, string> = {};
	for (const pair of message.matchAll(/(\w+)=('[^']*'|\S+)/g)) fields[pair[1]] = pair[2].replace(/^'(.*)'$/, '$1');
	const zfsClass = fields.class ?? '';
	const base = { pool: fields.pool ?? null, vdev: fields.vdev ?? null, eventId: Number(fields.eid) };
	if (ZFS_ERROR_CLASSES.has(zfsClass)) return { type: 'zfs.error', class: zfsClass, ...base };
	if (zfsClass === 'statechange' && fields.vdev_state && !HEALTHY_VDEV_STATES.has(fields.vdev_state)) {
		return { type: 'zfs.error', class: zfsClass, vdevState: fields.vdev_state, ...base };
	}
	if (zfsClass === 'scrub_finish' || zfsClass === 'resilver_finish') return { type: `zfs.${zfsClass.replace('_', '.')}`, ...base };
	return null;
}

/** smartd problems on a device. */
export function classifySmartd(message: string): ProxmoxEventInfo | null {
	const match = /^Device: (\S+)(?: \[[^\]]*\])?, (.*)$/.exec(message);
	if (!match) return null;
	if (!/unreadable|uncorrectable|FAILED|failed|error count increased|ErrorCount/i.test(match[2])) return null;
	return { type: 'disk.smart', device: match[1], problem: match[2] };
}

/** systemd reports a unit that failed (e.g. pveproxy.service). */
export function classifySystemd(message: string): ProxmoxEventInfo | null {
	let match = /^(\S+)\.service: Failed with result '([^']+)'/.exec(message);
	if (match) return { type: 'service.failed', service: match[1], result: match[2] };
	match = /^Failed to start (\S+)\.service/.exec(message);
	if (match) return { type: 'service.failed', service: match[1], result: 'start-failed' };
	return null;
}
