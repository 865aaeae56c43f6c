/**
 * Proxmox API failures and their translation into n8n errors. Proxmox puts its message in the
 * HTTP reason phrase and, for handler errors, in the body's `message`; parameter validation adds
 * `errors: {param: msg}` (pve-http-server Formatter/Standard.pm); PBS sends the message as a plain
 * body. Every text is redacted.
 */
import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { TransportError, type Redactor } from '../transport';

export interface MissingPermission {
	path?: string;
	privileges?: string[];
	/** For checks like "user != root@pam". */
	requirement?: string;
}

export class ProxmoxApiError extends Error {
	constructor(
		message: string,
		readonly status: number,
		readonly method: string,
		readonly path: string,
		readonly host: string,
		readonly parameterErrors: Record<string, string> = {},
	) {
		super(message);
		this.name = 'ProxmoxApiError';
	}

	/**
	 * What to grant, when the client knows better than the answer (PBS names no privilege in its
	 * 403): shown instead of the hint derived from the message.
	 */
	permissionHint?: string;

	get missingPermission(): MissingPermission | undefined {
		return this.status === 403 ? parseMissingPermission(this.message) : undefined;
	}
}

/** A login that cannot work without a person (TFA) or was refused. */
export class ProxmoxAuthError extends Error {
	constructor(
		message: string,
		readonly reason: 'tfa' | 'rejected',
	) {
		super(message);
		this.name = 'ProxmoxAuthError';
	}
}

/**
 * A write that reached the server and whose answer was lost (connection reset or no answer in
 * time after the request was sent): Proxmox may have run it. It is never repeated.
 */
export class ProxmoxOutcomeUnknownError extends Error {
	constructor(
		readonly method: string,
		readonly path: string,
		/** `host:port` the request was sent to. */
		readonly host: string,
		readonly cause: TransportError,
	) {
		super(`Outcome unknown: ${method} ${path} was sent to ${host}, but ${cause.kind === 'timeout' ? 'no answer came in time' : 'the connection broke before the answer'}`);
		this.name = 'ProxmoxOutcomeUnknownError';
	}
}

export interface TaskOutcome {
	upid: string;
	node: string;
	type: string;
	id: string;
	status: 'stopped' | 'running';
	exitStatus: string;
	success: boolean;
	durationSeconds: number;
	logTail?: string[];
}

export class ProxmoxTaskError extends Error {
	constructor(
		message: string,
		readonly outcome: TaskOutcome,
		readonly reason: 'failed' | 'timeout',
	) {
		super(message);
		this.name = 'ProxmoxTaskError';
	}
}

/** Ends a message with one full stop: Proxmox's own messages may already end with "!" or ".". */
export function asSentence(text: string): string {
	const trimmed = text.trim();
	return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** Parses "Permission check failed (/vms/100, VM.PowerMgmt)" and "(user != root@pam)". */
export function parseMissingPermission(message: string): MissingPermission | undefined {
	const match = /Permission check failed \(([^)]*)\)/i.exec(message);
	if (!match) return /permission denied|Permission check failed/i.test(message) ? {} : undefined;
	const inner = match[1].trim();
	const pathPriv = /^(\/[^,]*),\s*(.+)$/.exec(inner);
	if (pathPriv) return { path: pathPriv[1].trim(), privileges: pathPriv[2].split(/[|,\s]+/).filter(Boolean) };
	return { requirement: inner };
}

/** Builds the error for a non-2xx answer from the status line and body. */
export function apiErrorFromResponse(
	response: { status: number; statusText: string; text(): string; json<T>(): T | undefined },
	request: { method: string; path: string; host: string },
	redactor: Redactor,
): ProxmoxApiError {
	const body = response.json<{ message?: unknown; errors?: unknown }>();
	const parameterErrors: Record<string, string> = {};
	let message = typeof body?.message === 'string' && body.message.trim() ? body.message.trim() : '';
	if (!message && (!body || typeof body !== 'object')) {
		// PBS (proxmox-rest-server) sends the message as the plain body, parameter errors as
		// "parameter verification errors\n\nparameter 'name': reason" lines.
		// An HTML page (a proxy's 502 in front of the API) is not a message: its status text is.
		const text = response.text().trim();
		if (!text.startsWith('<')) {
			for (const match of text.matchAll(/^parameter '([^']+)': (.*)$/gm)) parameterErrors[match[1]] = redactor.text(match[2].trim());
			message = (text.split('\n')[0] ?? '').trim().slice(0, 500);
		}
	}
	if (!message) message = response.statusText.trim();
	if (!message) message = `HTTP ${response.status}`;
	if (body?.errors && typeof body.errors === 'object') {
		for (const [name, value] of Object.entries(body.errors as Record<string, unknown>)) {
			parameterErrors[name] = redactor.text(String(value).trim());
		}
	}
	return new ProxmoxApiError(redactor.text(message), response.status, request.method, request.path, request.host, parameterErrors);
}

