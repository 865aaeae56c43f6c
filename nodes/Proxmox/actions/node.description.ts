import type { INodeProperties } from 'n8n-workflow';

import { safetyFields } from '../../shared/actions/resource';
import { RESOURCES } from './registry';
import { resourceProperties } from './resource';

const resourceSelector: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: RESOURCES.map((r) => ({ name: r.name, value: r.value, description: r.description })),
	default: 'vm',
};

export const nodeProperties: INodeProperties[] = [resourceSelector, ...RESOURCES.flatMap(resourceProperties), ...safetyFields('delete, rollback, stop, reset, restore over a guest, purge, commands in guests')];
