import { NodeOperationError } from 'n8n-workflow';

import { apiPath, storageIdProblem } from '../../../shared/proxmox';
import { resolveNodeName } from '../../helpers/guests';
import { locatorValue, type OperationContext } from '../types';

/** node + backup volume ID; the storage is the volume ID's prefix (`storage:backup/...`). */
export function backupVolume(ctx: OperationContext): { node: string; storage: string; volume: string; path: string } {
	const node = resolveNodeName(ctx);
	const volume = locatorValue(ctx, 'volume');
	const storage = volume.split(':')[0];
	if (!storage || !volume.includes(':') || storageIdProblem(storage)) {
		throw new NodeOperationError(ctx.fn.getNode(), `"${volume}" is not a volume ID (storage:backup/file)`, { itemIndex: ctx.itemIndex });
	}
	return { node, storage, volume, path: `${apiPath`/nodes/${node}/storage/${storage}/content`}/${encodeURIComponent(volume)}` };
}
