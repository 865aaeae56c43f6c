/** Safety class of every Email (SMTP) operation, for the package's AI gate (nodes/shared/aiGuard.ts). */
import type { INodePropertyOptions } from 'n8n-workflow';

import type { OperationSafety } from '../shared/aiGuard';
import { emailProperties } from './description';

/** Sending mail changes nothing already there: no operation is destructive. */
export const EMAIL_SAFETY: Record<string, OperationSafety> = { send: 'write', sendEvent: 'write' };

/** operation → its action text, read from the operation selector of the description. */
export const EMAIL_ACTIONS: Record<string, string> = Object.fromEntries(
	emailProperties
		.filter((property) => property.name === 'operation')
		.flatMap((property) => ((property.options ?? []) as INodePropertyOptions[]).map((option) => [String(option.value), option.action ?? option.name])),
);
