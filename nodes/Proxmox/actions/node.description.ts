import type { INodeProperties } from 'n8n-workflow';

import { possibleSafety, safetyFields as sharedSafetyFields } from '../../shared/actions/resource';
import { RESOURCES } from './registry';
import { resourceProperties } from './resource';
import type { ProxmoxResource } from './types';

export { possibleSafety };

const resourceSelector: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: RESOURCES.map((r) => ({ name: r.name, value: r.value, description: r.description })),
	default: 'vm',
};

/** "Dry Run" and "Allow Destructive Operations From AI", shown only where they apply (nodes/shared/actions). */
export function safetyFields(resources: ProxmoxResource[]): INodeProperties[] {
	return sharedSafetyFields(resources, 'delete, rollback, stop, reset, restore over a guest, purge, commands in guests');
}

export const nodeProperties: INodeProperties[] = [resourceSelector, ...RESOURCES.flatMap(resourceProperties), ...safetyFields(RESOURCES)];
