/**
 * Files into a storage, as pve-manager's PVE/API2/Storage/Status.pm does: `upload` (multipart,
 * spooled by pveproxy, then an `imgcopy` task) and `download-url` (a `download` task). Both check
 * the content type against the storage and the file extension against the content type, verify
 * an optional checksum, and add the volume when the task succeeds.
 */
import { createHash } from 'crypto';
import { get as httpGet } from 'http';
import { get as httpsGet } from 'https';

import { ApiError } from '../../core/errors';
import type { HandlerRegistry } from '../../core/world';
import { takeSpooledUpload } from '../../wire/multipart';
import { storageOnNode, storageUsed, type PveWorld, type Storage, type Volume } from '../model';
import { startTask, type PveCall } from './common';

const EXTENSIONS: Record<string, RegExp> = {
	iso: /\.(iso|img)$/i,
	vztmpl: /\.tar\.(gz|xz|zst|bz2)$/i,
	import: /\.(ova|ovf|qcow2|raw|vmdk|img)$/i,
};

const SUBDIR: Record<string, string> = { iso: 'iso', vztmpl: 'vztmpl', import: 'import' };

function format(content: string, filename: string): string {
	if (content === 'iso') return 'iso';
	if (content === 'vztmpl') return `t${filename.split('.').pop()!.toLowerCase()}`;
	return filename.split('.').pop()!.toLowerCase();
}

/** PVE normalises the target file name: anything outside [-a-zA-Z0-9_.] becomes '_'. */
function normaliseFilename(name: string): string {
	return name.replace(/[^-a-zA-Z0-9_.]/g, '_');
}

function checkTarget(call: PveCall, filename: string): { storage: Storage; content: string; target: string } {
	const node = String(call.params.node);
	const storage = call.world.cluster.storages.get(String(call.params.storage));
	if (!storage || !storageOnNode(storage, node)) throw new ApiError(500, `storage '${call.params.storage}' does not exist`);
	const content = String(call.params.content);
	if (!storage.content.includes(content)) throw new ApiError(500, `storage '${storage.storage}' does not support '${content}' content`);
	if (!EXTENSIONS[content]?.test(filename)) {
		throw new ApiError(400, 'Parameter verification failed.', { filename: 'wrong file extension' });
	}
	const target = `${storage.path ?? `/mnt/pve/${storage.storage}`}/template/${SUBDIR[content]}/${filename}`;
	return { storage, content, target };
}

function verifyChecksum(call: PveCall, data: Buffer, log: (line: string) => void): void {
	if (!call.params.checksum) return;
	const algorithm = String(call.params['checksum-algorithm']);
	log('calculating checksum...');
	const got = createHash(algorithm).update(data).digest('hex');
	const expected = String(call.params.checksum).toLowerCase();
	if (got !== expected) throw new Error(`checksum mismatch: got '${got}' != expected '${expected}'`);
	log('checksum verified');
}

function addVolume(call: PveCall, storage: Storage, content: string, filename: string, size: number): void {
	const node = String(call.params.node);
	const volid = `${storage.storage}:${SUBDIR[content]}/${filename}`;
	const cluster = call.world.cluster;
	if (storageUsed(cluster, storage, node) + size > storage.total) throw new Error(`write failed: No space left on device`);
	cluster.volumes = cluster.volumes.filter((v) => !(v.volid === volid && (storage.shared || v.node === node)));
	const volume: Volume = { volid, storage: storage.storage, content: content as Volume['content'], format: format(content, filename), size, ctime: call.world.clock.now() };
	if (!storage.shared) volume.node = node;
	cluster.volumes.push(volume);
}

/** Fetches loopback URLs for real (tests serve files there); the rest of the internet is modelled. */
function fetchUrl(url: URL): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const get = url.protocol === 'https:' ? httpsGet : httpGet;
		const request = get(url, { rejectUnauthorized: false }, (response) => {
			if ((response.statusCode ?? 0) >= 400) {
				response.resume();
				reject(new Error(`download failed: ${response.statusCode} ${response.statusMessage}`));
				return;
			}
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => resolve(Buffer.concat(chunks)));
			response.on('error', reject);
		});
		request.on('error', (error) => reject(new Error(`download failed: ${error.message}`)));
	});
}

const isLoopback = (url: URL) => /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(url.hostname);

export function registerStorageTransfer(reg: HandlerRegistry<PveWorld>): void {
	reg.on('POST', '/nodes/{node}/storage/{storage}/upload', (call) => {
		const tmpfilename = String(call.params.tmpfilename ?? '');
		const data = tmpfilename ? takeSpooledUpload(tmpfilename) : undefined;
		if (!data) throw new ApiError(400, 'Parameter verification failed.', { filename: 'upload failed - no file uploaded' });
		const filename = normaliseFilename(String(call.params.filename));
		const { storage, content, target } = checkTarget(call, filename);
		return startTask(call, 'imgcopy', '', async (ctx) => {
			ctx.log(`starting file import from: ${tmpfilename}`);
			ctx.log(`target node: ${call.params.node}`);
			ctx.log(`target file: ${target}`);
			ctx.log(`file size is: ${data.length}`);
			verifyChecksum(call, data, (line) => ctx.log(line));
			ctx.log(`command: cp -- ${tmpfilename} ${target}`);
			await ctx.sleep(300);
			addVolume(call, storage, content, filename, data.length);
			ctx.log('finished file import successfully');
		});
	});

	reg.on('POST', '/nodes/{node}/storage/{storage}/download-url', (call) => {
		const filename = normaliseFilename(String(call.params.filename));
		const { storage, content, target } = checkTarget(call, filename);
		const url = new URL(String(call.params.url));
		return startTask(call, 'download', filename, async (ctx) => {
			ctx.log(`downloading ${url} to ${target}`);
			// The simulator's network is loopback only: other hosts deliver a modelled 64 MiB file.
			const data = isLoopback(url) ? await fetchUrl(url) : Buffer.alloc(0);
			const size = isLoopback(url) ? data.length : 64 * 1024 * 1024;
			await ctx.sleep(500);
			ctx.log(`download of '${url}' to '${target}' finished`);
			if (isLoopback(url)) verifyChecksum(call, data, (line) => ctx.log(line));
			addVolume(call, storage, content, filename, size);
		});
	});
}
