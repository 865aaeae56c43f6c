import type { INodePropertyOptions } from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import { apiPath, storageIdProblem } from '../../../shared/proxmox';
import { resolveNodeName } from '../../helpers/guests';
import { locatorValue, type OperationContext } from '../types';

export function storageBase(ctx: OperationContext): { node: string; storage: string; base: string } {
	const node = resolveNodeName(ctx);
	const storage = locatorValue(ctx, 'storage');
	const problem = storageIdProblem(storage);
	if (problem) throw new NodeOperationError(ctx.fn.getNode(), `Storage: "${storage.slice(0, 100)}" ${problem}`, { itemIndex: ctx.itemIndex });
	return { node, storage, base: apiPath`/nodes/${node}/storage/${storage}` };
}

/** What a file put on a storage (upload or URL download) can be: the API's `content` enum. */
export const FILE_CONTENT_OPTIONS: INodePropertyOptions[] = [
	{ name: 'ISO Image', value: 'iso' },
	{ name: 'Container Template', value: 'vztmpl' },
	{ name: 'Import (Disk Image or OVA)', value: 'import' },
];
