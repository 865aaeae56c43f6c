import type { INodeProperties } from 'n8n-workflow';

import { resourceProperties, safetyFields } from '../../shared/actions/resource';
import { RESOURCES } from './registry';

const resourceSelector: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: RESOURCES.map((r) => ({ name: r.name, value: r.value, description: r.description })),
	default: 'datastore',
};

export const nodeProperties: INodeProperties[] = [
	resourceSelector,
	...RESOURCES.flatMap(resourceProperties),
	...safetyFields(RESOURCES, 'delete a backup group, snapshot or namespace, apply a prune, run a prune job, stop a task, API calls that delete, prune, change permissions, tokens, certificates or network, or read backup files'),
];
