import { apiPath } from '../../../shared/proxmox';
import { resolveNodeName } from '../../helpers/guests';
import { locatorValue, type OperationContext } from '../types';

export function storageBase(ctx: OperationContext): { node: string; storage: string; base: string } {
	const node = resolveNodeName(ctx);
	const storage = locatorValue(ctx, 'storage');
	return { node, storage, base: apiPath`/nodes/${node}/storage/${storage}` };
}
