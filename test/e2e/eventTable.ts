/**
 * The event log's n8n Data Table for tests and the benchmark: `proxmox_events`, with the columns of
 * the *Create event table* node of workflows/proxmox-event-log.json (the one definition both the
 * event log and the incident agent use). `n8n execute` (how tests run a workflow by hand) starts
 * without n8n's data-table module ("Attempted to use Data table node but the module is disabled"),
 * so the table is created through n8n's public API instead of by that node. Each call makes a table
 * of its own name, so a rerun against the same n8n starts from an empty table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { N8nClient, WorkflowJson } from './client';
import { PACKAGE_ROOT } from './n8n';

export const EVENT_TABLE = 'proxmox_events';

export interface EventTableColumn {
	name: string;
	type: 'string' | 'number' | 'boolean' | 'date';
}

/** The columns the event log workflow creates the table with. */
export function eventTableColumns(): EventTableColumn[] {
	const workflow = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'workflows', 'proxmox-event-log.json'), 'utf8')) as WorkflowJson;
	const create = workflow.nodes.find((node) => node.name === 'Create event table')!.parameters as { tableName: string; columns: { column: EventTableColumn[] } };
	if (create.tableName !== EVENT_TABLE) throw new Error(`the event log creates "${create.tableName}", not ${EVENT_TABLE}`);
	return create.columns.column;
}

/** Every Data Table node (and Data Table tool) of a workflow, with its table locator. */
export function dataTableNodes(workflow: WorkflowJson): Array<{ name: string; type: string; parameters: { dataTableId?: { value: string }; operation?: string; columns?: { value?: Record<string, unknown> } } }> {
	return workflow.nodes.filter((node) => /^n8n-nodes-base\.dataTable(Tool)?$/.test(String(node.type))) as never;
}

export interface EventTable {
	id: string;
	name: string;
	rows(): Promise<Array<Record<string, unknown>>>;
	insert(rows: Array<Record<string, unknown>>): Promise<void>;
}

/**
 * Creates a table like `proxmox_events` under a name of its own and points every Data Table node
 * of `workflows` that uses `proxmox_events` at it.
 */
export async function createEventTable(n8n: N8nClient, workflows: WorkflowJson[]): Promise<EventTable> {
	const name = `${EVENT_TABLE}_${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
	for (const workflow of workflows) {
		for (const node of dataTableNodes(workflow)) {
			const locator = node.parameters.dataTableId;
			if (!locator) continue;
			if (locator.value !== EVENT_TABLE) throw new Error(`${workflow.name} › ${node.name} uses the table "${locator.value}", not ${EVENT_TABLE}`);
			locator.value = name;
		}
	}
	const table = await n8n.api<{ id: string }>('POST', '/data-tables', { name, columns: eventTableColumns() });
	return {
		id: table.id,
		name,
		rows: async () => (await n8n.api<{ data: Array<Record<string, unknown>> }>('GET', `/data-tables/${table.id}/rows?limit=250`)).data,
		insert: async (rows) => {
			await n8n.api('POST', `/data-tables/${table.id}/rows`, { data: rows, returnType: 'count' });
		},
	};
}
