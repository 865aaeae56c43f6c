import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { onToolOnly } from '../aiGuard';
import type { OperationSafety, ProxmoxOperation, ProxmoxResource } from './types';

/** Added by the resource builder to every operation that starts a task. */
export function waitFields(): INodeProperties[] {
	return [
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: true,
			description: 'Whether to wait until the task finishes and output its result; otherwise output the task ID (UPID) at once',
		},
		{
			displayName: 'Wait Timeout (Seconds)',
			name: 'waitTimeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 600,
			description: 'How long to wait before failing; the task itself keeps running',
			displayOptions: { show: { waitForCompletion: [true] } },
		},
	];
}

function withDisplay(property: INodeProperties, resource: string, operation: string): INodeProperties {
	const show: IDisplayOptions['show'] = { ...(property.displayOptions?.show ?? {}), resource: [resource], operation: [operation] };
	return { ...property, displayOptions: { ...property.displayOptions, show } };
}

const SAFETY_NOTE: Record<ProxmoxOperation['safety'], string> = {
	read: '',
	write: '',
	destructive: ' Destructive: refused when run by an AI agent unless "Allow Destructive Operations From AI" is on.',
};

/** The `operation` selector of a resource plus every operation's fields, shown for it only. */
export function resourceProperties(resource: ProxmoxResource): INodeProperties[] {
	const operations = [...resource.operations].sort((a, b) => a.name.localeCompare(b.name));
	// The default is computed (each resource's Get Many, or its first operation), which the rule cannot see.
	// eslint-disable-next-line n8n-nodes-base/node-param-default-missing
	const selector: INodeProperties = {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource.value] } },
		options: operations.map((op) => ({
			name: op.name,
			value: op.value,
			action: op.action,
			description: `${op.description}${SAFETY_NOTE[op.safety]}`,
		})),
		default: operations.find((op) => op.value === 'getMany')?.value ?? operations[0].value,
	};
	const fields = resource.operations.flatMap((op) =>
		[...op.properties, ...(op.startsTask ? waitFields() : [])].map((property) => withDisplay(property, resource.value, op.value)),
	);
	return [selector, ...fields];
}

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
 * (for destructive ones, on the AI tool only), shown only where they apply. Derived from the registry, so an operation
 * whose class changes gets or loses them with it. One copy per resource: operation values repeat
 * across resources (`delete`), so resource and operation cannot be listed in one condition.
 * `destructiveExamples` names the node's destructive operations in the AI opt-in's description.
 */
export function safetyFields(resources: ProxmoxResource[], destructiveExamples: string): INodeProperties[] {
	const fields: INodeProperties[] = [];
	const field = (base: INodeProperties, applies: (classes: OperationSafety[]) => boolean, toolOnly = false) => {
		for (const resource of resources) {
			const operations = resource.operations.filter((op) => applies(possibleSafety(op))).map((op) => op.value);
			const displayOptions = { show: { resource: [resource.value], operation: operations } };
			if (operations.length) fields.push({ ...base, displayOptions: toolOnly ? onToolOnly(displayOptions) : displayOptions });
		}
	};
	field(
		{
			displayName: 'Dry Run',
			name: 'dryRun',
			type: 'boolean',
			default: false,
			description:
				"Whether to output the exact request a change would send (method, URL, body) instead of sending it. Lookups such as finding a guest's node still run.",
		},
		(classes) => classes.includes('write') || classes.includes('destructive'),
	);
	field(
		{
			displayName: 'Allow Destructive Operations From AI',
			name: 'allowDestructiveFromAi',
			type: 'boolean',
			default: false,
			// No expression, so no $fromAI button on the tool: the model cannot opt itself in (aiGuard.ts).
			noDataExpression: true,
			description: `Whether an AI agent using this node as a tool may run destructive operations (${destructiveExamples}). Off: they are refused with an explanation.`,
		},
		(classes) => classes.includes('destructive'),
		true,
	);
	return fields;
}

/** "Return All" and "Limit" for list operations (read by limitItems). */
export function limitFields(): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
	];
}
