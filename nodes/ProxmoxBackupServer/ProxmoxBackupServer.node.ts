import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { nodeProperties } from './actions/node.description';
import { router } from './actions/router';
import { readmeUrl } from '../shared/docs';
import { credentialTest, listSearch } from './methods';

export class ProxmoxBackupServer implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Proxmox Backup Server',
		name: 'proxmoxBackupServer',
		icon: { light: 'file:proxmoxBackupServer.svg', dark: 'file:proxmoxBackupServer.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Manage Proxmox Backup Server: datastores, namespaces, backup groups and snapshots, garbage collection, verify, prune, sync and tasks',
		documentationUrl: readmeUrl('proxmoxBackupServer'),
		defaults: { name: 'Proxmox Backup Server' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'proxmoxMcpPbsApi', required: true, testedBy: 'proxmoxMcpPbsApiTest' }],
		properties: nodeProperties,
	};

	methods = { listSearch, credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
