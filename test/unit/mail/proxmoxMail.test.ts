/**
 * Proxmox VE / PBS mail recognition on fixtures written from the vendor formats
 * (reference/protocols.md §5.3-5.4, reference/proxmox.md §3.3-3.4).
 */
import { mailCorrelationKey, parseDuration, parseSize, recogniseProxmoxMail, type MailInput } from '../../../nodes/MailTrigger/proxmox';

const mail = (subject: string, text: string, from = 'root@pve1.example.com', fromName: string | null = 'Proxmox VE'): MailInput => ({ subject, text, fromAddress: from, fromName });

// PVE ≥ 8.1 vzdump-body.txt.hbs rendered by proxmox-notify (columns padded to the widest cell).
const NOTIFICATION_FAILED = `backup failed: multiple problems

Details
=======
VMID    Name        Status    Time       Size         Filename
100     web         ok        1m 12s     1.203 GiB    vzdump-qemu-100-2026_11_30-02_00_01.vma.zst
101     db          err       3s         0 B          null
102     ct-proxy    err       1s         0 B          null

Total running time: 1m 16s
Total size: 1.203 GiB

Logs
====
vzdump 100 101 102 --storage local --mode snapshot --compress zstd

100: 2026-11-30 02:00:01 INFO: Starting Backup of VM 100 (qemu)
100: 2026-11-30 02:01:13 INFO: Finished Backup of VM 100 (00:01:12)
101: 2026-11-30 02:01:13 INFO: Starting Backup of VM 101 (qemu)
101: 2026-11-30 02:01:16 ERROR: Backup of VM 101 failed - storage 'local' is full
102: 2026-11-30 02:01:16 INFO: Starting Backup of VM 102 (lxc)
102: 2026-11-30 02:01:17 ERROR: Backup of VM 102 failed - CT is locked (snapshot)
`;

const NOTIFICATION_OK = `
Details
=======
VMID    Name    Status    Time      Size          Filename
100     web     ok        42s       812.5 MiB     vm/100/2026-11-30T02:00:01Z

Total running time: 45s
Total size: 812.5 MiB

Logs
====
vzdump 100 --storage pbs1 --mode snapshot

100: 2026-11-30 02:00:01 INFO: Starting Backup of VM 100 (qemu)
`;

// PVE ≤ 8.0 legacy mail: printf "%-10s %-20s %-6s %10s %10s  %s" (PVE/VZDump.pm sendmail).
const LEGACY_FAILED = `VMID       NAME                 STATUS       TIME       SIZE  FILENAME
100        web                  ok       00:01:12     1.20GB  /var/lib/vz/dump/vzdump-qemu-100-2023_05_01-02_00_01.vma.zst
101        db                   err      00:00:03     0.00MB  -

Detailed backup logs:

vzdump 100 101 --mailto admin@example.com --storage local

100: 2023-05-01 02:00:01 INFO: Starting Backup of VM 100 (qemu)
101: 2023-05-01 02:01:16 ERROR: Backup of VM 101 failed - unable to open disk image
`;

