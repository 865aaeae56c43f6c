import type { ProxmoxParams } from '../../../shared/proxmox';
import { taskOrResult } from '../../helpers/results';
import { nodeLocator, storageLocator } from '../common.descriptions';
import type { ProxmoxOperation } from '../types';
import { FILE_CONTENT_OPTIONS, storageBase } from './common';

export const downloadUrl: ProxmoxOperation = {
	value: 'downloadUrl',
	name: 'Download From URL',
	action: 'Download an ISO or template to a storage',
	description:
		'Makes the node download a file from a URL onto a storage, as an ISO image or container template, optionally verifying a checksum. Inputs: node, storage, URL, file name, content type. Returns the task result.',
	safety: 'write',
	startsTask: true,
	properties: [
		nodeLocator(),
		storageLocator(),
		{ displayName: 'URL', name: 'url', type: 'string', default: '', required: true, placeholder: 'https://cdimage.debian.org/…/debian-12-netinst.iso' },
		{ displayName: 'File Name', name: 'filename', type: 'string', default: '', required: true, placeholder: 'debian-12-netinst.iso' },
		{
			displayName: 'Content Type',
			name: 'downloadContent',
			type: 'options',
			default: 'iso',
			options: FILE_CONTENT_OPTIONS,
		},
		{ displayName: 'Checksum', name: 'checksum', type: 'string', default: '', description: 'Expected checksum of the file (empty: not checked)' },
		{
			displayName: 'Checksum Algorithm',
			name: 'checksumAlgorithm',
			type: 'options',
			default: 'sha256',
			options: ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'].map((value) => ({ name: value.toUpperCase(), value })),
		},
		{ displayName: 'Verify TLS Certificate of the URL', name: 'verifyCertificates', type: 'boolean', default: true, description: 'Whether the node verifies the download server\'s certificate' },
	],
	async execute(ctx) {
		const { node, storage, base } = storageBase(ctx);
		const get = (name: string, fallback: unknown = '') => ctx.fn.getNodeParameter(name, ctx.itemIndex, fallback as never) as unknown;
		const params: ProxmoxParams = {
			url: get('url') as string,
			filename: get('filename') as string,
			content: get('downloadContent', 'iso') as string,
			'verify-certificates': get('verifyCertificates', true) as boolean,
		};
		if (get('checksum')) {
			params.checksum = get('checksum') as string;
			params['checksum-algorithm'] = get('checksumAlgorithm', 'sha256') as string;
		}
		const data = await ctx.client.post(`${base}/download-url`, params);
		return taskOrResult(data, { node, storage, filename: params.filename as string });
	},
};
