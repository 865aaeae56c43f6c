import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { isUpid, type ProxmoxParams } from '../../shared/proxmox';
import { param, type OperationContext, type OperationResult } from '../actions/types';

/** A write's answer: a UPID becomes a task the router can wait for; anything else is returned. */
export function taskOrResult(data: unknown, extra: IDataObject = {}): OperationResult {
	if (isUpid(data)) return { ...extra, upid: data };
	if (data && typeof data === 'object' && !Array.isArray(data)) return { ...extra, ...(data as IDataObject) };
	return { ...extra, result: data as IDataObject[keyof IDataObject] };
}

/** Arrays become items; `returnAll`/`limit` cap them. */
export function limitItems<T>(ctx: OperationContext, list: T[]): T[] {
	const returnAll = param<boolean>(ctx, 'returnAll', false);
	if (returnAll) return list;
	const limit = param<number>(ctx, 'limit', 50);
	return list.slice(0, Math.max(1, limit));
}

export function asItems(data: unknown): IDataObject[] {
	if (Array.isArray(data)) return data.map((entry) => (entry && typeof entry === 'object' ? (entry as IDataObject) : { value: entry as string }));
	if (data && typeof data === 'object') return [data as IDataObject];
	return [{ result: (data ?? null) as IDataObject[keyof IDataObject] }];
}

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
