/**
 * The operation model every Proxmox action node (Proxmox VE, Proxmox Backup Server) is built
 * from, Airtable v2 style: one module per operation, grouped by resource, run by one router.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OperationSafety, SafetyVerdict } from '../aiGuard';
import type { ProxmoxClient } from '../proxmox';

/**
 * How much harm an operation can do, for AI tool use (nodes/shared/aiGuard.ts): reads are always
 * allowed, writes change state in a recoverable way, destructive ones lose data, interrupt
 * service (delete, rollback, hard stop/reset, restore over an existing guest, removing disks,
 * prune), change permissions or hand out secrets, and need an explicit opt-in.
 */
export type { OperationSafety, SafetyVerdict };

export interface OperationContext {
	fn: IExecuteFunctions;
	client: ProxmoxClient;
	itemIndex: number;
}

/** What an operation hands back: items, or a started task the router may wait for. */
export type OperationResult = IDataObject | IDataObject[] | { upid: string; [key: string]: unknown };

export interface ProxmoxOperation {
	/** Parameter value, e.g. `getMany`. */
	value: string;
	/** Option name shown in the UI, e.g. `Get Many`. */
	name: string;
	/** n8n "action" text, e.g. `Get many VMs`. */
	action: string;
	/** Written for a model: what it does, what it needs, what it returns. */
	description: string;
	safety: OperationSafety;
	/** The answer is a UPID: the router adds "Wait for Completion" and waits when asked. */
	startsTask?: boolean;
	/**
	 * Safety that depends on the parameters (e.g. "Force Stop After Timeout" makes a shutdown
	 * destructive, removing a disk makes Update Config destructive); may read the current state.
	 */
	safetyFor?: (ctx: OperationContext) => SafetyVerdict | Promise<SafetyVerdict>;
	/** When `safetyFor` is set: what makes a call destructive, for the README's safety table. */
	safetyRule?: string;
	/** Said in the refusal when this operation is refused to a model (another way to allow it). */
	refusalAdvice?: string;
	properties: INodeProperties[];
	execute(ctx: OperationContext): Promise<OperationResult>;
}

export interface ProxmoxResource {
	value: string;
	name: string;
	description: string;
	operations: ProxmoxOperation[];
}

export function param<T>(ctx: OperationContext, name: string, fallback?: T): T {
	return ctx.fn.getNodeParameter(name, ctx.itemIndex, fallback as never) as T;
}

export function locatorValue(ctx: OperationContext, name: string): string {
	return String(ctx.fn.getNodeParameter(name, ctx.itemIndex, undefined, { extractValue: true }) ?? '').trim();
}