describe('vzdump reports', () => {
	it('reads the notification-system format: backup.job.failed with the per-guest table and errors', () => {
		const recognised = recogniseProxmoxMail(mail('vzdump backup status (pve1.example.com): backup failed: multiple problems', NOTIFICATION_FAILED))!;
		expect(recognised.severity).toBe('error');
		expect(recognised.host).toBe('pve1');
		expect(recognised.event).toMatchObject({
			type: 'backup.job.failed',
			node: 'pve1',
			fqdn: 'pve1.example.com',
			status: 'backup failed: multiple problems',
			error: 'multiple problems',
			format: 'notification',
			vmids: [100, 101, 102],
			failedVmids: [101, 102],
			totalTime: '1m 16s',
			totalSeconds: 76,
			totalSize: '1.203 GiB',
		});
		expect(recognised.event.guests).toEqual([
			{ vmid: 100, name: 'web', status: 'ok', ok: true, duration: '1m 12s', durationSeconds: 72, size: '1.203 GiB', sizeBytes: Math.round(1.203 * 1024 ** 3), archive: 'vzdump-qemu-100-2026_11_30-02_00_01.vma.zst', error: null },
			{ vmid: 101, name: 'db', status: 'err', ok: false, duration: '3s', durationSeconds: 3, size: '0 B', sizeBytes: 0, archive: null, error: "storage 'local' is full" },
			{ vmid: 102, name: 'ct-proxy', status: 'err', ok: false, duration: '1s', durationSeconds: 1, size: '0 B', sizeBytes: 0, archive: null, error: 'CT is locked (snapshot)' },
		]);
	});

	it('reads a successful single-guest backup to PBS', () => {
		const recognised = recogniseProxmoxMail(mail('vzdump backup status (pve2.lab): backup successful', NOTIFICATION_OK))!;
		expect(recognised.severity).toBe('info');
		expect(recognised.event).toMatchObject({ type: 'backup.job.finish', node: 'pve2', vmid: 100, error: null, failedVmids: [], totalSeconds: 45 });
		expect((recognised.event.guests as Array<{ archive: string }>)[0].archive).toBe('vm/100/2026-11-30T02:00:01Z');
	});

	it('reads the legacy vzdump mail (space before the colon, fixed-width table)', () => {
		const recognised = recogniseProxmoxMail(mail('vzdump backup status (pve1.example.com) : backup failed', LEGACY_FAILED, 'root@pve1.example.com', 'vzdump backup tool'))!;
		expect(recognised.event).toMatchObject({ type: 'backup.job.failed', node: 'pve1', format: 'legacy', failedVmids: [101] });
		expect(recognised.event.guests).toEqual([
			{ vmid: 100, name: 'web', status: 'ok', ok: true, duration: '00:01:12', durationSeconds: 72, size: '1.20GB', sizeBytes: Math.round(1.2 * 1024 ** 3), archive: '/var/lib/vz/dump/vzdump-qemu-100-2023_05_01-02_00_01.vma.zst', error: null },
			{ vmid: 101, name: 'db', status: 'err', ok: false, duration: '00:00:03', durationSeconds: 3, size: '0.00MB', sizeBytes: 0, archive: null, error: 'unable to open disk image' },
		]);
	});

	it('reads a table whose failed guest has an empty Filename cell (trailing padding trimmed)', () => {
		const text = [
			'no space left on device',
			'',
			'Details',
			'=======',
			'VMID  Name         Status  Time    Size      Filename',
			'100   web          ok      1m 38s  1.20 GiB  vzdump-qemu-100-2026_11_30-02_00_01.vma.zst',
			'101   db-primary   err     3s      0 B',
			'',
			'Total running time: 1m 41s',
			'Total size: 1.20 GiB',
			'',
			'Logs',
			'====',
			'101: 2026-11-30 02:01:41 ERROR: Backup of VM 101 failed - no space left on device',
		].join('\n');
		const recognised = recogniseProxmoxMail(mail('vzdump backup status (pve1.sim.local): backup failed: no space left on device', text))!;
		expect(recognised.event.guests).toEqual([
			expect.objectContaining({ vmid: 100, name: 'web', ok: true, durationSeconds: 98, sizeBytes: Math.round(1.2 * 1024 ** 3), archive: 'vzdump-qemu-100-2026_11_30-02_00_01.vma.zst' }),
			expect.objectContaining({ vmid: 101, name: 'db-primary', status: 'err', ok: false, size: '0 B', archive: null, error: 'no space left on device' }),
		]);
		expect(recognised.event.error).toBe('no space left on device');
	});

	it('parses sizes and durations in both formats', () => {
		expect(parseSize('1 KiB')).toBe(1024);
		expect(parseSize('512.00MB')).toBe(512 * 1024 ** 2);
		expect(parseSize('n/a')).toBeNull();
		expect(parseDuration('1h 2m 3s')).toBe(3723);
		expect(parseDuration('1m')).toBe(60);
		expect(parseDuration('01:00:00')).toBe(3600);
		expect(parseDuration('soon')).toBeNull();
	});
});

