import type { ServerResponse } from 'http';
import type { Product } from '../schema/types';

const JSON_TYPE = 'application/json;charset=UTF-8';

/** Reason phrases cannot hold line breaks; pveproxy puts the first line of the message there. */
export function reasonPhrase(message: string): string {
	return message.split('\n')[0].replace(/[^\t\x20-\x7e]/g, '?').trim() || 'Error';
}

export function sendJson(res: ServerResponse, status: number, reason: string | undefined, body: unknown, extraHeaders: Record<string, string> = {}): void {
	const text = JSON.stringify(body);
	res.writeHead(status, reason ?? (status === 200 ? 'OK' : undefined), {
		'Content-Type': JSON_TYPE,
		'Content-Length': Buffer.byteLength(text),
		...extraHeaders,
	});
	res.end(text);
}

export function sendRaw(res: ServerResponse, status: number, reason: string, body: string, contentType = 'text/plain;charset=UTF-8'): void {
	res.writeHead(status, reason, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
	res.end(body);
}

/** Data answer: `{"data": ..., ...attrs}` on both products. */
export function sendData(res: ServerResponse, data: unknown, attrs: Record<string, unknown> = {}): void {
	sendJson(res, 200, 'OK', { data: data === undefined ? null : data, ...attrs });
}

/**
 * Error answer. PVE: message in the status line and `{"data":null,"message":..}` (+`errors`);
 * auth-layer failures (401) have no body. PBS: status with its standard reason, body is the message text.
 */
export function sendError(res: ServerResponse, product: Product, status: number, message: string, errors?: Record<string, string>, authLayer = false): void {
	if (product === 'pbs') {
		const body = errors ? formatPbsParamErrors(errors) : message;
		res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(body) });
		res.end(body);
		return;
	}
	if (authLayer) {
		res.writeHead(status, reasonPhrase(message), { 'Content-Length': 0 });
		res.end();
		return;
	}
	const body: Record<string, unknown> = { data: null };
	if (errors) body.errors = errors;
	body.message = message.endsWith('\n') ? message : `${message}\n`;
	sendJson(res, status, reasonPhrase(message), body);
}

function formatPbsParamErrors(errors: Record<string, string>): string {
	return ['parameter verification errors', '', ...Object.entries(errors).map(([k, v]) => `parameter '${k}': ${v}`)].join('\n');
}

/** ExtJS format errors: HTTP 200 with success 0 (PBS: false), the real status and the message in the body. */
export function sendExtjsError(res: ServerResponse, product: Product, status: number, message: string, errors?: Record<string, string>): void {
	if (product === 'pbs') {
		sendJson(res, 200, 'OK', { message: errors ? 'parameter verification errors' : message, errors: errors ?? {}, success: false, status });
		return;
	}
	const body: Record<string, unknown> = { data: null, success: 0, status, message: message.endsWith('\n') ? message : `${message}\n` };
	if (errors) body.errors = errors;
	sendJson(res, 200, 'OK', body);
}
