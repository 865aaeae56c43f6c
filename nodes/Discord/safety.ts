/** Safety class of every Discord Webhook operation, for the package's AI gate (nodes/shared/aiGuard.ts). */
import type { INodePropertyOptions } from 'n8n-workflow';

import type { OperationSafety } from '../shared/aiGuard';
import { discordProperties } from './description';

/** Deleting a message loses it; sending and editing change only what this webhook posted. */
export const DISCORD_SAFETY: Record<string, OperationSafety> = { send: 'write', sendEvent: 'write', edit: 'write', get: 'read', delete: 'destructive' };

/** operation → its action text, read from the operation selector of the description. */
export const DISCORD_ACTIONS: Record<string, string> = Object.fromEntries(
	discordProperties
		.filter((property) => property.name === 'operation')
		.flatMap((property) => ((property.options ?? []) as INodePropertyOptions[]).map((option) => [String(option.value), option.action ?? option.name])),
);
