/**
 * The Proxmox Mail Trigger in a real n8n 2.41.1: a published workflow watches a Dovecot mailbox;
 * the Proxmox simulator fails a backup and its smtp notification target mails the report through
 * an SMTP→LMTP bridge; the execution carries backup.job.failed with the failing guest.
 */
import { readFileSync } from 'node:fs';

import { startDovecot, type Dovecot } from '../simulators/mail/dovecot';
import { SmtpToDovecot } from '../simulators/mail/smtpToDovecot';
import { startProxmoxSimulator, type ProxmoxSimulator } from '../simulators/proxmox';
import { call, pveToken } from '../simulators/proxmox/tests/rawClient';
import { N8nClient, nodeOutput } from './client';
import { PACKAGE_NAME } from './n8n';

describe('Proxmox Mail Trigger in a real n8n', () => {
	const client = new N8nClient();
	let dovecot: Dovecot;
	let smtp: SmtpToDovecot;
	let sim: ProxmoxSimulator;

	beforeAll(async () => {
		dovecot = await startDovecot({ users: { reports: 'pw-reports' } });
		smtp = await SmtpToDovecot.start({ lmtpPort: dovecot.lmtpPort });
		sim = await startProxmoxSimulator({ unauthorizedDelayMs: 0, taskSpeed: 200 });
	}, 60_000);

	afterAll(async () => {
		await sim?.close();
		await smtp?.close();
		await dovecot?.close();
	});

	it('a failed backup mailed by the simulator starts an execution with backup.failed and the failing guest', async () => {
		const data = { host: '127.0.0.1', port: dovecot.imapsPort, security: 'tls', user: 'reports', authentication: 'password', password: 'pw-reports', tlsMode: 'fingerprint', fingerprint: dovecot.fingerprint };
		const credentialId = await client.createCredential({ name: 'e2e IMAP', type: 'proxmoxMcpImapApi', data });
		const tested = await client.testCredential({ id: credentialId, name: 'e2e IMAP', type: 'proxmoxMcpImapApi', data });
		expect(tested).toMatchObject({ status: 'OK', message: expect.stringContaining('Logged in as reports over TLS') });
		const workflow = await client.createWorkflow(
			{
				name: 'e2e: Proxmox Mail Trigger',
				nodes: [
					{
						id: 'c2c7d1e2-0000-4000-8000-00000000e001',
						name: 'Proxmox Mail Trigger',
						type: `${PACKAGE_NAME}.proxmoxMailTrigger`,
						typeVersion: 1,
						position: [0, 0],
						parameters: { mailbox: 'INBOX', afterProcessing: 'markSeen', filters: { proxmoxOnly: true } },
						credentials: { proxmoxMcpImapApi: {} },
					},
				],
				connections: {},
			},
			{ proxmoxMcpImapApi: { id: credentialId, name: 'e2e IMAP' } },
		);
		const token = pveToken();
		await call(sim, 'POST', '/cluster/notifications/endpoints/smtp', {
			token,
			form: { name: 'n8n-mail', server: smtp.host, port: String(smtp.port), mode: 'insecure', 'from-address': 'pve@sim.local', mailto: 'reports@example.test' },
		});
		await call(sim, 'POST', '/cluster/notifications/matchers', { token, form: { name: 'backups', target: 'n8n-mail', 'match-field': 'exact:type=vzdump' } });
		await client.publish(workflow);
		try {
			// n8n saves the trigger's static data once activation finished: the cursor is then set to "now".
			const deadline = Date.now() + 60_000;
			for (;;) {
				const saved = await client.api<{ staticData?: Record<string, { uidValidity?: string }> | null }>('GET', `/workflows/${workflow}`);
				if (saved.staticData?.['node:Proxmox Mail Trigger']?.uidValidity) break;
				if (Date.now() > deadline) {
					const log = readFileSync(client.state.logFile, 'utf8');
					throw new Error(`The published trigger did not start within 60 s:\n${log.split('\n').slice(-25).join('\n')}\n${dovecot.log}`);
				}
				await new Promise((resolve) => setTimeout(resolve, 250));
			}
			await sim.control.failNextBackup(100, 'no space left on device');
			const started = await call(sim, 'POST', '/nodes/pve1/vzdump', { token, form: { vmid: '100', storage: 'nfs-backup' } });
			expect(started.status).toBe(200);
			await smtp.waitForDelivered(1, 30_000);
			const [execution] = await client.waitForExecutions(workflow, 1, 60_000);
			expect(execution.status).toBe('success');
			const [item] = nodeOutput(execution.data, 'Proxmox Mail Trigger');
			expect(item).toMatchObject({
				source: 'email',
				severity: 'error',
				subject: 'vzdump backup status (pve1.sim.local): backup failed: no space left on device',
				event: { type: 'backup.job.failed', node: 'pve1', failedVmids: [100], guests: [{ vmid: 100, ok: false, error: 'no space left on device' }] },
			});
			// After Processing: Mark as Read.
			const seenBy = Date.now() + 30_000;
			while (!(await dovecot.messages('INBOX', 'reports')).every((mail) => mail.flags.includes('\\Seen'))) {
				if (Date.now() > seenBy) throw new Error('The processed mail was not marked as read');
				await new Promise((resolve) => setTimeout(resolve, 250));
			}
		} finally {
			await client.unpublish(workflow);
		}
	}, 150_000);
});