describe('PBS reports', () => {
	const pbs = (subject: string, text: string) => recogniseProxmoxMail(mail(subject, text, 'root@pbs1.example.com', 'Proxmox Backup Server - pbs1'))!;

	it('garbage collection ok and failed', () => {
		const ok = pbs("Garbage Collect Datastore 'store1' successful", 'Datastore: store1\nTask ID: UPID:pbs1:000012AB:0001F2C3:00000002:6568F1A0:garbage_collection:store1:root@pam:\nIndex file count: 120\nRemoved garbage: 1.5 GiB\nDeduplication Factor: 12.30\n\nGarbage collection successful.\n\nPlease visit the web interface for further details:\n\n<https://pbs1.example.com:8007/#DataStore-store1>\n');
		expect(ok).toMatchObject({ severity: 'info', host: 'pbs1', event: { type: 'gc.finish', datastore: 'store1', storage: 'store1', node: 'pbs1', upid: expect.stringMatching(/^UPID:pbs1:/), details: { 'Removed garbage': '1.5 GiB', 'Deduplication Factor': '12.30' } } });
		const failed = pbs("Garbage Collect Datastore 'store1' failed", 'Datastore: store1\n\nGarbage collection failed: unable to acquire lock on chunk store\n');
		expect(failed).toMatchObject({ severity: 'error', event: { type: 'gc.failed', datastore: 'store1', error: 'unable to acquire lock on chunk store' } });
	});

	it('verify failed lists the snapshots', () => {
		const failed = pbs("Verify Datastore 'store1' failed", 'Job ID: v-3f2a\nDatastore: store1\n\nVerification failed on these snapshots/groups:\n\n  vm/100/2026-11-29T02:00:01Z\n  ct/102/2026-11-29T02:10:00Z\n\nPlease visit the web interface for further details:\n\n<https://pbs1.example.com:8007/#DataStore-store1>\n');
		expect(failed.event).toMatchObject({ type: 'verify.failed', jobId: 'v-3f2a', datastore: 'store1', failedSnapshots: ['vm/100/2026-11-29T02:00:01Z', 'ct/102/2026-11-29T02:10:00Z'] });
	});

	it('prune, sync (remote and local) and tape backup', () => {
		expect(pbs("Pruning datastore 'store1' failed", 'Job ID: p-1\nDatastore: store1\n\nPruning failed: permission check failed\n').event).toMatchObject({ type: 'prune.failed', jobId: 'p-1', error: 'permission check failed' });
		expect(pbs("Sync remote 'offsite' datastore 'archive' successful", 'Job ID: s-1\nDatastore: store1\nRemote: offsite\nRemote Store: archive\n\nSynchronization successful.\n').event).toMatchObject({ type: 'sync.finish', remote: 'offsite', remoteStore: 'archive', datastore: 'store1', jobId: 's-1' });
		expect(pbs("Sync local datastore 'store2' failed", 'Job ID: s-2\nDatastore: store1\n\nSynchronization failed: connection refused\n').event).toMatchObject({ type: 'sync.failed', remote: null, remoteStore: 'store2', error: 'connection refused' });
		expect(pbs("Tape Backup 'weekly' datastore 'store1' failed", 'Datastore: store1\nTape Pool: pool1\n\nTape Backup failed: drive not ready\n').event).toMatchObject({ type: 'tape-backup.failed', jobId: 'weekly', datastore: 'store1', error: 'drive not ready' });
		expect(pbs("Tape Backup datastore 'store1' successful   ", 'Datastore: store1\n').event).toMatchObject({ type: 'tape-backup.finish', datastore: 'store1' });
		expect(pbs("Load Media 'TAPE01' request for drive 'lto9'", 'Please insert media.\n')).toMatchObject({ severity: 'notice', event: { type: 'tape.load', label: 'TAPE01', deviceType: 'drive', device: 'lto9' } });
	});

	it('ACME renewal failure', () => {
		expect(pbs('Could not renew certificate', 'Proxmox Backup Server was not able to renew a TLS certificate.\n\nError: rate limited\n')).toMatchObject({ severity: 'error', event: { type: 'acme.failed', node: 'pbs1' } });
	});
});

