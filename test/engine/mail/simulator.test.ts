/**
 * The Proxmox simulator's sendmail and smtp notification targets deliver real mail (rendered as
 * proxmox-notify / proxmox-sys email.rs do) through an SMTP server into Dovecot, and the Mail
 * Trigger turns it into the event a real cluster's mail would give.
 */
import type { IDataObject } from 'n8n-workflow';

import { startTrigger, type TriggerHandle } from '../../helpers/engine';
import { startDovecot, type Dovecot } from '../../simulators/mail/dovecot';
import { SmtpToDovecot } from '../../simulators/mail/smtpToDovecot';
import { startProxmoxSimulator, type ProxmoxSimulator } from '../../simulators/proxmox';
import { call, pbsToken, pveToken, waitTask } from '../../simulators/proxmox/tests/rawClient';

let dovecot: Dovecot;
let smtp: SmtpToDovecot;
const handles: TriggerHandle[] = [];
const sims: ProxmoxSimulator[] = [];

beforeAll(async () => {
	// root@pam's address in both simulated products is root@sim.local (Dovecot user "root").
	dovecot = await startDovecot({ users: { root: 'pw-root', ops: 'pw-ops', backup: 'pw-backup' } });
	smtp = await SmtpToDovecot.start({ lmtpPort: dovecot.lmtpPort });
}, 60000);

afterEach(async () => {
	for (const handle of handles.splice(0)) await handle.close();
	for (const sim of sims.splice(0)) await sim.close();
});

afterAll(async () => {
	await smtp?.close();
	await dovecot?.close();
});

async function watch(user: string, password: string) {
	const trigger = await startTrigger('proxmoxMailTrigger', { mailbox: 'INBOX', afterProcessing: 'markSeen', options: { keepaliveSeconds: 5 } } as never, {
		credentials: { proxmoxMcpImapApi: { host: '127.0.0.1', port: dovecot.imapPort, security: 'none', user, password, tlsMode: 'system' } },
	});
	handles.push(trigger);
	return trigger;
}

