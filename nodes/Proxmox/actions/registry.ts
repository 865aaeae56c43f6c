import type { ProxmoxOperation, ProxmoxResource } from './types';
import { vmResource } from './vm/Vm.resource';

/** Every resource of the node, in the order the UI lists them. */
export const RESOURCES: ProxmoxResource[] = [vmResource];

export function findOperation(resource: string, operation: string): ProxmoxOperation | undefined {
	return RESOURCES.find((r) => r.value === resource)?.operations.find((op) => op.value === operation);
}
