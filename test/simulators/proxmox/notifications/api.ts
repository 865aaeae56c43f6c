import { ApiError } from '../core/errors';
import type { HandlerRegistry, WorldBase, Call } from '../core/world';
import type { Endpoint, EndpointType, Matcher, NotificationConfig } from './config';
import type { NotificationHub } from './dispatcher';
import { parseNameValue } from './deliver';

type NotifyWorld = WorldBase & { notify: NotificationHub };

const TYPES: EndpointType[] = ['sendmail', 'gotify', 'smtp', 'webhook'];
const CONTROL = new Set(['name', 'delete', 'digest', 'token', 'secret', 'password']);
const ARRAY_KEYS = new Set(['header', 'mailto', 'mailto-user', 'target', 'match-field', 'match-severity', 'match-calendar']);

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/**
 * What GET shows of an endpoint: secrets by name only, tokens and passwords never. PVE's perl API
 * answers booleans as 1/0; PBS serialises proxmox-notify's `bool` fields as JSON true/false.
 */
function publicView(e: Endpoint, cfg: NotificationConfig, product: WorldBase['product'] = 'pve'): Record<string, unknown> {
	const out: Record<string, unknown> = { ...e };
	delete out.type;
	if (e.type === 'webhook') {
		const names = Object.keys(cfg.secretsOf(e.name));
		if (names.length) out.secret = names.map((n) => `name=${n}`);
	}
	if (product === 'pve') for (const [k, v] of Object.entries(out)) if (typeof v === 'boolean') out[k] = v ? 1 : 0;
	return out;
}

function applyProps(target: Record<string, unknown>, params: Record<string, unknown>): void {
	for (const key of list(params.delete).flatMap((d) => d.split(/[,;\s]+/)).filter(Boolean)) delete target[key];
	for (const [k, v] of Object.entries(params)) {
		if (CONTROL.has(k) || k === 'node') continue;
		if (ARRAY_KEYS.has(k)) target[k] = list(v);
		else if (k === 'disable' || k === 'invert-match') target[k] = v === 1 || v === true;
		else target[k] = v;
	}
}

function setSecrets(cfg: NotificationConfig, name: string, type: EndpointType, params: Record<string, unknown>, keepOld: boolean): void {
	const old = cfg.secretsOf(name);
	if (type === 'gotify') {
		if (params.token !== undefined) cfg.setSecrets(name, { token: String(params.token) });
		return;
	}
	if (type === 'smtp' && params.password !== undefined) cfg.setSecrets(name, { password: String(params.password) });
	if (type !== 'webhook' || params.secret === undefined) return;
	const next: Record<string, string> = {};
	for (const entry of list(params.secret)) {
		const { name: key, value } = parseNameValue(entry);
		if (!key) continue;
		// Sending a name without a value keeps the stored secret (PUT semantics).
		if (value !== undefined) next[key] = Buffer.from(value, 'base64').toString('utf8');
		else if (keepOld && key in old) next[key] = old[key];
	}
	cfg.setSecrets(name, next);
}

