import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { readmeUrl } from '../shared/docs';
import { nodeProperties } from './actions/node.description';
import { router } from './actions/router';
import { credentialTest, listSearch } from './methods';

export class Proxmox implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Proxmox',
		name: 'proxmox',
		icon: { light: 'file:proxmox.svg', dark: 'file:proxmox.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Manage Proxmox VE: VMs, containers, nodes, storage, backups, tasks and the cluster',
		documentationUrl: readmeUrl('proxmox'),
		defaults: { name: 'Proxmox' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'proxmoxMcpApi', required: true, testedBy: 'proxmoxMcpApiTest' }],
		properties: nodeProperties,
	};

	methods = { listSearch, credentialTest };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
