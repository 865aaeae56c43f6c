import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { ProxmoxParams } from '../../../shared/proxmox';
import { asItems } from '../../helpers/results';
import type { OperationContext, ProxmoxOperation } from '../types';

/** A read of one cluster endpoint whose answer becomes items. */
export function clusterRead(spec: {
	value: string;
	name: string;
	action: string;
	description: string;
	path: string;
	properties?: INodeProperties[];
	params?: (ctx: OperationContext) => ProxmoxParams;
	map?: (data: unknown) => IDataObject[];
}): ProxmoxOperation {
	return {
		value: spec.value,
		name: spec.name,
		action: spec.action,
		description: spec.description,
		safety: 'read',
		properties: spec.properties ?? [],
		async execute(ctx) {
			const data = await ctx.client.get(spec.path, spec.params?.(ctx));
			return spec.map ? spec.map(data) : asItems(data);
		},
	};
}
