/**
 * The one way a trigger of this package starts an execution when it limits how many run at once:
 * `this.emit(data, undefined, donePromise)`. n8n settles the done promise once the execution
 * finished (trigger-execution-context.factory: settleDonePromise waits for the execution's
 * post-execute promise; in queue mode, that is when main saw the worker's job finish), so a
 * Dispatcher with `maxInFlight` can hold the next message back until then.
 */
import type { INodeExecutionData, IRun, ITriggerFunctions } from 'n8n-workflow';

/**
 * How long a slot waits for n8n at most. n8n 2.41.1 in queue mode can miss the end of a job that
 * a worker finished before main started waiting for it (main logs "Execution N (job N) finished"
 * before "Enqueued execution N", keeps N as running forever and never settles its done promise):
 * without this bound, each such miss would take one slot for good and the trigger would stall.
 */
export const EXECUTION_SLOT_TIMEOUT_MS = 5 * 60_000;

/**
 * Emits one execution. With `wait`, returns a promise that settles when it finished, or after
 * `slotTimeoutMs` at the latest (never rejects: a failed execution frees its slot too); without,
 * returns undefined (fire and forget).
 */
export function emitExecution(
	context: ITriggerFunctions,
	data: INodeExecutionData[][],
	wait: boolean,
	slotTimeoutMs = EXECUTION_SLOT_TIMEOUT_MS,
): Promise<void> | undefined {
	const done = wait ? context.helpers.createDeferredPromise<IRun>() : undefined;
	// `context.emit` is looked up on each call: in "Test step" n8n replaces it after trigger() returns.
	context.emit(data, undefined, done);
	if (!done) return undefined;
	return new Promise<void>((release) => {
		const timer = setTimeout(release, slotTimeoutMs);
		timer.unref?.();
		const settle = () => {
			clearTimeout(timer);
			release();
		};
		done.promise.then(settle, settle);
	});
}
