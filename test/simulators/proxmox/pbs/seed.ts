import type { Datastore, PbsState } from './model';

const GiB = 1024 ** 3;

export function emptyPbs(): PbsState {
	return { datastores: new Map(), remotes: new Map(), syncJobs: new Map(), verifyJobs: new Map(), pruneJobs: new Map(), failures: new Map(), version: { version: '4.0.18', release: '4.0', repoid: '6d9c4e3b1a2f8e7d' } };
}

/** A datastore holding two weeks of backups of the PVE estate's guests. */
export function seedPbs(state: PbsState, now: number): void {
	const store: Datastore = { name: 'backup', path: '/mnt/datastore/backup', total: 8192 * GiB, used: 0, garbage: 0, comment: 'Main datastore', 'notification-mode': 'notification-system', snapshots: [], groupNotes: new Map() };
	const guests: Array<['vm' | 'ct', string, number]> = [['vm', '100', 32], ['vm', '101', 64], ['vm', '103', 32], ['vm', '105', 40], ['ct', '200', 8], ['ct', '201', 8], ['ct', '203', 16]];
	const day = 86400;
	const midnight = now - (now % day);
	for (const [type, id, gib] of guests) {
		for (let d = 14; d >= 1; d--) {
			const time = midnight - d * day + 3 * 3600 + Number(id) * 13;
			const size = Math.round(gib * GiB * (0.2 + (d % 3) * 0.01));
			const files = type === 'vm'
				? [{ filename: 'qemu-server.conf.blob', size: 512, 'crypt-mode': 'none' as const }, { filename: 'drive-scsi0.img.fidx', size, 'crypt-mode': 'none' as const }, { filename: 'index.json.blob', size: 390, 'crypt-mode': 'none' as const }]
				: [{ filename: 'pct.conf.blob', size: 280, 'crypt-mode': 'none' as const }, { filename: 'root.pxar.didx', size, 'crypt-mode': 'none' as const }, { filename: 'index.json.blob', size: 380, 'crypt-mode': 'none' as const }];
			store.snapshots.push({ type, id, time, size, owner: 'root@pam!pve-backup', protected: d === 14 && id === '101', notes: d === 14 && id === '101' ? 'before PostgreSQL upgrade' : '', verification: d > 2 ? { state: 'ok', upid: '' } : undefined, files });
		}
	}
	store.used = Math.round(store.snapshots.reduce((s, x) => s + x.size, 0) * 0.18);
	state.datastores.set(store.name, store);
	state.remotes.set('offsite', { name: 'offsite', host: 'pbs-offsite.example.net', port: 8007, 'auth-id': 'sync@pbs', fingerprint: 'AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99', comment: 'Offsite copy' });
	state.syncJobs.set('pull-offsite', { id: 'pull-offsite', store: 'backup', remote: 'offsite', 'remote-store': 'backup', schedule: 'daily', 'remove-vanished': false });
	state.verifyJobs.set('v-weekly', { id: 'v-weekly', store: 'backup', schedule: 'sat 03:00', 'ignore-verified': true, 'outdated-after': 30 });
	state.pruneJobs.set('p-daily', { id: 'p-daily', store: 'backup', schedule: 'daily', 'keep-daily': 7, 'keep-weekly': 4, 'keep-monthly': 6 });
}
