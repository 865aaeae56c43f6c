/** Safety class of every Gotify operation, for the package's AI gate (nodes/shared/aiGuard.ts). */
import { NodeOperationError, type IExecuteFunctions, type INodePropertyOptions } from 'n8n-workflow';

import type { OperationSafety } from '../shared/aiGuard';
import { gotifyProperties } from './description';

export const GOTIFY_SAFETY: Record<string, Record<string, OperationSafety>> = {
	message: { send: 'write', sendEvent: 'write', getMany: 'read', delete: 'destructive', deleteAll: 'destructive' },
	application: { getMany: 'read', create: 'write', update: 'write', delete: 'destructive' },
	server: { health: 'read', version: 'read' },
};

/** Gotify ids are positive integers (int64 in the server's model); anything else never reaches a path. */
export function gotifyId(context: IExecuteFunctions, value: unknown, field: string, itemIndex: number): number {
	const text = String(value ?? '').trim();
	if (!/^[1-9]\d{0,17}$/.test(text)) {
		throw new NodeOperationError(context.getNode(), `${field}: "${text.slice(0, 100)}" is not a Gotify ID (a whole number from 1)`, { itemIndex });
	}
	return Number(text);
}

/** `resource.operation` → its action text, read from the operation selectors of the description. */
export const GOTIFY_ACTIONS: Record<string, string> = Object.fromEntries(
	gotifyProperties
		.filter((property) => property.name === 'operation')
		.flatMap((property) =>
			((property.options ?? []) as INodePropertyOptions[]).map((option) => [`${String(property.displayOptions?.show?.resource?.[0])}.${String(option.value)}`, option.action ?? option.name]),
		),
);

/** Operations whose class is destructive (where the owner's opt-in is shown). */
export const GOTIFY_DESTRUCTIVE_OPERATIONS = [...new Set(Object.values(GOTIFY_SAFETY).flatMap((ops) => Object.entries(ops).filter(([, safety]) => safety === 'destructive').map(([op]) => op)))];
