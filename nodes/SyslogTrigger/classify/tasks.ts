import type { ProxmoxEventInfo } from '../../shared/events';

/** `UPID:node:pid:pstart:starttime:type:id:user:` (pve-common src/PVE/UPID.pm). */
const TASK_LINE =
	/^(?:<([^>\s]+)> )?(starting|end) task (UPID:([a-zA-Z0-9][a-zA-Z0-9.-]*):[0-9A-Fa-f]{8}:[0-9A-Fa-f]{8,9}:[0-9A-Fa-f]{8}:([^:\s]+):([^:\s]*):([^:\s]+):)(?: (.*))?$/;

const GUEST_ACTIONS: Record<string, string> = {
	start: 'start',
	stop: 'stop',
	shutdown: 'shutdown',
	reboot: 'reboot',
	suspend: 'suspend',
	resume: 'resume',
	migrate: 'migrate',
	igrate: 'migrate',
	create: 'create',
	destroy: 'destroy',
};

export function guestAction(taskType: string): { action: string; guestType: 'qemu' | 'lxc' } | null {
	const prefix = taskType.slice(0, 2);
	if (prefix !== 'qm' && prefix !== 'vz') return null;
	const action = GUEST_ACTIONS[taskType.slice(2)];
	if (!action) return null;
	return { action, guestType: prefix === 'qm' ? 'qemu' : 'lxc' };
}

/** Task start/end lines every PVE daemon logs; guest tasks become `guest.<action>`. */
export function classifyTaskLine(message: string): ProxmoxEventInfo | null {
	const match = TASK_LINE.exec(message);
	if (!match) return null;
	const [, requestedBy, phaseWord, upid, node, taskType, id, user, status] = match;
	const phase = phaseWord === 'starting' ? 'start' : 'end';
	const guest = guestAction(taskType);
	const vmid = /^\d+$/.test(id) ? Number(id) : undefined;
	const event: ProxmoxEventInfo = {
		type: guest ? `guest.${guest.action}` : `task.${phase}`,
		node,
		upid,
		user,
		taskType,
		taskId: id || null,
		phase,
	};
	if (vmid !== undefined) event.vmid = vmid;
	if (guest) event.guestType = guest.guestType;
	if (requestedBy) event.requestedBy = requestedBy;
	if (phase === 'end') {
		const text = status ?? '';
		const warnings = /^WARNINGS: (\d+)$/.exec(text);
		event.status = text;
		event.success = text === 'OK' || warnings !== null;
		if (warnings) event.warnings = Number(warnings[1]);
	}
	return event;
}

/** vzdump's `INFO:`/`ERROR:` lines (pve-manager PVE/VZDump.pm), logged by vzdump or pvescheduler. */
export function classifyBackupLine(message: string): ProxmoxEventInfo | null {
	let match = /^INFO: starting new backup job: vzdump(?: (.*))?$/.exec(message);
	if (match) {
		const args = match[1] ?? '';
		const event: ProxmoxEventInfo = { type: 'backup.job.start', command: `vzdump ${args}`.trim() };
		const storage = /--storage (\S+)/.exec(args);
		if (storage) event.storage = storage[1];
		const guests = /^((?:\d+\s*)+)/.exec(args);
		if (guests) event.vmids = guests[1].trim().split(/\s+/).map(Number);
		if (/--all(?:\s+1)?\b/.test(args)) event.all = true;
		const mode = /--mode (\S+)/.exec(args);
		if (mode) event.mode = mode[1];
		return event;
	}
	match = /^INFO: Starting Backup of VM (\d+) \((\w+)\)/.exec(message);
	if (match) return { type: 'backup.guest.start', vmid: Number(match[1]), guestType: match[2] };
	match = /^INFO: Finished Backup of VM (\d+) \((\d+):(\d+):(\d+)\)/.exec(message);
	if (match) {
		const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4]);
		return { type: 'backup.guest.finish', vmid: Number(match[1]), durationSeconds: seconds };
	}
	match = /^ERROR: Backup of VM (\d+) failed - (.*)$/.exec(message);
	if (match) return { type: 'backup.guest.failed', vmid: Number(match[1]), error: match[2] };
	if (message === 'INFO: Backup job finished successfully') return { type: 'backup.job.finish', success: true };
	if (message === 'INFO: Backup job finished with errors') return { type: 'backup.job.failed', success: false };
	match = /^ERROR: (?:Backup job failed - )?(.*)$/.exec(message);
	if (match && /backup|vzdump/i.test(message)) return { type: 'backup.error', error: match[1] };
	return null;
}
