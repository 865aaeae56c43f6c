import type { INodeProperties } from 'n8n-workflow';

import type { ProxmoxParams } from '../../shared/proxmox';
import { param, type OperationContext } from '../actions/types';

export { asItems, limitItems, taskOrResult } from '../../shared/actions/results';

/** "Additional Parameters": any API parameter by name, for options this node does not list. */
export function extraParameterFields(what: string): INodeProperties {
	return {
		displayName: 'Additional Parameters',
		name: 'extraParameters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Parameter',
		default: {},
		description: `Other ${what} parameters of the Proxmox API, by name (e.g. scsi1, tags, onboot)`,
		options: [
			{
				displayName: 'Parameter',
				name: 'parameter',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'onboot' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '', placeholder: '1' },
				],
			},
		],
	};
}

export function readExtraParameters(ctx: OperationContext): ProxmoxParams {
	const collection = param<{ parameter?: Array<{ name: string; value: string }> }>(ctx, 'extraParameters', {});
	const out: ProxmoxParams = {};
	for (const { name, value } of collection.parameter ?? []) {
		if (name.trim()) out[name.trim()] = value;
	}
	return out;
}
