/**
 * The one gate between a model and destructive operations, for every action node of the package
 * (Proxmox, Gotify...). n8n runs a node as an AI tool under the generated `<name>Tool` type; there,
 * destructive operations are refused unless the workflow owner turned on
 * "Allow Destructive Operations From AI". Run by a person (not as a tool), nothing is refused.
 */
import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

/**
 * How much harm an operation can do, for AI tool use: reads are always allowed, writes change
 * state in a recoverable way, destructive ones lose data, interrupt service, change who may do
 * what, or hand out secrets, and need an explicit opt-in.
 */
export type OperationSafety = 'read' | 'write' | 'destructive';

/**
 * A safety class, optionally with the reason this call got it (shown when it is refused).
 * `byReading`: the harm is done by a read (a guest file, a secret), which a dry run still sends.
 */
export type SafetyVerdict = OperationSafety | { safety: OperationSafety; reason: string; byReading?: boolean };

export const ALLOW_DESTRUCTIVE_FROM_AI = 'allowDestructiveFromAi';

export function verdictSafety(verdict: SafetyVerdict): OperationSafety {
	return typeof verdict === 'string' ? verdict : verdict.safety;
}

export function verdictReason(verdict: SafetyVerdict): string | undefined {
	return typeof verdict === 'string' ? undefined : verdict.reason;
}

/** Whether the harm is done by a read (still gated in a dry run). */
export function verdictByReading(verdict: SafetyVerdict): boolean {
	return typeof verdict !== 'string' && verdict.byReading === true;
}

/** Whether n8n runs this node as an AI tool (the generated `<name>Tool` type). */
export function runsAsTool(fn: IExecuteFunctions): boolean {
	return fn.getNode().type.endsWith('Tool');
}

export interface GuardedCall {
	/** What the call does, e.g. `Delete a message`. */
	action: string;
	/** Operation key shown in the refusal, e.g. `message.delete`. */
	key: string;
	/** Product name, e.g. `Proxmox`. */
	product: string;
	verdict: SafetyVerdict;
	itemIndex: number;
	/** Extra advice in the refusal (e.g. another way to allow this call). */
	advice?: string;
	/** Whether the node has a "Dry Run" switch to suggest. */
	hasDryRun?: boolean;
}

/** Throws the refusal when a model asks for a destructive call the owner has not allowed. */
export function guardAiUse(fn: IExecuteFunctions, call: GuardedCall): void {
	if (verdictSafety(call.verdict) !== 'destructive' || !runsAsTool(fn)) return;
	if (fn.getNodeParameter(ALLOW_DESTRUCTIVE_FROM_AI, call.itemIndex, false) === true) return;
	const reason = verdictReason(call.verdict);
	throw new NodeOperationError(
		fn.getNode(),
		`Refused: "${call.action}" (${call.key}) is destructive${reason ? ` (${reason})` : ''} and this ${call.product} tool does not allow destructive operations from AI.`,
		{
			itemIndex: call.itemIndex,
			description: [
				`Ask a person to run it, or have the workflow owner turn on "Allow Destructive Operations From AI"${call.hasDryRun ? ' (or "Dry Run" to see the request it would send)' : ''}.`,
				call.advice,
			]
				.filter(Boolean)
				.join(' '),
		},
	);
}

/**
 * Shown on the `<name>Tool` variant only (n8n-workflow displayParameter reads `@tool` from the node
 * type's name): on a node that is not an AI tool, AI-only settings do nothing.
 */
export function onToolOnly(displayOptions?: INodeProperties['displayOptions']): NonNullable<INodeProperties['displayOptions']> {
	return { ...displayOptions, show: { ...displayOptions?.show, '@tool': [true] } };
}

/**
 * The owner's opt-in switch, for nodes that have destructive operations; shown on the AI tool only.
 * `noDataExpression`: no expression, and so no "let the model define this parameter" button ($fromAI)
 * on the tool: a model must never be able to opt itself in (n8n's editor offers the button on every
 * tool parameter except `options` and `noDataExpression` ones).
 */
export function allowDestructiveProperty(examples: string, displayOptions?: INodeProperties['displayOptions']): INodeProperties {
	return {
		displayName: 'Allow Destructive Operations From AI',
		name: ALLOW_DESTRUCTIVE_FROM_AI,
		type: 'boolean',
		default: false,
		noDataExpression: true,
		description: `Whether an AI agent using this node as a tool may run destructive operations (${examples}). Off: they are refused with an explanation.`,
		displayOptions: onToolOnly(displayOptions),
	};
}
