/**
 * Storage > Upload File for real: n8n binary data goes up as multipart, pveproxy's upload path
 * (simulated) spools it, and the node waits for the imgcopy task.
 */
import type { IDataObject, INodeType } from 'n8n-workflow';
import { Agent, request } from 'undici';

import { registerNodeType, runWorkflow, START_NODE_TYPE } from '../../helpers/engine';
import { locator, NODE, startSim, stopSim, tokenCredentials, passwordCredentials } from './setup';
import type { ProxmoxSimulator } from '../../simulators/proxmox';

const payload = Buffer.from('ISO9660 uploaded from n8n '.repeat(200));

registerNodeType('test.isoFile', {
	description: {
		displayName: 'ISO File',
		name: 'isoFile',
		group: ['transform'],
		version: 1,
		description: 'Emits a file as binary data',
		defaults: { name: 'ISO File' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'File Name', name: 'fileName', type: 'string', default: 'tiny.iso' }],
	},
	async execute() {
		const binary = await this.helpers.prepareBinaryData(payload, this.getNodeParameter('fileName', 0) as string, 'application/octet-stream');
		return [[{ json: {}, binary: { data: binary } }]];
	},
} as INodeType);

describe('Proxmox Storage > Upload File', () => {
	let sim: ProxmoxSimulator;

	beforeAll(async () => {
		sim = await startSim();
	});
	afterAll(async () => await stopSim(sim));

	async function uploadWorkflow(fileName: string, credentials: ReturnType<typeof tokenCredentials>, extra: IDataObject = {}) {
		return await runWorkflow(
			{
				nodes: [
					{ name: 'Start', type: START_NODE_TYPE, parameters: { items: '[{}]' } },
					{ name: 'File', type: 'test.isoFile', parameters: { fileName } },
					{
						name: 'Upload',
						type: `n8n-nodes-proxmox-mcp.${NODE}`,
						parameters: { resource: 'storage', operation: 'upload', node: locator('pve1'), storage: locator('local'), binaryPropertyName: 'data', uploadContent: 'iso', ...extra },
					},
				],
				connections: {
					Start: { main: [[{ node: 'File', type: 'main', index: 0 }]] },
					File: { main: [[{ node: 'Upload', type: 'main', index: 0 }]] },
				},
			},
			{ credentials },
		);
	}

	/** The storage's ISO volumes, read straight from the simulator (not through the node under test). */
	async function isoVolumes(): Promise<Array<{ volid: string; size: number }>> {
		const agent = new Agent({ connect: { ca: sim.caPem } });
		try {
			const response = await request(`${sim.url}/api2/json/nodes/pve1/storage/local/content?content=iso`, {
				headers: { Authorization: `PVEAPIToken=${sim.token.id}=${sim.token.secret}` },
				dispatcher: agent,
			});
			return ((await response.body.json()) as { data: Array<{ volid: string; size: number }> }).data;
		} finally {
			await agent.close();
		}
	}

	it('uploads binary data with an API token and waits for the imgcopy task', async () => {
		const result = await uploadWorkflow('installer.iso', tokenCredentials(sim));
		const [item] = result.output('Upload');
		expect(item.json).toMatchObject({ node: 'pve1', storage: 'local', filename: 'installer.iso', bytes: payload.length });
		expect(String(item.json.upid)).toMatch(/:imgcopy::root@pam!sim:$/);
		expect(await isoVolumes()).toContainEqual(expect.objectContaining({ volid: 'local:iso/installer.iso', size: payload.length }));
	});

	it('uploads with a password ticket (pveproxy needs no CSRF token for uploads)', async () => {
		const result = await uploadWorkflow('ticket.iso', passwordCredentials(sim));
		expect(result.output('Upload')[0].json).toMatchObject({ filename: 'ticket.iso' });
		expect((await isoVolumes()).some((volume) => volume.volid === 'local:iso/ticket.iso')).toBe(true);
	});

	it('names the file name field when the extension does not fit the content type', async () => {
		const result = await uploadWorkflow('readme.txt', tokenCredentials(sim));
		let error: (Error & { description?: string; httpCode?: string }) | undefined;
		try {
			result.output('Upload');
		} catch (caught) {
			error = caught as typeof error;
		}
		expect(error?.httpCode).toBe('400');
		expect(error?.message).toBe('Parameter verification failed: filename: wrong file extension');
		expect(error?.description).toContain('filename: wrong file extension');
		expect((await isoVolumes()).some((volume) => volume.volid.endsWith('readme.txt'))).toBe(false);
	});
});
