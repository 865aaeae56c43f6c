import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { waitFields } from './common.descriptions';
import type { ProxmoxOperation, ProxmoxResource } from './types';

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
