/**
 * The one router of the Proxmox action nodes: runs the selected operation per item, with the
 * AI guard (nodes/shared/aiGuard.ts: destructive calls refused for a model unless opted in), dry run (writes
 * reported, not sent), "wait for completion" for operations that start a task, and
 * continueOnFail / pairedItem handling.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { guardAiUse, runsAsTool, verdictByReading, verdictSafety } from '../aiGuard';
import { DryRunInterrupt, ProxmoxTaskError, toNodeError, waitForTask, type ProxmoxClient, type ProxmoxClientOptions } from '../proxmox';
import { maskSecretFields } from './apiCallSafety';
import type { OperationContext, OperationSafety, ProxmoxOperation, ProxmoxResource } from './types';

export interface RouterOptions {
	resources: ProxmoxResource[];
	getClient(fn: IExecuteFunctions, options: ProxmoxClientOptions): Promise<ProxmoxClient>;
	/** "Proxmox", "Proxmox Backup Server": named in the AI refusal. */
	productName: string;
	/** Masks secret-named fields (passwords, keys, tokens, tickets) in every output item. */
	maskSecretFields?: boolean;
}

export function findOperation(resources: ProxmoxResource[], resource: string, operation: string): ProxmoxOperation | undefined {
	return resources.find((r) => r.value === resource)?.operations.find((op) => op.value === operation);
}

function isTaskResult(value: unknown): value is { upid: string } {
	return !!value && typeof value === 'object' && !Array.isArray(value) && typeof (value as { upid?: unknown }).upid === 'string';
}

async function runOne(op: ProxmoxOperation, ctx: OperationContext): Promise<IDataObject[]> {
	const result = await op.execute(ctx);
	const list = (Array.isArray(result) ? result : [result]) as IDataObject[];
	if (!op.startsTask || !ctx.fn.getNodeParameter('waitForCompletion', ctx.itemIndex, true)) return list;
	const timeoutMs = (ctx.fn.getNodeParameter('waitTimeout', ctx.itemIndex, 600) as number) * 1000;
	const out: IDataObject[] = [];
	// Several tasks (e.g. a backup job started on each node) are waited for one after the other,
	// all within the same budget.
	const deadline = Date.now() + timeoutMs;
	for (const entry of list) {
		if (!isTaskResult(entry)) {
			out.push(entry);
			continue;
		}
		const outcome = await waitForTask(ctx.client, entry.upid, { timeoutMs: Math.max(1000, deadline - Date.now()) });
		// Task fields get their own names so they never hide the operation's (a started VM's
		// node, type or status).
		out.push({
			...entry,
			upid: outcome.upid,
			taskNode: outcome.node,
			taskType: outcome.type,
			exitStatus: outcome.exitStatus,
			success: outcome.success,
			durationSeconds: outcome.durationSeconds,
		});
	}
	return out;
}

/** The node's execute(): runs the selected operation for every input item (Airtable v2 style). */
export function createRouter(options: RouterOptions): (this: IExecuteFunctions) => Promise<INodeExecutionData[][]> {
	return async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const op = findOperation(options.resources, resource, operation);
		if (!op) throw new NodeOperationError(this.getNode(), `Unknown operation ${resource}.${operation}`);
		const dryRun = this.getNodeParameter('dryRun', 0, false) as boolean;
		let client: ProxmoxClient | undefined;
		let safetyOfDryRun: OperationSafety = op.safety;
		const output: INodeExecutionData[] = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				client ??= await options.getClient(this, { dryRun });
				const ctx: OperationContext = { fn: this, client, itemIndex };
				// The per-call class matters only to the AI gate and the dry-run output (it may cost a read).
				const verdict = dryRun || runsAsTool(this) ? ((await op.safetyFor?.(ctx)) ?? op.safety) : op.safety;
				if (dryRun) safetyOfDryRun = verdictSafety(verdict);
				// A dry run stops writes; a read that is itself the harm is still gated.
				if (!dryRun || verdictByReading(verdict)) {
					guardAiUse(this, {
						action: op.action,
						key: `${resource}.${op.value}`,
						product: options.productName,
						verdict,
						itemIndex,
						advice: op.refusalAdvice,
						hasDryRun: true,
					});
				}
				for (const json of await runOne(op, ctx)) output.push({ json: options.maskSecretFields ? maskSecretFields(json) : json, pairedItem: { item: itemIndex } });
			} catch (error) {
				if (error instanceof DryRunInterrupt) {
					output.push({
						json: { dryRun: true, resource, operation, safety: safetyOfDryRun, request: error.request as unknown as IDataObject },
						pairedItem: { item: itemIndex },
					});
					continue;
				}
				const nodeError = toNodeError(this.getNode(), error, itemIndex);
				if (!this.continueOnFail()) throw nodeError;
				const json: IDataObject = { error: nodeError.message };
				if (nodeError.description) json.details = nodeError.description;
				if ('httpCode' in nodeError && nodeError.httpCode) json.httpCode = nodeError.httpCode;
				if (error instanceof ProxmoxTaskError) json.task = error.outcome as unknown as IDataObject;
				output.push({ json, pairedItem: { item: itemIndex } });
			}
		}
		return [output];
	};
}