describe('simulator mail delivery', () => {
	it('sendmail target (mail-to-root, through the host MTA relay): a failed vzdump arrives as backup.job.failed with the failing guest', async () => {
		const sim = await startProxmoxSimulator({ unauthorizedDelayMs: 0, taskSpeed: 200, mailRelay: { host: smtp.host, port: smtp.port } });
		sims.push(sim);
		const trigger = await watch('root', 'pw-root');
		await sim.control.failNextBackup(100, 'no space left on device');
		const token = pveToken();
		const started = await call(sim, 'POST', '/nodes/pve1/vzdump', { token, form: { vmid: '100', storage: 'nfs-backup' } });
		await waitTask(sim, token, started.json.data).catch(() => undefined);
		const [[[item]]] = await trigger.waitForEmit(1, 20000);
		const json = item.json as IDataObject;
		expect(json).toMatchObject({
			source: 'email',
			severity: 'error',
			host: 'pve1',
			subject: 'vzdump backup status (pve1.sim.local): backup failed: no space left on device',
			from: { address: 'root@pve1.sim.local', name: 'Proxmox VE' },
			to: [{ address: 'root@sim.local', name: '' }],
			event: { type: 'backup.job.failed', node: 'pve1', vmid: 100, failedVmids: [100], error: 'no space left on device' },
		});
		expect((json.event as IDataObject).guests).toEqual([expect.objectContaining({ vmid: 100, ok: false, error: 'no space left on device' })]);
		const delivered = smtp.delivered.find((mail) => mail.raw.toString().includes('backup failed: no space left on device'))!;
		expect(delivered.raw.toString()).toContain('Auto-Submitted: auto-generated;');
		expect(delivered.raw.toString()).toMatch(/boundary="----_=_NextPart_001_\d+"/);
	});

	it('smtp target (own server, insecure mode, matcher on vzdump errors) sends to its mailto', async () => {
		const sim = await startProxmoxSimulator({ unauthorizedDelayMs: 0, taskSpeed: 200 });
		sims.push(sim);
		const token = pveToken();
		const created = await call(sim, 'POST', '/cluster/notifications/endpoints/smtp', {
			token,
			form: { name: 'ops-mail', server: smtp.host, port: String(smtp.port), mode: 'insecure', 'from-address': 'pve@sim.local', mailto: 'ops@example.test', author: 'PVE Cluster' },
		});
		expect(created.status).toBe(200);
		await call(sim, 'POST', '/cluster/notifications/matchers', { token, form: { name: 'backup-errors', target: 'ops-mail', 'match-severity': 'error', 'match-field': 'exact:type=vzdump' } });
		const trigger = await watch('ops', 'pw-ops');
		await sim.control.failNextBackup(101, 'VM is locked (snapshot)');
		const started = await call(sim, 'POST', '/nodes/pve1/vzdump', { token, form: { vmid: '101', storage: 'nfs-backup' } });
		await waitTask(sim, token, started.json.data).catch(() => undefined);
		const [[[item]]] = await trigger.waitForEmit(1, 20000);
		expect(item.json).toMatchObject({ from: { address: 'pve@sim.local', name: 'PVE Cluster' }, event: { type: 'backup.job.failed', failedVmids: [101] } });
		const test = await call(sim, 'POST', '/cluster/notifications/targets/ops-mail/test', { token });
		expect(test.status).toBe(200);
		const [, [[testItem]]] = await trigger.waitForEmit(2, 20000);
		expect(testItem.json.event).toMatchObject({ type: 'notification.test', target: 'ops-mail' });
	});

	it('vzdump with mailto (legacy path) mails the report directly as "vzdump backup tool", bypassing matchers', async () => {
		const sim = await startProxmoxSimulator({ unauthorizedDelayMs: 0, taskSpeed: 200, mailRelay: { host: smtp.host, port: smtp.port } });
		sims.push(sim);
		const token = pveToken();
		const trigger = await watch('ops', 'pw-ops');
		await sim.control.failNextBackup(100, 'unable to open disk image');
		const started = await call(sim, 'POST', '/nodes/pve1/vzdump', { token, form: { vmid: '100', storage: 'nfs-backup', mailto: 'ops@example.test' } });
		await waitTask(sim, token, started.json.data).catch(() => undefined);
		const [[[item]]] = await trigger.waitForEmit(1, 20000);
		expect(item.json).toMatchObject({
			from: { address: 'root@pve1.sim.local', name: 'vzdump backup tool' },
			to: [{ address: 'ops@example.test', name: '' }],
			event: { type: 'backup.job.failed', failedVmids: [100], error: 'unable to open disk image' },
		});
	});

	it('an smtp target whose server refuses fails the target test with the cause', async () => {
		const sim = await startProxmoxSimulator({ unauthorizedDelayMs: 0, taskSpeed: 200 });
		sims.push(sim);
		const token = pveToken();
		await call(sim, 'POST', '/cluster/notifications/endpoints/smtp', { token, form: { name: 'dead', server: '127.0.0.1', port: '1', mode: 'insecure', 'from-address': 'pve@sim.local', mailto: 'ops@example.test' } });
		const test = await call(sim, 'POST', '/cluster/notifications/targets/dead/test', { token });
		expect(test.status).toBe(500);
		expect(JSON.stringify(test.json)).toContain('could not notify via target(s): dead');
	});

	it('PBS garbage collection failure arrives as gc.failed', async () => {
		const sim = await startProxmoxSimulator({ product: 'pbs', unauthorizedDelayMs: 0, taskSpeed: 200, mailRelay: { host: smtp.host, port: smtp.port } });
		sims.push(sim);
		const token = pbsToken();
		await call(sim, 'PUT', '/config/notifications/endpoints/sendmail/mail-to-root', { token, form: { mailto: 'backup@example.test' } });
		const trigger = await watch('backup', 'pw-backup');
		await sim.control.failNextBackup('backup', 'unable to acquire lock on chunk store');
		const started = await call(sim, 'POST', '/admin/datastore/backup/gc', { token });
		await waitTask(sim, token, started.json.data).catch(() => undefined);
		const [[[item]]] = await trigger.waitForEmit(1, 20000);
		expect(item.json).toMatchObject({
			severity: 'error',
			from: { name: 'Proxmox Backup Server' },
			event: { type: 'gc.failed', datastore: 'backup', error: 'unable to acquire lock on chunk store' },
		});
	});
});
