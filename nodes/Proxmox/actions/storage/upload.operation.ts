import { randomBytes } from 'node:crypto';

import { taskOrResult } from '../../helpers/results';
import { nodeLocator, storageLocator } from '../common.descriptions';
import type { ProxmoxOperation } from '../types';
import { FILE_CONTENT_OPTIONS, storageBase } from './common';

function quoteFilename(name: string): string {
	return name.replace(/["\\\r\n]/g, '_');
}

/** multipart/form-data body as pveproxy's upload handler reads it (fields first, file last). */
export function multipartBody(fields: Record<string, string>, file: { name: string; data: Buffer }): { contentType: string; data: Buffer } {
	const boundary = `----n8nProxmox${randomBytes(12).toString('hex')}`;
	const parts: Buffer[] = [];
	for (const [key, value] of Object.entries(fields)) {
		parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${value}\r\n`));
	}
	parts.push(
		Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="filename"; filename="${quoteFilename(file.name)}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
		),
		file.data,
		Buffer.from(`\r\n--${boundary}--\r\n`),
	);
	return { contentType: `multipart/form-data; boundary=${boundary}`, data: Buffer.concat(parts) };
}

export const upload: ProxmoxOperation = {
	value: 'upload',
	name: 'Upload File',
	action: 'Upload a file to a storage',
	description:
		'Uploads a file from the n8n item\'s binary data to a storage as an ISO image, container template or import file. Inputs: node, storage, binary property, content type, optional file name. Returns the task result.',
	safety: 'write',
	startsTask: true,
	properties: [
		nodeLocator(),
		storageLocator(),
		{ displayName: 'Input Binary Field', name: 'binaryPropertyName', type: 'string', default: 'data', required: true, hint: 'The name of the input binary field containing the file to be uploaded' },
		{
			displayName: 'Content Type',
			name: 'uploadContent',
			type: 'options',
			default: 'iso',
			options: FILE_CONTENT_OPTIONS,
		},
		{ displayName: 'File Name', name: 'uploadFilename', type: 'string', default: '', description: 'Name on the storage (empty: the binary data\'s file name)' },
	],
	async execute(ctx) {
		const { node, storage, base } = storageBase(ctx);
		const property = ctx.fn.getNodeParameter('binaryPropertyName', ctx.itemIndex) as string;
		const binary = ctx.fn.helpers.assertBinaryData(ctx.itemIndex, property);
		const data = await ctx.fn.helpers.getBinaryDataBuffer(ctx.itemIndex, property);
		const filename = ((ctx.fn.getNodeParameter('uploadFilename', ctx.itemIndex, '') as string).trim() || binary.fileName || 'upload.bin').replace(/[/\\]/g, '_');
		const body = multipartBody({ content: ctx.fn.getNodeParameter('uploadContent', ctx.itemIndex, 'iso') as string }, { name: filename, data });
		const response = await ctx.client.request('POST', `${base}/upload`, undefined, { body, timeoutMs: 30 * 60 * 1000 });
		return taskOrResult(response.data, { node, storage, filename, bytes: data.length });
	},
};
