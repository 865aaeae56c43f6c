/** ntfy "Send Event" through n8n's real engine against the ntfy simulator. */
import type { NodeOperationError } from 'n8n-workflow';

import { closeAllPools } from '../../../nodes/shared/transport';
import { runNode } from '../../helpers/engine';
import { startNtfySimulator, type NtfySimulator } from '../../simulators/ntfy';
import { analysis, backupFailure } from '../../unit/render/fixtures';

let sim: NtfySimulator;

afterEach(async () => {
	await sim?.close();
	await closeAllPools();
});

const credentials = () => ({ proxmoxMcpNtfyApi: { serverUrl: sim.url, authentication: 'none', tlsMode: 'system' } });

describe('ntfy node: Send Event', () => {
	it('publishes title, priority, emoji tags, Markdown, click URL and the two buttons', async () => {
		sim = await startNtfySimulator();
		const [item] = await runNode(
			'ntfy',
			{
				operation: 'sendEvent',
				topic: 'proxmox-alerts',
				eventOptions: { guiUrl: 'https://pve1.example.com:8006' },
				eventActions: { button: [{ label: 'Retry backup', url: 'https://n8n.example.com/webhook-waiting/42', method: 'POST' }, { label: 'Reject', url: '', method: 'POST' }] },
			},
			{ credentials: credentials(), items: [{ ...backupFailure, analysis }] },
		);
		expect(item.json).toMatchObject({
			sent: true,
			severity: 'error',
			event: 'message',
			topic: 'proxmox-alerts',
			title: '[ERROR] pve1: backup.guest.failed 100 on pve1',
			priority: 4,
			tags: ['x', 'floppy_disk', 'syslog', 'backup.guest.failed'],
			click: 'https://pve1.example.com:8006/#v1:0:=node%2Fpve1:4',
			content_type: 'text/markdown',
		});
		// The button with an empty URL is left out (a workflow's expression offers it only when it applies).
		expect(item.json.actions).toMatchObject([
			{ action: 'http', label: 'Retry backup', url: 'https://n8n.example.com/webhook-waiting/42', method: 'POST', clear: true },
			{ action: 'view', label: 'Open in Proxmox', url: 'https://pve1.example.com:8006/#v1:0:=node%2Fpve1:4' },
		]);
		expect(item.json.message).toContain('**Recommended actions:**');
		expect(sim.store.all()).toHaveLength(1);
	});

	it('skips below the minimum severity and checks topic and button URL', async () => {
		sim = await startNtfySimulator();
		const [skipped] = await runNode('ntfy', { operation: 'sendEvent', topic: 't', eventMinSeverity: 'error' }, { credentials: credentials(), items: [{ ...backupFailure, severity: 'warning' }] });
		expect(skipped.json).toEqual({ sent: false, severity: 'warning', reason: 'Severity warning is below the minimum error' });
		expect(sim.store.all()).toHaveLength(0);
		const badTopic = (await runNode('ntfy', { operation: 'sendEvent', topic: 'a b' }, { credentials: credentials(), items: [backupFailure] }).catch((e: Error) => e)) as NodeOperationError;
		expect(badTopic.message).toContain('Topic "a b" is not valid');
		const send = (button: Array<Record<string, string>>) => runNode('ntfy', { operation: 'sendEvent', topic: 't', eventActions: { button } }, { credentials: credentials(), items: [backupFailure] }).catch((e: Error) => e) as Promise<NodeOperationError>;
		expect((await send([{ label: 'Approve', url: 'javascript:alert(1)', method: 'POST' }])).message).toBe('Action button "Approve": URL "javascript:alert(1)" is not an http(s) URL');
		expect((await send([{ label: '', url: 'https://n8n.example.com/w', method: 'POST' }])).message).toBe('Action button 1 has a URL but no label');
		const four = ['a', 'b', 'c', 'd'].map((label) => ({ label, url: `https://n8n.example.com/${label}`, method: 'POST' }));
		expect((await send(four)).message).toBe('ntfy allows at most 3 action buttons; Action Buttons has 4');
		expect(sim.store.all()).toHaveLength(0);
	});
});