function permissionHint(missing: MissingPermission): string {
	if (missing.requirement) {
		return `Proxmox requires ${missing.requirement} for this call; API tokens and other users cannot run it.`;
	}
	if (missing.path && missing.privileges?.length) {
		const privs = missing.privileges.join(' or ');
		return (
			`The user or token lacks ${privs} on ${missing.path}. Grant a role containing it, e.g. ` +
			`"pveum acl modify ${missing.path} --roles <role> --tokens <user@realm!token>" (for tokens with privilege separation, the token itself needs the ACL, not only its user).`
		);
	}
	return 'The user or token lacks a privilege for this call. For API tokens with privilege separation, grant the ACL to the token itself.';
}

/**
 * Converts any failure of the Proxmox client into the n8n error shown to the user: NodeApiError
 * for answers and transport failures, NodeOperationError for configuration and task problems.
 */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof ProxmoxApiError) {
		const lines: string[] = [`${error.method} ${error.path} on ${error.host} answered ${error.status} ${error.message}`];
		const params = Object.entries(error.parameterErrors);
		if (params.length) lines.push(...params.map(([name, msg]) => `${name}: ${msg}`));
		const missing = error.missingPermission;
		if (error.permissionHint) lines.push(error.permissionHint);
		else if (missing) lines.push(permissionHint(missing));
		if (error.status === 401) lines.push('Check the credential: token ID and secret, or user, realm and password.');
		if (error.status === 595 || error.status === 596) {
			lines.push('The node that owns this resource did not answer the node you reached (offline or overloaded?).');
		}
		const response: JsonObject = {
			message: error.message,
			status: error.status,
			method: error.method,
			path: error.path,
			...(params.length ? { errors: error.parameterErrors } : {}),
			...(missing ? { missingPermission: missing as JsonObject } : {}),
		};
		// n8n shows the message first: name the rejected parameters there, not only in the details.
		const message = params.length ? `${error.message.replace(/\.$/, '')}: ${params.map(([name, msg]) => `${name}: ${msg}`).join('; ')}` : error.message;
		return new NodeApiError(node, response, {
			message,
			description: lines.join('\n'),
			httpCode: String(error.status),
			itemIndex,
		});
	}
	if (error instanceof ProxmoxOutcomeUnknownError) {
		const cause = error.cause;
		const response: JsonObject = {
			message: error.message,
			method: error.method,
			path: error.path,
			host: error.host,
			outcome: 'unknown',
			transportFailure: cause.kind,
			...(cause.code ? { networkErrorCode: cause.code } : {}),
		};
		return new NodeApiError(node, response, {
			message: error.message,
			description: [
				`The request reached ${error.host}, so Proxmox may have run it (or may still be running it). It was not sent again, here or to another host, so it cannot run twice.`,
				'Before you retry, check whether it ran: the task list (Datacenter > Tasks or the node\'s Task History in the Proxmox GUI, or Task > Get Many in this node) and the current state of the guest or object it changes (e.g. VM > Get).',
				`Cause: ${cause.message}`,
			].join('\n'),
			itemIndex,
		});
	}
	if (error instanceof TransportError) {
		const response: JsonObject = { message: error.message, transportFailure: error.kind };
		// Not under "code": n8n-workflow would replace the message with its stock text for that
		// code (for ECONNRESET: "...You can retry the request immediately"), which is wrong for a
		// request that may have run, and would drop the host and port.
		if (error.code) response.networkErrorCode = error.code;
		if (error.presentedFingerprint) response.presentedFingerprint = error.presentedFingerprint;
		return new NodeApiError(node, response, { message: transportHeadline(error), description: transportDescription(error), itemIndex });
	}
	if (error instanceof ProxmoxTaskError) {
		const tail = error.outcome.logTail?.length ? `\nLast log lines:\n${error.outcome.logTail.join('\n')}` : '';
		return new NodeOperationError(node, error.message, {
			description: `Task ${error.outcome.upid} on ${error.outcome.node}${tail}`,
			itemIndex,
		});
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, message, { itemIndex });
}

/** A short headline naming what failed and where (n8n clips long ones); the details go below. */
function transportHeadline(error: TransportError): string {
	const target = error.target ?? 'the server';
	switch (error.kind) {
		case 'connection':
			return `Cannot connect to ${target}`;
		case 'connectTimeout':
			return `Connecting to ${target} timed out`;
		case 'tls':
			return error.presentedFingerprint ? `Certificate of ${target} does not match the pinned fingerprint` : `TLS verification of ${target} failed`;
		case 'timeout':
			return `${target} did not answer in time`;
		case 'aborted':
			return `Request to ${target} was cancelled`;
		default:
			return `Connection to ${target} broke`;
	}
}

function transportDescription(error: TransportError): string {
	if (error.presentedFingerprint) {
		return (
			`The server presented a certificate with SHA-256 fingerprint ${error.presentedFingerprint}, which is not the one pinned in the credential. ` +
			'Compare it with the fingerprint the Proxmox GUI shows under the node > System > Certificates (or run "pvenode cert info" on the node). ' +
			'If the certificate was renewed on purpose, put the new fingerprint into the credential; otherwise something else answers on that address.'
		);
	}
	return error.message;
}
