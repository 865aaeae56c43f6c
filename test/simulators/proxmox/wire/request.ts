import type { IncomingMessage } from 'http';
import type { RawParams, RawValue } from '../schema/validate';
import { ApiError } from '../core/errors';

const MAX_BODY = 512 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size > MAX_BODY) {
				reject(new ApiError(413, 'request entity too large'));
				req.resume();
				return;
			}
			chunks.push(c);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function addParam(out: RawParams, key: string, value: RawValue): void {
	if (key in out) {
		const prev = out[key];
		out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
	} else out[key] = value;
}

export function parseForm(text: string): RawParams {
	const out: RawParams = {};
	for (const [k, v] of new URLSearchParams(text)) addParam(out, k, v);
	return out;
}

/**
 * pveproxy's extract_params: form-urlencoded or JSON body, then the query string, whose values
 * override body values.
 */
export function extractParams(contentType: string | undefined, body: Buffer, query: string): RawParams {
	let params: RawParams = {};
	if (body.length) {
		const ct = (contentType ?? '').split(';')[0].trim().toLowerCase();
		if (ct === 'application/json') {
			const parsed = parseJson(body.toString('utf8'));
			if (parsed instanceof Error) throw new ApiError(400, `malformed JSON string: ${parsed.message}`);
			if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) params = { ...(parsed as RawParams) };
		} else if (ct === 'multipart/form-data') {
			throw new ApiError(501, 'multipart upload is not modelled by the simulator');
		} else params = parseForm(body.toString('utf8'));
	}
	const fromQuery = parseForm(query);
	for (const [k, v] of Object.entries(fromQuery)) params[k] = v;
	return params;
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch (e) {
		return e as Error;
	}
}
