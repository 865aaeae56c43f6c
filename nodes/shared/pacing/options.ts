/**
 * The options every stream trigger (Gotify, ntfy, Proxmox Stream) shows for its queue in front
 * of n8n, named as the Syslog Trigger names its own: Max Concurrent Executions and Queue Size.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

export const DEFAULT_MAX_CONCURRENT_EXECUTIONS = 10;
export const DEFAULT_QUEUE_SIZE = 10_000;

/** For a trigger's Options collection (alphabetical order is the caller's). */
export const streamPacingOptions: Record<'maxConcurrentExecutions' | 'queueSize', INodeProperties> = {
	maxConcurrentExecutions: {
		displayName: 'Max Concurrent Executions',
		name: 'maxConcurrentExecutions',
		type: 'number',
		default: DEFAULT_MAX_CONCURRENT_EXECUTIONS,
		typeOptions: { minValue: 0 },
		description:
			'Executions of this workflow started by the trigger that may run at once; further messages wait in the queue, in order. 0 means no limit (a burst then starts all its executions at once, which can exhaust the database connections of n8n).',
	},
	queueSize: {
		displayName: 'Queue Size',
		name: 'queueSize',
		type: 'number',
		default: DEFAULT_QUEUE_SIZE,
		typeOptions: { minValue: 1 },
		description:
			'Messages waiting for an execution at most. Before it is full the trigger stops reading the stream, and reads on (catching up from its cursor where the server keeps messages) once the queue drained, so nothing is lost.',
	},
};

export interface StreamPacing {
	maxInFlight: number;
	maxQueue: number;
}

/** The two options from a trigger's Options collection, with their defaults. */
export function readStreamPacing(options: IDataObject): StreamPacing {
	const maxInFlight = Number(options.maxConcurrentExecutions ?? DEFAULT_MAX_CONCURRENT_EXECUTIONS);
	const maxQueue = Number(options.queueSize ?? DEFAULT_QUEUE_SIZE);
	return {
		maxInFlight: Number.isFinite(maxInFlight) && maxInFlight > 0 ? Math.floor(maxInFlight) : 0,
		maxQueue: Number.isFinite(maxQueue) && maxQueue >= 1 ? Math.floor(maxQueue) : DEFAULT_QUEUE_SIZE,
	};
}
