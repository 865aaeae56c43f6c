import type { IncomingMessage } from 'http';
import type { RawParams, RawValue } from '../schema/validate';
import { ApiError } from '../core/errors';
import { extractMultipart } from './multipart';

const MAX_BODY = 512 * 1024;
/** Uploads stream to disk on a real node; the simulator holds them in memory, so it bounds them. */
const MAX_UPLOAD = 256 * 1024 * 1024;

export function isMultipart(contentType: string | undefined): boolean {
	return /^multipart\/form-data/i.test(contentType ?? '');
}

/** Only the storage upload endpoint takes multipart bodies (pveproxy spools them to /var/tmp). */
export function isUploadPath(path: string): boolean {
	return /\/nodes\/[^/]+\/storage\/[^/]+\/upload$/.test(path);
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
	const limit = isMultipart(req.headers['content-type']) && isUploadPath(new URL(req.url ?? '/', 'https://sim').pathname) ? MAX_UPLOAD : MAX_BODY;
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size > limit) {
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
export function extractParams(contentType: string | undefined, body: Buffer, query: string, path = ''): RawParams {
	let params: RawParams = {};
	if (body.length) {
		const ct = (contentType ?? '').split(';')[0].trim().toLowerCase();
		if (ct === 'application/json') {
			const parsed = parseJson(body.toString('utf8'));
			if (parsed instanceof Error) throw new ApiError(400, `malformed JSON string: ${parsed.message}`);
			if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) params = { ...(parsed as RawParams) };
		} else if (ct === 'multipart/form-data') {
			if (!isUploadPath(path)) throw new ApiError(501, 'Unsupported Content-Type: multipart/form-data is only accepted for uploads');
			params = extractMultipart(contentType ?? '', body);
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
