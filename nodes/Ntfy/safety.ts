/** Safety class of every ntfy operation, for the package's AI gate (nodes/shared/aiGuard.ts). */
import type { INodePropertyOptions } from 'n8n-workflow';

import type { OperationSafety } from '../shared/aiGuard';
import { ntfyProperties } from './description';

/** Publishing and clearing (a notification dismissed on devices) lose nothing: none is destructive. */
export const NTFY_SAFETY: Record<string, OperationSafety> = { publish: 'write', sendEvent: 'write', getMany: 'read', clear: 'write' };

export const NTFY_ACTIONS: Record<string, string> = Object.fromEntries(
	ntfyProperties
		.filter((property) => property.name === 'operation')
		.flatMap((property) => ((property.options ?? []) as INodePropertyOptions[]).map((option) => [String(option.value), option.action ?? option.name])),
);

/** ntfy sequence IDs follow the topic rule (1 to 64 letters, digits, "-" or "_"): they go into the path. */
const SEQUENCE_ID = /^[-_A-Za-z0-9]{1,64}$/;

export function sequenceIdProblem(value: string): string | undefined {
	return SEQUENCE_ID.test(value) ? undefined : `Sequence ID "${value.slice(0, 100)}" is not valid: use 1 to 64 letters, digits, "-" or "_"`;
}
