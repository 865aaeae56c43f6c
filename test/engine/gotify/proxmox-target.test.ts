/**
 * Gotify as Proxmox's notification target, end to end between simulators: the Proxmox VE
 * simulator's Gotify endpoint posts to the Gotify simulator, and the Gotify Trigger turns the
 * pushes into recognised Proxmox events.
 */
import { closeAllPools } from '../../../nodes/shared/transport';
import { startTrigger, type TriggerHandle } from '../../helpers/engine';
import { startGotifySimulator, type GotifySimulator } from '../../simulators/gotify';
import { startProxmoxSimulator, type ProxmoxSimulator } from '../../simulators/proxmox';
import { call, pveToken, waitTask } from '../../simulators/proxmox/tests/rawClient';

describe('Gotify Trigger fed by Proxmox notifications', () => {
	let pve: ProxmoxSimulator;
	let gotify: GotifySimulator;
	let trigger: TriggerHandle;
	const token = pveToken();

	beforeAll(async () => {
		pve = await startProxmoxSimulator({ unauthorizedDelayMs: 0, taskSpeed: 200 });
		gotify = await startGotifySimulator();
		const app = gotify.createApplication('admin', 'Proxmox');
		const client = gotify.createClient('admin', 'n8n');
		const created = await call(pve, 'POST', '/cluster/notifications/endpoints/gotify', { token, form: { name: 'gotify-n8n', server: gotify.url, token: app.token } });
		expect(created.status).toBe(200);
		trigger = await startTrigger('gotifyTrigger', { applications: [app.id] }, {
			credentials: { proxmoxMcpGotifyApi: { serverUrl: gotify.url, appToken: '', clientToken: client.token, tlsMode: 'system' } },
		});
		await gotify.waitForStreams(1);
	});

	afterAll(async () => {
		await trigger.close();
		await pve.close();
		await gotify.close();
		await closeAllPools();
	});

	it('turns the target test into a notification.test event', async () => {
		expect((await call(pve, 'POST', '/cluster/notifications/targets/gotify-n8n/test', { token })).status).toBe(200);
		const [[[item]]] = await trigger.waitForEmit(1);
		expect(item.json).toMatchObject({
			source: 'gotify',
			severity: 'info',
			title: 'Test notification',
			event: { type: 'notification.test', target: 'gotify-n8n' },
			application: 'Proxmox',
			contentType: 'text/markdown',
		});
	});

	it('recognises fencing and replication failures routed by a matcher', async () => {
		expect((await call(pve, 'POST', '/cluster/notifications/matchers', { token, form: { name: 'errors', target: 'gotify-n8n', 'match-severity': 'error' } })).status).toBe(200);
		await pve.control.emitNotification({ type: 'fencing', fields: { hostname: 'pve3' } });
		await pve.control.emitNotification({ type: 'replication', fields: { 'job-id': '105-0' } });
		await pve.control.emitNotification({ type: 'package-updates' });
		const emitted = await trigger.waitForEmit(3);
		const [fence, replication] = emitted.slice(1).map((emit) => emit[0][0].json);
		expect(fence).toMatchObject({ severity: 'error', priority: 9, event: { type: 'node.fence', node: 'pve3', state: 'fenced' } });
		expect(replication).toMatchObject({ severity: 'error', event: { type: 'replication.failed', jobId: '105-0', vmid: 105 } });
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(trigger.emitted).toHaveLength(3);
	});

	it('delivers a failed vzdump run as backup.job.failed with the guest table as text', async () => {
		pve.control.failNextBackup(100, 'no space left on device');
		const started = await call(pve, 'POST', '/nodes/pve1/vzdump', { token, form: { vmid: '100', storage: 'nfs-backup' } });
		await waitTask(pve, token, started.json.data);
		const emitted = await trigger.waitForEmit(4);
		const item = emitted[3][0][0].json;
		expect(item).toMatchObject({
			severity: 'error',
			host: 'pve1',
			title: 'vzdump backup status (pve1.sim.local): backup failed: no space left on device',
			event: { type: 'backup.job.failed', node: 'pve1', fqdn: 'pve1.sim.local', status: 'backup failed: no space left on device' },
		});
		expect(item.message).toContain('ERROR: Backup of VM 100 failed - no space left on device');
	});
});
