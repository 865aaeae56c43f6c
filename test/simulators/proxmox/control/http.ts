import type { IncomingMessage, ServerResponse } from 'http';
import type { SimulatorControl } from './types';
import { ApiError } from '../core/errors';
import { sendJson } from '../wire/respond';

/**
 * `POST /_sim/control/<op>` with a JSON array of arguments (or one object argument), `GET /_sim/state`.
 * Outside `/api2`, so it never collides with the real API surface; loopback dev use only.
 */
export function controlHttp(control: SimulatorControl, caPem: string) {
	return async (req: IncomingMessage, res: ServerResponse, path: string, body: Buffer): Promise<void> => {
		try {
			if (path === '/_sim/state' && req.method === 'GET') return sendJson(res, 200, 'OK', { data: control.getState() });
			if (path === '/_sim/ca' && req.method === 'GET') {
				res.writeHead(200, 'OK', { 'Content-Type': 'application/x-pem-file' });
				return void res.end(caPem);
			}
			const m = /^\/_sim\/control\/([A-Za-z]+)$/.exec(path);
			const op = m?.[1] as keyof SimulatorControl | undefined;
			if (!op || req.method !== 'POST' || typeof control[op] !== 'function') return sendJson(res, 404, 'Not Found', { error: `unknown control operation '${m?.[1] ?? path}'` });
			const parsed: unknown = body.length ? JSON.parse(body.toString('utf8')) : [];
			const args = Array.isArray(parsed) ? parsed : [parsed];
			const result = await (control[op] as (...a: unknown[]) => unknown)(...args);
			return sendJson(res, 200, 'OK', { data: result ?? null });
		} catch (e) {
			const status = e instanceof ApiError ? e.status : 400;
			return sendJson(res, status, 'Control Error', { error: (e as Error).message });
		}
	};
}
