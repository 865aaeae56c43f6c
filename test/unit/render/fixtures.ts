/** Items the renderer tests and the notifier engine / e2e tests share. */
/** A Syslog Trigger item for a failed guest backup (classify/tasks.ts). */
export const backupFailure = {
	source: 'syslog',
	id: '4f1c2a9be0d17c33',
	timestamp: '2026-11-30T03:12:44.000Z',
	receivedAt: '2026-11-30T03:12:44.120Z',
	severity: 'error',
	host: 'pve1',
	title: 'backup.guest.failed 100 on pve1',
	message: 'ERROR: Backup of VM 100 failed - job failed with err -5 - Input/output error',
	event: { type: 'backup.guest.failed', vmid: 100, error: 'job failed with err -5 - Input/output error' },
	appName: 'vzdump',
};

export const analysis = {
	severity: 'error',
	summary: 'The nightly backup of VM 100 failed with an I/O error on the backup storage.',
	probableCause: 'The NFS storage "backup-nas" went away during the backup.',
	recommendedActions: [{ description: 'Retry the backup', node: 'Proxmox', resource: 'backup', operation: 'runNow', parameters: { vmid: 100 } }, 'Check the NAS'],
	evidence: ['task log: "Input/output error" at 03:12:44'],
	needsHuman: true,
};
