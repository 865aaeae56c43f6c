/**
 * Transport-level failures (the server was not reached, or did not answer properly), classified
 * so callers can decide whether a request is safe to repeat on another host.
 */
import { TlsFingerprintMismatchError } from './tls';

export type TransportErrorKind =
	| 'connection' // refused, unreachable, DNS: nothing reached the server
	| 'connectTimeout' // TCP/TLS connect did not finish: nothing reached the server
	| 'tls' // certificate verification or pin mismatch: nothing was sent
	| 'timeout' // the request was sent but no (complete) answer came in time
	| 'reset' // the connection broke after the request was (possibly) sent
	| 'aborted';

export class TransportError extends Error {
	constructor(
		message: string,
		readonly kind: TransportErrorKind,
		/** Whether request bytes may have reached the server (never resend non-idempotent requests then). */
		readonly requestMayHaveReachedServer: boolean,
		readonly code?: string,
		readonly presentedFingerprint?: string,
		/** `host:port` of the server this was about. */
		readonly target?: string,
	) {
		super(message);
		this.name = 'TransportError';
	}
}

/**
 * Errors raised while the connection was being set up (TCP connect, TLS handshake, pin check):
 * no request byte was written, so the request may go to another host whatever its method.
 */
const connectionSetupFailures = new WeakSet<object>();

export function markConnectionSetupFailure<T>(error: T): T {
	if (error && typeof error === 'object') connectionSetupFailures.add(error);
	return error;
}

function isConnectionSetupFailure(error: unknown): boolean {
	const seen = new Set<unknown>();
	let current = error as { cause?: unknown } | undefined;
	while (current && typeof current === 'object' && !seen.has(current)) {
		if (connectionSetupFailures.has(current)) return true;
		seen.add(current);
		current = current.cause as typeof current;
	}
	return false;
}

/** `host:port` of a URL, with the scheme's default port written out. */
export function hostAndPort(url: URL): string {
	return `${url.hostname}:${url.port || (url.protocol === 'https:' || url.protocol === 'wss:' ? '443' : '80')}`;
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EADDRNOTAVAIL']);
const TLS_CODE = /^(ERR_TLS|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|ERR_SSL|HOSTNAME_MISMATCH)/;

function errorCode(error: unknown): string | undefined {
	const seen = new Set<unknown>();
	let current = error as { code?: string; cause?: unknown } | undefined;
	while (current && !seen.has(current)) {
		seen.add(current);
		if (typeof current.code === 'string' && current.code !== 'UND_ERR_SOCKET') return current.code;
		current = current.cause as typeof current;
	}
	return (error as { code?: string })?.code;
}

/** Turns an undici/Node network error into a TransportError with a message a user can act on. */
export function classifyTransportError(error: unknown, target: string, timeoutMs: number): TransportError {
	if (error instanceof TransportError) return error;
	const pin = findCause(error, TlsFingerprintMismatchError);
	if (pin) return new TransportError(pin.message, 'tls', false, pin.code, pin.presented, target);
	const code = errorCode(error) ?? '';
	const detail = (error as Error)?.message ?? String(error);
	const make = (message: string, kind: TransportErrorKind, mayHaveReached: boolean, withCode?: string) =>
		new TransportError(message, kind, mayHaveReached, withCode, undefined, target);
	if (code === 'UND_ERR_ABORTED' || (error as Error)?.name === 'AbortError') {
		return make(`Request to ${target} was cancelled`, 'aborted', !isConnectionSetupFailure(error), code);
	}
	if (CONNECT_CODES.has(code)) {
		return make(`Cannot connect to ${target}: ${describeConnectCode(code)} (${code})`, 'connection', false, code);
	}
	if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
		return make(`Connecting to ${target} timed out`, 'connectTimeout', false, code);
	}
	if (TLS_CODE.test(code)) {
		return make(
			`TLS verification of ${target} failed: ${detail} (${code}). Use "Verify with Custom CA" with the server's CA, or pin its certificate fingerprint.`,
			'tls',
			false,
			code,
		);
	}
	if (isConnectionSetupFailure(error)) {
		// A reset or close on accept or during the TLS handshake: no request byte was written.
		return make(
			`Connection to ${target} was closed while connecting (TCP connect or TLS handshake, before any request was sent): ${detail}${code ? ` (${code})` : ''}`,
			'connection',
			false,
			code || undefined,
		);
	}
	if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'REQUEST_TIMEOUT') {
		return make(`${target} did not answer within ${timeoutMs} ms`, 'timeout', true, code);
	}
	return make(`Connection to ${target} failed: ${detail}${code ? ` (${code})` : ''}`, 'reset', true, code || undefined);
}

function describeConnectCode(code: string): string {
	switch (code) {
		case 'ECONNREFUSED':
			return 'connection refused (is the service running and the port right?)';
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return 'host name not found';
		default:
			return 'host unreachable';
	}
}

function findCause<T>(error: unknown, type: new (...args: never[]) => T): T | undefined {
	const seen = new Set<unknown>();
	let current = error as { cause?: unknown } | undefined;
	while (current && !seen.has(current)) {
		if (current instanceof type) return current as T;
		seen.add(current);
		current = current.cause as typeof current;
	}
	return undefined;
}