describe('other PVE mails', () => {
	it('package updates with the package table', () => {
		const recognised = recogniseProxmoxMail(
			mail('New software packages available (pve1.example.com)', 'The following updates are available:\n\nPackage Name   Installed Version   Latest Version\npve-manager    8.2.4               8.2.7\nproxmox-ve     8.2.0               8.2.1\n'),
		)!;
		expect(recognised).toMatchObject({ severity: 'info', host: 'pve1', event: { type: 'package.updates', node: 'pve1' } });
		expect(recognised.event.updates).toEqual([
			{ package: 'pve-manager', installed: '8.2.4', latest: '8.2.7' },
			{ package: 'proxmox-ve', installed: '8.2.0', latest: '8.2.1' },
		]);
	});

	it('fencing and replication', () => {
		expect(recogniseProxmoxMail(mail("Successfully fenced node 'pve3'", 'The node pve3 was fenced.'))).toMatchObject({ severity: 'error', event: { type: 'node.fence', node: 'pve3', state: 'fenced' } });
		expect(recogniseProxmoxMail(mail("Trying to fence node 'pve3'", ''))!.event.state).toBe('fencing');
		const replication = recogniseProxmoxMail(mail("Replication Job: '100-0' failed", "Replication job '100-0' with target 'pve2' and schedule '*/15' failed!\n\nLast successful sync: 2026-11-30 01:45:00\nFailure count: 1\n\nError:\nmissing replicate feature on volume 'local-lvm:vm-100-disk-0'\n"))!;
		expect(replication.event).toMatchObject({ type: 'replication.failed', jobId: '100-0', vmid: 100, target: 'pve2', node: 'pve1', error: "missing replicate feature on volume 'local-lvm:vm-100-disk-0'" });
	});

	it('a target test, and unknown mail is null', () => {
		expect(recogniseProxmoxMail(mail('Test notification', "This is a test of the notification target 'mail-to-root'."))!.event).toEqual({ type: 'notification.test', target: 'mail-to-root' });
		expect(recogniseProxmoxMail(mail('Lunch on Friday?', 'Pizza?'))).toBeNull();
		expect(recogniseProxmoxMail(mail('Re: vzdump backup status (pve1): backup failed', 'what happened?'))).toBeNull();
	});
});

describe('event.key', () => {
	const at = Date.UTC(2026, 10, 30, 2, 7, 0) / 1000;
	it('uses the task-side backup type, the node and a 10-minute bucket', () => {
		expect(mailCorrelationKey({ type: 'backup.job.failed', node: 'pve1', vmid: 101 }, at)).toBe('proxmox:backup.job.failed:pve1:-:20261130T0200');
		expect(mailCorrelationKey({ type: 'backup.job.finish', node: 'pve1' }, at)).toBe('proxmox:backup.job.finish:pve1:-:20261130T0200');
	});
	it('keys PBS job results by datastore, not by the UPID the mail names (PBS push notifications carry none), and others by job/storage', () => {
		expect(mailCorrelationKey({ type: 'gc.finish', node: 'pbs1', storage: 'store1', upid: 'UPID:pbs1:1:2:3:4:garbage_collection:store1:root@pam:' }, at)).toBe('proxmox:gc.finish:pbs1:store1:20261130T0200');
		expect(mailCorrelationKey({ type: 'verify.failed', node: 'pbs1', storage: 'store1' }, at)).toBe('proxmox:verify.failed:pbs1:store1:20261130T0200');
		expect(mailCorrelationKey({ type: 'replication.failed', node: 'pve1', vmid: 100, jobId: '100-0' }, at)).toBe('proxmox:replication.failed:pve1:100:20261130T0200');
	});
});
