/** Gotify message extras and trigger items, including Proxmox notifications. */
import { buildExtras } from '../../../nodes/Gotify/operations';
import { gotifyEvent } from '../../../nodes/Gotify/event';
import { recogniseProxmoxNotification, unwrapCodeFence } from '../../../nodes/shared/stream';

describe('Gotify extras', () => {
	it('merges the options into the documented namespaces, over raw extras', () => {
		expect(
			buildExtras(
				{ markdown: true, clickUrl: 'https://a/', bigImageUrl: 'https://b/', intentUrl: 'https://c/' },
				{ 'client::notification': { click: { url: 'https://old/' }, keep: 1 }, 'x::y': 2 },
			),
		).toEqual({
			'client::display': { contentType: 'text/markdown' },
			'client::notification': { click: { url: 'https://a/' }, keep: 1, bigImageUrl: 'https://b/' },
			'android::action': { onReceive: { intentUrl: 'https://c/' } },
			'x::y': 2,
		});
		expect(buildExtras({}, {})).toEqual({});
	});
});

describe('Proxmox notifications', () => {
	it.each([
		['vzdump backup status (pve1.example.com): backup successful', '', { type: 'backup.job.finish', node: 'pve1' }, 'pve1'],
		['vzdump backup status (pve1): backup failed: multiple problems', '', { type: 'backup.job.failed', status: 'backup failed: multiple problems' }, 'pve1'],
		["Successfully fenced node 'pve3'", '', { type: 'node.fence', node: 'pve3', state: 'fenced' }, null],
		["Replication Job: '100-0' failed", '', { type: 'replication.failed', jobId: '100-0', vmid: 100 }, null],
		["Verify Datastore 'store1' failed", '', { type: 'verify.failed', storage: 'store1' }, null],
		['Test notification', "This is a test of the notification target 'gotify-n8n'.", { type: 'notification.test', target: 'gotify-n8n' }, null],
	])('recognises %s', (title, message, event, host) => {
		const recognised = recogniseProxmoxNotification(title, message);
		expect(recognised?.event).toMatchObject(event);
		expect(recognised?.host).toBe(host);
	});

	it('leaves other messages alone', () => {
		expect(recogniseProxmoxNotification('Test notification', 'from my script')).toBeNull();
		expect(recogniseProxmoxNotification('Backup', 'done')).toBeNull();
		expect(recogniseProxmoxNotification(null, 'x')).toBeNull();
	});

	it('unwraps the code fence of Proxmox Gotify bodies only', () => {
		expect(unwrapCodeFence('```\nline 1\nline 2\n```')).toBe('line 1\nline 2');
		expect(unwrapCodeFence('plain `code`')).toBe('plain `code`');
	});

	it('maps Proxmox priorities back to severities', () => {
		const at = (priority: number) => gotifyEvent({ id: 1, appid: 1, message: 'x', priority, date: '2026-11-25T10:00:00Z' }, 'PVE').severity;
		expect([1, 3, 5, 9].map(at)).toEqual(['info', 'notice', 'warning', 'error']);
	});
});
