/**
 * When a request may move on to the next host of a cluster. Only repeat what is safe: anything
 * whose bytes never reached a server, and idempotent reads; never a POST/PUT/DELETE that may have
 * arrived (it could run twice, e.g. two clones or two backups).
 */
import { TransportError } from '../transport';

/** pveproxy's synthetic codes for a failed proxy hop to another node. */
export const PROXY_FAILURE_STATUSES = new Set([595, 596]);

export function isSafeToRepeat(method: string): boolean {
	return method === 'GET' || method === 'HEAD';
}

export function shouldFailOver(method: string, failure: { error?: unknown; status?: number }): boolean {
	if (failure.error instanceof TransportError) {
		const error = failure.error;
		if (error.kind === 'tls' || error.kind === 'aborted') return false;
		if (!error.requestMayHaveReachedServer) return true;
		return (error.kind === 'timeout' || error.kind === 'reset') && isSafeToRepeat(method);
	}
	if (failure.status !== undefined) return PROXY_FAILURE_STATUSES.has(failure.status) && isSafeToRepeat(method);
	return false;
}
