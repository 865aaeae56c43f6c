import { clusterRead } from './simple';

export const getNotBackedUp = clusterRead({
	value: 'getNotBackedUp',
	name: 'Get Guests Without Backup Job',
	action: 'Get guests not covered by any backup job',
	description: 'Lists the VMs and containers that no backup job includes (VMID, name, type). An empty result means every guest is covered. No inputs.',
	path: '/cluster/backup-info/not-backed-up',
});
