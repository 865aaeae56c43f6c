import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { apiPath, type ProxmoxParams } from '../../../shared/proxmox';
import { resolveNodeName } from '../../helpers/guests';
import { asItems } from '../../helpers/results';
import { nodeLocator } from '../common.descriptions';
import type { OperationContext, ProxmoxOperation } from '../types';

/** A read of one endpoint below /nodes/{node}; each answer entry becomes an item tagged with the node. */
export function nodeRead(spec: {
	value: string;
	name: string;
	action: string;
	description: string;
	/** Path below /nodes/{node}, e.g. `/status`. */
	path: string;
	properties?: INodeProperties[];
	params?: (ctx: OperationContext) => ProxmoxParams;
	map?: (data: unknown, ctx: OperationContext) => IDataObject[];
}): ProxmoxOperation {
	return {
		value: spec.value,
		name: spec.name,
		action: spec.action,
		description: spec.description,
		safety: 'read',
		properties: [nodeLocator(), ...(spec.properties ?? [])],
		async execute(ctx) {
			const node = resolveNodeName(ctx);
			const data = await ctx.client.get(`${apiPath`/nodes/${node}`}${spec.path}`, spec.params?.(ctx));
			const items = spec.map ? spec.map(data, ctx) : asItems(data);
			return items.map((item) => ({ node, ...item }));
		},
	};
}
