/**
 * The Proxmox node's generated editor fields: "Dry Run" and "Allow Destructive Operations From AI"
 * show only for operations where they do something, derived from each operation's safety class in
 * the registry, the AI opt-in on the AI tool (`proxmoxTool`) only (checked with n8n-workflow's
 * displayParameter, the editor's own logic).
 */
import { NodeHelpers, type INode, type INodeProperties, type INodeTypeDescription } from 'n8n-workflow';

import { nodeProperties, possibleSafety, safetyFields } from '../../../nodes/Proxmox/actions/node.description';
import { RESOURCES } from '../../../nodes/Proxmox/actions/registry';
import type { ProxmoxOperation, ProxmoxResource } from '../../../nodes/Proxmox/actions/types';

const description = { name: 'proxmox', displayName: 'Proxmox', properties: nodeProperties } as unknown as INodeTypeDescription;
// What n8n generates for usableAsTool: the same description named `<name>Tool` (read by `@tool`).
const tool = { ...description, name: 'proxmoxTool', displayName: 'Proxmox Tool' } as INodeTypeDescription;
const node: INode = { id: '1', name: 'Proxmox', type: 'n8n-nodes-proxmox-mcp.proxmox', typeVersion: 1, position: [0, 0], parameters: {} };

/** Whether any copy of the field `name` in `properties` shows for this resource and operation (on the AI tool by default). */
function shows(properties: INodeProperties[], name: string, resource: string, operation: string, on: INodeTypeDescription = tool): boolean {
	const values = { resource, operation };
	return properties.filter((p) => p.name === name).some((p) => NodeHelpers.displayParameter(values, p, node, on, values));
}

const operations = RESOURCES.flatMap((resource) => resource.operations.map((op) => [resource.value, op.value, op] as const));

describe('Dry Run and Allow Destructive Operations From AI', () => {
	it.each(operations)('%s > %s shows them as its safety class says', (resource, operation, op) => {
		const classes = possibleSafety(op);
		expect({ dryRun: shows(nodeProperties, 'dryRun', resource, operation), allowAi: shows(nodeProperties, 'allowDestructiveFromAi', resource, operation) }).toEqual({
			dryRun: classes.includes('write') || classes.includes('destructive'),
			allowAi: classes.includes('destructive'),
		});
	});

	it('hides both on read-only operations such as VM > Get Many, shows Dry Run on writes and both on destructive ones', () => {
		expect(shows(nodeProperties, 'dryRun', 'vm', 'getMany')).toBe(false);
		expect(shows(nodeProperties, 'allowDestructiveFromAi', 'vm', 'getMany')).toBe(false);
		expect(shows(nodeProperties, 'dryRun', 'vm', 'createSnapshot')).toBe(true);
		expect(shows(nodeProperties, 'allowDestructiveFromAi', 'vm', 'createSnapshot')).toBe(false);
		expect(shows(nodeProperties, 'dryRun', 'vm', 'delete')).toBe(true);
		expect(shows(nodeProperties, 'allowDestructiveFromAi', 'vm', 'delete')).toBe(true);
	});

	it('shows the AI opt-in and the AI file allow-list on the AI tool only, Dry Run on both', () => {
		expect(shows(nodeProperties, 'allowDestructiveFromAi', 'vm', 'delete', description)).toBe(false);
		expect(shows(nodeProperties, 'aiReadablePaths', 'vm', 'agentFileRead', description)).toBe(false);
		expect(shows(nodeProperties, 'aiReadablePaths', 'vm', 'agentFileRead')).toBe(true);
		expect(shows(nodeProperties, 'dryRun', 'vm', 'delete', description)).toBe(true);
		expect(shows(nodeProperties, 'dryRun', 'vm', 'delete')).toBe(true);
	});

	it('follows a class change in the registry', () => {
		const op = (value: string, safety: ProxmoxOperation['safety']) => ({ value, name: value, action: value, description: value, safety, properties: [], execute: async () => ({}) }) as ProxmoxOperation;
		const before: ProxmoxResource[] = [{ value: 'thing', name: 'Thing', description: '', operations: [op('get', 'read'), op('update', 'write')] }];
		const after: ProxmoxResource[] = [{ value: 'thing', name: 'Thing', description: '', operations: [op('get', 'read'), op('update', 'destructive')] }];
		expect(shows(safetyFields(before), 'allowDestructiveFromAi', 'thing', 'update')).toBe(false);
		expect(shows(safetyFields(after), 'allowDestructiveFromAi', 'thing', 'update')).toBe(true);
		expect(shows(safetyFields(after), 'dryRun', 'thing', 'get')).toBe(false);
	});

	it('does not mix up operations of the same name on different resources', () => {
		const op = (value: string, safety: ProxmoxOperation['safety']) => ({ value, name: value, action: value, description: value, safety, properties: [], execute: async () => ({}) }) as ProxmoxOperation;
		const resources: ProxmoxResource[] = [
			{ value: 'a', name: 'A', description: '', operations: [op('delete', 'destructive')] },
			{ value: 'b', name: 'B', description: '', operations: [op('delete', 'read')] },
		];
		expect(shows(safetyFields(resources), 'allowDestructiveFromAi', 'a', 'delete')).toBe(true);
		expect(shows(safetyFields(resources), 'allowDestructiveFromAi', 'b', 'delete')).toBe(false);
	});
});
