import type { IncomingMessage, ServerResponse } from 'http';
import type { Socket } from 'net';
import { ApiError, Reply } from '../core/errors';
import type { HandlerRegistry, WorldBase } from '../core/world';
import { authenticate, type Identity } from '../auth/authenticate';
import { enforcePermissions } from '../auth/permissions';
import { validateParams, type RawParams } from '../schema/validate';
import { extractParams, isUploadPath, readBody } from './request';
import { sendData, sendError, sendExtjsError, sendJson, sendRaw } from './respond';
import { genericAnswer } from '../core/generic';
import { jsonBooleans } from '../schema/sample';
import type { FaultSpec } from '../core/faults';

const API_PREFIX = /^\/api2\/(json|extjs)(?=\/|$)/;

/** Sends a TCP RST (ECONNRESET at the client) by resetting the TCP socket under the TLS layer. */
function resetConnection(req: IncomingMessage): void {
	const tls = req.socket as Socket & { _parent?: Socket };
	const tcp = tls._parent ?? tls;
	if (typeof tcp.resetAndDestroy === 'function') tcp.resetAndDestroy();
	tls.destroy();
}

/** Calls that need no authentication (pveproxy auth_handler / PBS `user: world`). */
function isPublic(method: string, path: string): boolean {
	if (path === '/access/ticket' && (method === 'POST' || method === 'GET')) return true;
	if (path === '/access/domains' && method === 'GET') return true;
	return false;
}

export type ControlHandler = (req: IncomingMessage, res: ServerResponse, path: string, body: Buffer) => Promise<void>;

export interface Dispatcher {
	handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
	/** Requests held open by the "hang" fault, released on close. */
	hanging: Set<ServerResponse>;
}

export function createDispatcher<W extends WorldBase>(world: W, registry: HandlerRegistry<W>, control?: ControlHandler): Dispatcher {
	const hanging = new Set<ServerResponse>();
	const product = world.product;

	const delayUnauthorized = () => world.timers.sleep(world.opts.unauthorizedDelayMs);

	async function applyFaults(faults: FaultSpec[], req: IncomingMessage, res: ServerResponse): Promise<boolean> {
		for (const f of faults) {
			if (f.kind === 'latency') await world.timers.sleep(f.ms ?? 1000);
			if (f.kind === 'expireTicket') world.tickets.expireAll();
		}
		for (const f of faults) {
			switch (f.kind) {
				case 'status':
					sendError(res, product, f.status ?? 500, f.message ?? 'simulated failure');
					return true;
				case 'html502':
					sendRaw(res, 502, 'Bad Gateway', '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n', 'text/html');
					return true;
				case 'malformedJson': {
					const text = '{"data":[{"id":"qemu/100","type":"qemu","status":"runn';
					res.writeHead(200, 'OK', { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(text) });
					res.end(text);
					return true;
				}
				case 'hang':
					hanging.add(res);
					res.on('close', () => hanging.delete(res));
					return true;
				case 'reset':
					resetConnection(req);
					return true;
				default:
			}
		}
		return false;
	}

	/** Auth-layer failures are answered without a body, so they are returned rather than thrown. */
	function tryAuthenticate(req: IncomingMessage, method: string, path: string): Identity | ApiError {
		try {
			return authenticate(product, req.headers, method, world.access, world.tickets, world.clock, { csrfExempt: isUploadPath(path) });
		} catch (e) {
			return e instanceof ApiError ? e : new ApiError(401, String(e));
		}
	}

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const method = (req.method ?? 'GET').toUpperCase();
		const url = new URL(req.url ?? '/', 'https://sim');
		const fullPath = url.pathname;
		let identity: Identity | undefined;
		// The extjs format answers 200 with success/status/message in the body (the GUI's format).
		const extjs = API_PREFIX.exec(fullPath)?.[1] === 'extjs';
		const fail = (status: number, message: string, errors?: Record<string, string>, authLayer = false) =>
			extjs && !authLayer ? sendExtjsError(res, product, status, message, errors) : sendError(res, product, status, message, errors, authLayer);
		const ok = (data: unknown, attrs: Record<string, unknown> = {}) => (extjs ? sendJson(res, 200, 'OK', { data: data ?? null, ...attrs, success: product === 'pve' ? 1 : true }) : sendData(res, data, attrs));
		try {
			const body = await readBody(req);
			if (fullPath.startsWith('/_sim/') && control) return await control(req, res, fullPath, body);
			const prefix = API_PREFIX.exec(fullPath);
			if (!prefix) {
				if (fullPath === '/' && method === 'GET') return sendRaw(res, 200, 'OK', '<!DOCTYPE html><html><head><title>Proxmox simulator</title></head><body></body></html>', 'text/html;charset=UTF-8');
				if (product === 'pbs') return sendError(res, product, 404, `Path '${fullPath}' not found.`);
				return sendRaw(res, 501, 'no such uri', 'no such uri');
			}
			const path = fullPath.slice(prefix[0].length).replace(/\/+$/, '') || '/';
			world.requests.count(method, path);
			if (await applyFaults(world.faults.take(method, path), req, res)) return;

			if (!isPublic(method, path)) {
				const auth = tryAuthenticate(req, method, path);
				if (auth instanceof ApiError) {
					await delayUnauthorized();
					return fail(401, auth.message, undefined, true);
				}
				identity = auth;
			}

			const match = world.routes.match(method, path);
			if (!match.route) {
				if (product === 'pbs') {
					if (match.pathKnown) return fail(405, `Method not allowed`);
					return fail(404, `Path '${fullPath}' not found.`);
				}
				return fail(501, `Method '${method} ${path}' not implemented`);
			}
			const { route } = match;
			const raw: RawParams = { ...extractParams(req.headers['content-type'], method === 'GET' || method === 'DELETE' ? Buffer.alloc(0) : body, url.search.slice(1), path), ...match.pathParams };

			const proxyNode = route.info.proxyto ? raw[route.info.proxyto] : undefined;
			if (typeof proxyNode === 'string' && proxyNode !== 'localhost' && /^[a-zA-Z0-9-]+$/.test(proxyNode)) {
				if (!world.nodeExists(proxyNode)) throw new ApiError(500, `hostname lookup '${proxyNode}' failed - failed to get address info for: ${proxyNode}: Name or service not known`);
				if (!world.isNodeOnline(proxyNode)) return fail(596, 'Connection timed out', undefined, true);
			}

			const who: Identity = identity ?? { authId: '', userid: '', viaTicket: false };
			if (identity) enforcePermissions(product, route.info, identity, world.access, raw);

			const { values, errors } = validateParams(route.info.parameters ?? {}, raw, product);
			if (Object.keys(errors).length) {
				if (product === 'pbs') return fail(400, '', errors);
				return fail(400, 'Parameter verification failed.', errors);
			}

			const handler = registry.get(method, route.template);
			const call = { method, template: route.template, params: values, identity: who, world };
			const result = handler ? await handler(call) : genericAnswer(call);
			// PBS (serde) sends booleans as JSON true/false wherever its schema declares them.
			const typed = (data: unknown) => (product === 'pbs' ? jsonBooleans(data, route.info.returns) : data);
			if (result instanceof Reply) return ok(typed(result.data), result.attrs);
			return ok(typed(result));
		} catch (e) {
			if (res.headersSent || res.destroyed) return;
			if (e instanceof ApiError) {
				if (e.status === 401) await delayUnauthorized();
				return fail(e.status, e.message, e.errors);
			}
			const message = (e as Error)?.message ?? String(e);
			return fail(500, message);
		}
	}

	return { handle, hanging };
}

export { sendJson };
