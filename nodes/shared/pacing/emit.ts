/**
 * The one way a trigger of this package starts an execution when it limits how many run at once:
 * `this.emit(data, undefined, donePromise)`. n8n settles the done promise once the execution
 * finished (trigger-execution-context.factory: settleDonePromise waits for the execution's
 * post-execute promise; in queue mode, that is when a worker reported the job finished), so a
 * Dispatcher with `maxInFlight` can hold the next message back until then.
 */
import type { INodeExecutionData, IRun, ITriggerFunctions } from 'n8n-workflow';

/**
 * Emits one execution. With `wait`, returns a promise that settles when it finished (never
 * rejects: a failed execution frees its slot too); without, returns undefined (fire and forget).
 */
export function emitExecution(context: ITriggerFunctions, data: INodeExecutionData[][], wait: boolean): Promise<void> | undefined {
	const done = wait ? context.helpers.createDeferredPromise<IRun>() : undefined;
	// `context.emit` is looked up on each call: in "Test step" n8n replaces it after trigger() returns.
	context.emit(data, undefined, done);
	return done?.promise.then(
		() => undefined,
		() => undefined,
	);
}
