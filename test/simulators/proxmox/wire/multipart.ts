/**
 * multipart/form-data as pveproxy accepts it for uploads: the file part is spooled to
 * /var/tmp/pveupload-<hex> and the handler gets `filename` (the client's file name) and
 * `tmpfilename` (that path); the other parts are ordinary parameters.
 */
import { randomBytes } from 'crypto';

import { ApiError } from '../core/errors';
import type { RawParams } from '../schema/validate';

/** Spooled uploads by tmpfilename, taken (and forgotten) by the upload handler. */
const spooled = new Map<string, Buffer>();

export function takeSpooledUpload(tmpfilename: string): Buffer | undefined {
	const data = spooled.get(tmpfilename);
	spooled.delete(tmpfilename);
	return data;
}

interface Part {
	name: string;
	filename?: string;
	data: Buffer;
}

function parseParts(contentType: string, body: Buffer): Part[] {
	const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
	if (!boundary) throw new ApiError(400, 'multipart/form-data without boundary');
	const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2].trim()}`);
	const parts: Part[] = [];
	let start = body.indexOf(delimiter);
	while (start >= 0) {
		const afterDelimiter = start + delimiter.length;
		if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break;
		const headerStart = afterDelimiter + 2; // CRLF
		const headerEnd = body.indexOf('\r\n\r\n', headerStart);
		const next = body.indexOf(delimiter, headerEnd);
		if (headerEnd < 0 || next < 0) throw new ApiError(400, 'malformed multipart/form-data');
		const headers = body.subarray(headerStart, headerEnd).toString('utf8');
		const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
		const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
		const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
		if (name !== undefined) parts.push({ name, filename, data: body.subarray(headerEnd + 4, next - 2) });
		start = next;
	}
	return parts;
}

export function extractMultipart(contentType: string, body: Buffer): RawParams {
	const params: RawParams = {};
	for (const part of parseParts(contentType, body)) {
		if (part.filename !== undefined) {
			const tmpfilename = `/var/tmp/pveupload-${randomBytes(16).toString('hex')}`;
			spooled.set(tmpfilename, Buffer.from(part.data));
			params.filename = part.filename;
			params.tmpfilename = tmpfilename;
		} else params[part.name] = part.data.toString('utf8');
	}
	return params;
}
