import { createHash } from 'crypto';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';

import { Agent, request } from 'undici';

import { startProxmoxSimulator, type ProxmoxSimulator } from '../index';
import { call, pveToken, waitTask } from './rawClient';

describe('PVE storage upload and download-url', () => {
	let sim: ProxmoxSimulator;
	let agent: Agent;
	let files: Server;
	let filesUrl: string;
	const token = pveToken();
	const iso = Buffer.from('ISO9660 simulator image '.repeat(100));

	/** POSTs a multipart body exactly as a browser or n8n's FormData would encode it. */
	async function upload(fields: Record<string, string>, file: { name: string; data: Buffer }, headers: Record<string, string> = { Authorization: token }) {
		const form = new FormData();
		for (const [key, value] of Object.entries(fields)) form.append(key, value);
		form.append('filename', new Blob([file.data]), file.name);
		const encoded = new Response(form);
		const response = await request(`${sim.url}/api2/json/nodes/pve1/storage/local/upload`, {
			method: 'POST',
			headers: { ...headers, 'content-type': encoded.headers.get('content-type')! },
			body: Buffer.from(await encoded.arrayBuffer()),
			dispatcher: agent,
		});
		const text = await response.body.text();
		return { status: response.statusCode, json: text ? JSON.parse(text) : undefined };
	}

	const content = async () => (await call(sim, 'GET', '/nodes/pve1/storage/local/content?content=iso', { token })).json.data as Array<{ volid: string; size: number }>;

	beforeAll(async () => {
		sim = await startProxmoxSimulator({ unauthorizedDelayMs: 0, taskSpeed: 200 });
		agent = new Agent({ connect: { ca: sim.caPem } });
		files = createServer((req, res) => {
			if (req.url === '/alpine.iso') res.end(iso);
			else {
				res.writeHead(404, 'Not Found');
				res.end();
			}
		});
		await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
		filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		await agent.close();
		files.close();
		await sim.close();
	});

	it('spools a multipart upload and adds the volume in an imgcopy task', async () => {
		const answer = await upload({ content: 'iso' }, { name: 'my image (v2).iso', data: iso });
		expect(answer.status).toBe(200);
		expect(answer.json.data).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:imgcopy::root@pam!sim:$/);
		const task = await waitTask(sim, token, answer.json.data);
		expect(task.exitstatus).toBe('OK');
		const log = (await call(sim, 'GET', `/nodes/pve1/tasks/${encodeURIComponent(answer.json.data)}/log`, { token })).json.data.map((l: { t: string }) => l.t);
		expect(log[0]).toMatch(/^starting file import from: \/var\/tmp\/pveupload-[0-9a-f]+$/);
		expect(log).toContain(`file size is: ${iso.length}`);
		expect(await content()).toContainEqual(expect.objectContaining({ volid: 'local:iso/my_image__v2_.iso', size: iso.length }));
	});

	it('needs no CSRF token for uploads with a ticket, as pveproxy', async () => {
		const login = await call(sim, 'POST', '/access/ticket', { form: { username: 'root@pam', password: 'simulator' } });
		const cookie = `PVEAuthCookie=${encodeURIComponent(login.json.data.ticket)}`;
		const answer = await upload({ content: 'iso' }, { name: 'ticket.iso', data: iso }, { Cookie: cookie });
		expect(answer.status).toBe(200);
		expect((await waitTask(sim, token, answer.json.data)).exitstatus).toBe('OK');
	});

	it('rejects a file extension that does not fit the content type', async () => {
		const answer = await upload({ content: 'iso' }, { name: 'notes.txt', data: iso });
		expect(answer.status).toBe(400);
		expect(answer.json.errors).toEqual({ filename: 'wrong file extension' });
	});

	it('fails the task on a checksum mismatch and keeps no volume', async () => {
		const answer = await upload({ content: 'iso', checksum: 'a'.repeat(64), 'checksum-algorithm': 'sha256' }, { name: 'bad.iso', data: iso });
		const task = await waitTask(sim, token, answer.json.data);
		expect(task.exitstatus).toBe(`checksum mismatch: got '${createHash('sha256').update(iso).digest('hex')}' != expected '${'a'.repeat(64)}'`);
		expect((await content()).some((v) => v.volid === 'local:iso/bad.iso')).toBe(false);
	});

	it('accepts multipart only on the upload endpoint', async () => {
		const form = new Response(new URLSearchParams({ a: '1' }));
		const response = await request(`${sim.url}/api2/json/nodes/pve1/qemu/100/config`, {
			method: 'POST',
			headers: { Authorization: token, 'content-type': 'multipart/form-data; boundary=x' },
			body: Buffer.from(await form.arrayBuffer()),
			dispatcher: agent,
		});
		await response.body.text();
		expect(response.statusCode).toBe(501);
	});

	it('downloads a URL in a download task, verifying its checksum', async () => {
		const sha = createHash('sha256').update(iso).digest('hex');
		const answer = await call(sim, 'POST', '/nodes/pve1/storage/local/download-url', {
			token,
			form: { url: `${filesUrl}/alpine.iso`, filename: 'alpine.iso', content: 'iso', checksum: sha, 'checksum-algorithm': 'sha256' },
		});
		expect(answer.json.data).toMatch(/:download:alpine\.iso:root@pam!sim:$/);
		expect((await waitTask(sim, token, answer.json.data)).exitstatus).toBe('OK');
		expect(await content()).toContainEqual(expect.objectContaining({ volid: 'local:iso/alpine.iso', size: iso.length }));
		const missing = await call(sim, 'POST', '/nodes/pve1/storage/local/download-url', { token, form: { url: `${filesUrl}/nope.iso`, filename: 'nope.iso', content: 'iso' } });
		expect((await waitTask(sim, token, missing.json.data)).exitstatus).toBe('download failed: 404 Not Found');
	});
});
