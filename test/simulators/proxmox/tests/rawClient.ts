import { Agent, request } from 'https';

export interface RawResponse {
	status: number;
	reason: string;
	headers: Record<string, string | string[] | undefined>;
	text: string;
	json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Minimal HTTPS client for simulator tests: exact status line and body, no retries, no pooling. */
export function call(
	base: { url: string; caPem: string },
	method: string,
	path: string,
	opts: { headers?: Record<string, string>; form?: Record<string, string | number | string[]>; json?: unknown; token?: string; agent?: Agent } = {},
): Promise<RawResponse> {
	const url = new URL(path.startsWith('/_sim') ? path : `/api2/json${path}`, base.url);
	const headers: Record<string, string> = { ...(opts.headers ?? {}) };
	let body: string | undefined;
	if (opts.form) {
		const p = new URLSearchParams();
		for (const [k, v] of Object.entries(opts.form)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, String(x));
		body = p.toString();
		headers['Content-Type'] = 'application/x-www-form-urlencoded';
	}
	if (opts.json !== undefined) {
		body = JSON.stringify(opts.json);
		headers['Content-Type'] = 'application/json';
	}
	if (opts.token) headers.Authorization = opts.token;
	if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
	return new Promise((resolve, reject) => {
		const req = request(url, { method, headers, ca: base.caPem, agent: opts.agent ?? false }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let json: unknown;
				try {
					json = text ? JSON.parse(text) : undefined;
				} catch {
					json = undefined;
				}
				resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? '', headers: res.headers, text, json });
			});
		});
		req.on('error', reject);
		if (body !== undefined) req.write(body);
		req.end();
	});
}

export const pveToken = (secret = '00000000-0000-4000-8000-000000000000', id = 'root@pam!sim') => `PVEAPIToken=${id}=${secret}`;
export const pbsToken = (secret = '00000000-0000-4000-8000-000000000000', id = 'root@pam!sim') => `PBSAPIToken=${id}:${secret}`;

/** Polls a task until it stops (the status briefly answers 400 right after creation, like the real server). */
export async function waitTask(base: { url: string; caPem: string }, token: string, upid: string, timeoutMs = 10000): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
	const node = upid.split(':')[1];
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const r = await call(base, 'GET', `/nodes/${node}/tasks/${encodeURIComponent(upid)}/status`, { token });
		if (r.status === 200 && r.json.data.status === 'stopped') return r.json.data;
		await new Promise((res) => setTimeout(res, 20));
	}
	throw new Error(`task ${upid} did not finish`);
}