export function registerNotifications<W extends NotifyWorld>(reg: HandlerRegistry<W>, base: string): void {
	const cfg = (call: Call<W>) => call.world.notify.config;
	reg.on('GET', base, () => ['endpoints', 'matcher-fields', 'matcher-field-values', 'matchers', 'targets'].map((name) => ({ name })));
	reg.on('GET', `${base}/endpoints`, () => TYPES.map((name) => ({ name })));
	for (const type of TYPES) {
		reg.on('GET', `${base}/endpoints/${type}`, (call) => [...cfg(call).endpoints.values()].filter((e) => e.type === type).map((e) => publicView(e, cfg(call), call.world.product)));
		reg.on('POST', `${base}/endpoints/${type}`, (call) => {
			const name = String(call.params.name);
			if (cfg(call).endpoints.has(name) || cfg(call).matchers.has(name)) throw new ApiError(500, `could not create ${type} endpoint: ${type} '${name}' already exists`);
			const e: Endpoint = { name, type, origin: 'user-created' };
			applyProps(e, call.params);
			if (type === 'webhook' && !e.method) e.method = 'post';
			cfg(call).endpoints.set(name, e);
			setSecrets(cfg(call), name, type, call.params, false);
			return null;
		});
		const one = (call: Call<W>) => {
			const e = cfg(call).endpoints.get(String(call.params.name));
			if (!e || e.type !== type) throw new ApiError(404, `${type} endpoint '${call.params.name}' not found`);
			return e;
		};
		reg.on('GET', `${base}/endpoints/${type}/{name}`, (call) => ({ ...publicView(one(call), cfg(call), call.world.product), digest: 'c'.repeat(64) }));
		reg.on('PUT', `${base}/endpoints/${type}/{name}`, (call) => {
			const e = one(call);
			applyProps(e, call.params);
			if (e.origin === 'builtin') e.origin = 'modified-builtin';
			setSecrets(cfg(call), e.name, type, call.params, true);
			return null;
		});
		reg.on('DELETE', `${base}/endpoints/${type}/{name}`, (call) => {
			const e = one(call);
			if (e.origin !== 'user-created') throw new ApiError(500, `cannot delete built-in target '${e.name}'`);
			cfg(call).deleteEndpoint(e.name);
			return null;
		});
	}
	reg.on('GET', `${base}/targets`, (call) =>
		[...cfg(call).endpoints.values()].map((e) => {
			const t: Record<string, unknown> = { name: e.name, type: e.type, origin: e.origin };
			if (e.comment) t.comment = e.comment;
			if (e.disable) t.disable = 1;
			return t;
		}),
	);
	reg.on('POST', `${base}/targets/{name}/test`, async (call) => {
		const name = String(call.params.name);
		if (!cfg(call).endpoints.has(name)) throw new ApiError(500, `could not notify via target(s): ${name}: target '${name}' does not exist`);
		const result = await call.world.notify.sendTo(name, { title: 'Test notification', message: `This is a test of the notification target '${name}'.`, severity: 'info', timestamp: call.world.clock.now(), fields: {} });
		if (!result.ok) throw new ApiError(500, `could not notify via target(s): ${name}: ${result.error}`);
		return null;
	});
	reg.on('GET', `${base}/matchers`, (call) => [...cfg(call).matchers.values()].map((m) => publicView(m as unknown as Endpoint, cfg(call), call.world.product)));
	reg.on('POST', `${base}/matchers`, (call) => {
		const name = String(call.params.name);
		if (cfg(call).matchers.has(name)) throw new ApiError(500, `could not create matcher: matcher '${name}' already exists`);
		for (const f of list(call.params['match-field'])) {
			if (!/^(exact|regex):[^=]+=/.test(f)) throw new ApiError(400, 'Parameter verification failed.', { 'match-field': `invalid match-field statement: ${f}` });
		}
		for (const t of list(call.params.target)) if (!cfg(call).endpoints.has(t)) throw new ApiError(500, `could not create matcher: target '${t}' does not exist`);
		const m = { name, origin: 'user-created' } as Matcher;
		applyProps(m as unknown as Record<string, unknown>, call.params);
		cfg(call).matchers.set(name, m);
		return null;
	});
	const matcher = (call: Call<W>) => {
		const m = cfg(call).matchers.get(String(call.params.name));
		if (!m) throw new ApiError(404, `matcher '${call.params.name}' not found`);
		return m;
	};
	reg.on('GET', `${base}/matchers/{name}`, (call) => ({ ...publicView(matcher(call) as unknown as Endpoint, cfg(call), call.world.product), digest: 'd'.repeat(64) }));
	reg.on('PUT', `${base}/matchers/{name}`, (call) => {
		const m = matcher(call);
		applyProps(m as unknown as Record<string, unknown>, call.params);
		if (m.origin === 'builtin') m.origin = 'modified-builtin';
		return null;
	});
	reg.on('DELETE', `${base}/matchers/{name}`, (call) => {
		const m = matcher(call);
		if (m.origin !== 'user-created') throw new ApiError(500, `cannot delete built-in matcher '${m.name}'`);
		cfg(call).matchers.delete(m.name);
		return null;
	});
	reg.on('GET', `${base}/matcher-fields`, (call) => (call.world.product === 'pve' ? ['type', 'hostname', 'job-id'] : ['type', 'hostname', 'datastore', 'job-id', 'media-pool']).map((name) => ({ name })));
	reg.on('GET', `${base}/matcher-field-values`, (call) => {
		const types = call.world.product === 'pve' ? ['package-updates', 'fencing', 'replication', 'vzdump', 'system-mail'] : ['acme', 'gc', 'package-updates', 'prune', 'sync', 'system-mail', 'tape-backup', 'tape-load', 'verify'];
		return types.map((value) => ({ field: 'type', value }));
	});
}
