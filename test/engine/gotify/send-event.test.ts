/** Gotify "Send Event" through n8n's real engine against the Gotify simulator. */
import type { NodeOperationError } from 'n8n-workflow';

import { closeAllPools } from '../../../nodes/shared/transport';
import { runNode } from '../../helpers/engine';
import { startGotifySimulator, type GotifyApplication, type GotifySimulator } from '../../simulators/gotify';
import { analysis, backupFailure } from '../../unit/render/fixtures';

let sim: GotifySimulator;
let app: GotifyApplication;

afterEach(async () => {
	await sim?.close();
	await closeAllPools();
});

const credentials = () => ({ proxmoxMcpGotifyApi: { serverUrl: sim.url, appToken: app.token, clientToken: '', tlsMode: 'system' } });

describe('Gotify node: Send Event', () => {
	it('sends Markdown with priority from severity and a click URL; skips events below the minimum', async () => {
		sim = await startGotifySimulator();
		app = sim.createApplication('admin', 'Proxmox');
		const items = await runNode(
			'gotify',
			{ resource: 'message', operation: 'sendEvent', eventMinSeverity: 'warning', eventOptions: { guiUrl: 'https://pve1.example.com:8006' } },
			{ credentials: credentials(), items: [{ ...backupFailure, analysis }, { ...backupFailure, severity: 'notice' }] },
		);
		expect(items[0].json).toMatchObject({ sent: true, severity: 'error', appid: app.id, title: '[ERROR] pve1: backup.guest.failed 100 on pve1', priority: 9 });
		expect(items[1].json).toEqual({ sent: false, severity: 'notice', reason: 'Severity notice is below the minimum warning' });
		expect(sim.messages).toHaveLength(1);
		const [stored] = sim.messages;
		expect(stored.extras).toEqual({
			'client::display': { contentType: 'text/markdown' },
			'client::notification': { click: { url: 'https://pve1.example.com:8006/#v1:0:=node%2Fpve1:4' } },
		});
		expect(stored.message).toContain('- **Host:** pve1');
		expect(stored.message).toContain('```\nERROR: Backup of VM 100 failed - job failed with err -5 - Input/output error\n```');
		expect(stored.message).toContain('**Probable cause:** The NFS storage "backup-nas" went away during the backup.');
	});

	it('shows only the selected fields, and names the missing field of a non-event item', async () => {
		sim = await startGotifySimulator();
		app = sim.createApplication('admin', 'Proxmox');
		await runNode('gotify', { resource: 'message', operation: 'sendEvent', eventFields: ['type'] }, { credentials: credentials(), items: [{ ...backupFailure, analysis }] });
		expect(sim.messages[0].message).toBe('- **Event:** backup.guest.failed');
		const error = (await runNode('gotify', { resource: 'message', operation: 'sendEvent' }, { credentials: credentials(), items: [{ text: 'hi' }] }).catch((e: Error) => e)) as NodeOperationError;
		expect(error.message).toContain('The event has neither "message" nor "title"');
	});
});
