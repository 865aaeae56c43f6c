import type { INodeProperties } from 'n8n-workflow';

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

const safetyFields: INodeProperties[] = [
	{
		displayName: 'Dry Run',
		name: 'dryRun',
		type: 'boolean',
		default: false,
		description:
			'Whether to output the exact request a change would send (method, URL, body) instead of sending it. Lookups such as finding a guest\'s node still run.',
	},
	{
		displayName: 'Allow Destructive Operations From AI',
		name: 'allowDestructiveFromAi',
		type: 'boolean',
		default: false,
		description:
			'Whether an AI agent using this node as a tool may run destructive operations (delete, rollback, stop, reset, restore over a guest, purge, commands in guests). Off: they are refused with an explanation.',
	},
];

export const nodeProperties: INodeProperties[] = [resourceSelector, ...RESOURCES.flatMap(resourceProperties), ...safetyFields];
