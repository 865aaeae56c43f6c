import type { INodeProperties } from 'n8n-workflow';

import { RESOURCES } from './registry';
import { resourceProperties } from './resource';
import type { OperationSafety, ProxmoxOperation, ProxmoxResource } from './types';

const resourceSelector: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: RESOURCES.map((r) => ({ name: r.name, value: r.value, description: r.description })),
	default: 'vm',
};

/**
 * The safety classes an operation can run as: its own, and destructive too for an operation whose
 * class depends on its parameters (an API Call's endpoint, a shutdown with forced stop, a restore
 * over an existing guest, Update Config removing a disk, a guest file outside the AI allow-list).
 * A per-call class only ever goes up from the operation's own (a read stays without Dry Run).
 */
export function possibleSafety(op: ProxmoxOperation): OperationSafety[] {
	return op.safetyFor ? [...new Set<OperationSafety>([op.safety, 'destructive'])] : [op.safety];
}

/**
 * "Dry Run" (for operations that change something) and "Allow Destructive Operations From AI"
 * (for destructive ones), shown only where they apply. Derived from the registry, so an operation
 * whose class changes gets or loses them with it. One copy per resource: operation values repeat
 * across resources (`delete`), so resource and operation cannot be listed in one condition.
 */
export function safetyFields(resources: ProxmoxResource[]): INodeProperties[] {
	const fields: INodeProperties[] = [];
	const field = (base: INodeProperties, applies: (classes: OperationSafety[]) => boolean) => {
		for (const resource of resources) {
			const operations = resource.operations.filter((op) => applies(possibleSafety(op))).map((op) => op.value);
			if (operations.length) fields.push({ ...base, displayOptions: { show: { resource: [resource.value], operation: operations } } });
		}
	};
	field(
		{
			displayName: 'Dry Run',
			name: 'dryRun',
			type: 'boolean',
			default: false,
			description:
				'Whether to output the exact request a change would send (method, URL, body) instead of sending it. Lookups such as finding a guest\'s node still run.',
		},
		(classes) => classes.includes('write') || classes.includes('destructive'),
	);
	field(
		{
			displayName: 'Allow Destructive Operations From AI',
			name: 'allowDestructiveFromAi',
			type: 'boolean',
			default: false,
			description:
				'Whether an AI agent using this node as a tool may run destructive operations (delete, rollback, stop, reset, restore over a guest, purge, commands in guests). Off: they are refused with an explanation.',
		},
		(classes) => classes.includes('destructive'),
	);
	return fields;
}

export const nodeProperties: INodeProperties[] = [resourceSelector, ...RESOURCES.flatMap(resourceProperties), ...safetyFields(RESOURCES)];
