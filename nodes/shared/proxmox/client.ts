/**
 * The one Proxmox API client of the package (Proxmox VE and Backup Server): every Proxmox node, trigger and
 * credential test goes through it. Built on nodes/shared/transport (undici pool per credential,
 * keep-alive under pveproxy's 5 s, TLS modes); adds Proxmox auth (API token or ticket with CSRF),
 * cluster failover, error mapping and boolean normalisation.
 */
import {
	getPool,
	httpRequest,
	REDACTED,
	Redactor,
	TransportError,
	type HttpMethod,
	type HttpResponse,
} from '../transport';
import type { Dispatcher } from 'undici';

import { normaliseBooleans } from './booleans';
import { configIdentity, endpointLabel, type ProxmoxConfig, type ProxmoxEndpoint } from './config';
import { encodeParams, type ProxmoxParams } from './encode';
import { apiErrorFromResponse, ProxmoxApiError, ProxmoxAuthError, ProxmoxOutcomeUnknownError } from './errors';
import { isSafeToRepeat, shouldFailOver } from './failover';
import { assertSafeApiPath } from './validate';
import { pbsPermissionHint, type PbsRequirement } from './pbs-privileges';
import { forgetTicket, getCachedTicket, storeTicket, ticketKey, ticketState, type Ticket } from './tickets';

export type ProxmoxMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ProxmoxRequestOptions {
	timeoutMs?: number;
	signal?: AbortSignal;
	/** Raw body instead of encoded params (uploads); the caller sets its content type. */
	body?: { contentType: string; data: Buffer };
	/** Keep Proxmox's 0/1 as numbers. */
	rawBooleans?: boolean;
}

export interface ProxmoxResponse<T = unknown> {
	data: T;
	total?: number;
	/** The host that answered. */
	host: string;
}

/** The request a write would have sent, for "dry run". */
export interface PlannedRequest {
	method: ProxmoxMethod;
	url: string;
	contentType?: string;
	body?: string;
	authentication: string;
}

/** Thrown instead of sending a write when the client runs in dry-run mode. */
export class DryRunInterrupt extends Error {
	constructor(readonly request: PlannedRequest) {
		super(`Dry run: ${request.method} ${request.url}`);
		this.name = 'DryRunInterrupt';
	}
}

export interface ProxmoxClientOptions {
	/** Default per-request budget (ms). */
	timeoutMs?: number;
	dryRun?: boolean;
	/** Largest answer accepted (default 64 MiB, the transport's limit). */
	maxBodyBytes?: number;
	/** Clock for ticket ages (tests). */
	now?: () => number;
	/**
	 * PBS: the privilege an endpoint needs (from the node's schema catalogue), so a 403, which PBS
	 * answers without naming it, says what to grant.
	 */
	requirementFor?: (method: ProxmoxMethod, path: string) => PbsRequirement | undefined;
}

const API_BASE = '/api2/json';
const SECRET_FIELD = /password|secret|token|key$/i;

/** Masks values of secret-looking form fields (a container's root password...) in a dry-run body. */
export function maskSecretFields(form: string): string {
	const params = new URLSearchParams(form);
	for (const key of new Set(params.keys())) {
		if (SECRET_FIELD.test(key)) params.set(key, REDACTED);
	}
	return params.toString().replace(/%2A%2A%2A/g, REDACTED);
}
/** Host that last answered, per credential: a dead first host is not retried on every call. */
const preferredHost = new Map<string, number>();

export class ProxmoxClient {
	readonly identity: string;
	private readonly dispatcher: Dispatcher;
	private redactor: Redactor;
	private readonly timeoutMs: number;
	private readonly now: () => number;
	/** Count of HTTP exchanges made (bench and tests). */
	requestCount = 0;

	constructor(
		readonly config: ProxmoxConfig,
		readonly options: ProxmoxClientOptions = {},
	) {
		this.identity = configIdentity(config);
		this.dispatcher = getPool(this.identity, { tls: config.tls });
		const auth = config.auth;
		this.redactor = new Redactor(auth.method === 'token' ? [auth.secret, `${auth.tokenId}=${auth.secret}`] : [auth.password]);
		this.timeoutMs = options.timeoutMs ?? 30000;
		this.now = options.now ?? Date.now;
	}

	get product() {
		return this.config.product;
	}

	get dryRun(): boolean {
		return this.options.dryRun === true;
	}

	/** Masks this credential's secrets (and its tickets) in any text. */
	redact(text: string): string {
		return this.redactor.text(text);
	}

	async get<T = unknown>(path: string, params?: ProxmoxParams, options?: ProxmoxRequestOptions): Promise<T> {
		return (await this.request<T>('GET', path, params, options)).data;
	}

	async post<T = unknown>(path: string, params?: ProxmoxParams, options?: ProxmoxRequestOptions): Promise<T> {
		return (await this.request<T>('POST', path, params, options)).data;
	}

	async put<T = unknown>(path: string, params?: ProxmoxParams, options?: ProxmoxRequestOptions): Promise<T> {
		return (await this.request<T>('PUT', path, params, options)).data;
	}

	async delete<T = unknown>(path: string, params?: ProxmoxParams, options?: ProxmoxRequestOptions): Promise<T> {
		return (await this.request<T>('DELETE', path, params, options)).data;
	}

	/**
	 * Sends one API call (path relative to /api2/json), failing over across the credential's hosts
	 * where that is safe, and returns the answer's `data` (booleans normalised) and `total`.
	 */
	async request<T = unknown>(
		method: ProxmoxMethod,
		path: string,
		params?: ProxmoxParams,
		options: ProxmoxRequestOptions = {},
	): Promise<ProxmoxResponse<T>> {
		assertSafeApiPath(path);
		const encoded = encodeParams(params);
		const queryInUrl = method === 'GET' || method === 'DELETE';
		const relative = `${API_BASE}${path}${queryInUrl && encoded ? `?${encoded}` : ''}`;
		const body = options.body ?? (!queryInUrl && encoded ? { contentType: 'application/x-www-form-urlencoded', data: Buffer.from(encoded) } : undefined);
		if (this.dryRun && method !== 'GET') {
			throw new DryRunInterrupt({
				method,
				url: this.redactor.url(`${this.orderedEndpoints()[0].endpoint.origin}${relative}`),
				contentType: body?.contentType,
				body: body && !options.body ? maskSecretFields(this.redactor.text(body.data.toString('utf8'))) : body ? `<${body.data.length} bytes>` : undefined,
				authentication: this.config.auth.method === 'token' ? `API token ${this.config.auth.tokenId}` : `ticket of ${this.config.auth.username} (+ CSRFPreventionToken)`,
			});
		}
		let lastError: unknown;
		const transportFailures: Array<{ host: string; error: TransportError }> = [];
		for (const { endpoint, index } of this.orderedEndpoints()) {
			try {
				const response = await this.sendAuthenticated(endpoint, method, relative, body, options);
				if (shouldFailOver(method, { status: response.status })) {
					lastError = apiErrorFromResponse(response, { method, path, host: endpointLabel(endpoint) }, this.redactor);
					continue;
				}
				preferredHost.set(this.identity, index);
				return this.parse<T>(response, method, path, endpoint, options);
			} catch (error) {
				if (error instanceof TransportError && shouldFailOver(method, { error })) {
					lastError = error;
					transportFailures.push({ host: endpointLabel(endpoint), error });
					continue;
				}
				if (error instanceof TransportError && error.requestMayHaveReachedServer && (error.kind === 'reset' || error.kind === 'timeout') && !isSafeToRepeat(method)) {
					// The write reached the server and its answer was lost: it may have run. Never
					// repeat it (elsewhere or here); tell the user how to find out.
					throw new ProxmoxOutcomeUnknownError(method, path, endpointLabel(endpoint), error);
				}
				// This client has no n8n node to attach; callers convert with toNodeError().
				throw error;
			}
		}
		if (transportFailures.length > 1 && transportFailures.length === this.config.endpoints.length) {
			// Every host failed before answering: name each one with its port and its own reason.
			const last = transportFailures[transportFailures.length - 1].error;
			throw new TransportError(
				`No host answered. ${transportFailures.map(({ host, error }) => `${host}: ${error.message}`).join('; ')}`,
				last.kind,
				transportFailures.some(({ error }) => error.requestMayHaveReachedServer),
				last.code,
				last.presentedFingerprint,
				transportFailures.map(({ host }) => host).join(', '),
			);
		}
		throw lastError ?? new Error('No Proxmox host configured');
	}

	/** The credential's hosts, starting with the one that answered last. */
	private orderedEndpoints(): Array<{ endpoint: ProxmoxEndpoint; index: number }> {
		const endpoints = this.config.endpoints;
		const start = preferredHost.get(this.identity) ?? 0;
		return endpoints.map((_, offset) => {
			const index = (start + offset) % endpoints.length;
			return { endpoint: endpoints[index], index };
		});
	}

	private parse<T>(response: HttpResponse, method: ProxmoxMethod, path: string, endpoint: ProxmoxEndpoint, options: ProxmoxRequestOptions): ProxmoxResponse<T> {
		if (response.status < 200 || response.status >= 300) {
			const error = apiErrorFromResponse(response, { method, path, host: endpointLabel(endpoint) }, this.redactor);
			if (error.status === 403 && this.product === 'pbs') {
				const auth = this.config.auth;
				const pathOnly = path.replace(/\?.*$/, '');
				error.permissionHint = pbsPermissionHint(this.options.requirementFor?.(method, pathOnly), auth.method === 'token' ? auth.tokenId : auth.username, auth.method === 'token');
			}
			throw error;
		}
		const json = response.json<{ data?: unknown; total?: unknown }>();
		if (json === undefined || typeof json !== 'object' || json === null) {
			throw new ProxmoxApiError(
				`Unexpected answer (not JSON) from ${endpointLabel(endpoint)}: ${this.redactor.text(response.text().slice(0, 200))}`,
				response.status,
				method,
				path,
				endpointLabel(endpoint),
			);
		}
		let data: unknown = json.data ?? null;
		if (!options.rawBooleans && this.product === 'pve') data = normaliseBooleans(method, path, data);
		const total = typeof json.total === 'number' ? json.total : json.total !== undefined ? Number(json.total) : undefined;
		return { data: data as T, total, host: endpoint.host };
	}

	private async sendAuthenticated(
		endpoint: ProxmoxEndpoint,
		method: ProxmoxMethod,
		relative: string,
		body: { contentType: string; data: Buffer } | undefined,
		options: ProxmoxRequestOptions,
	): Promise<HttpResponse> {
		const auth = this.config.auth;
		const prefix = this.product === 'pve' ? 'PVE' : 'PBS';
		if (auth.method === 'token') {
			const separator = this.product === 'pve' ? '=' : ':';
			return await this.send(endpoint, method, relative, body, options, {
				Authorization: `${prefix}APIToken=${auth.tokenId}${separator}${auth.secret}`,
			});
		}
		const ticket = await this.ticketFor(endpoint);
		const response = await this.send(endpoint, method, relative, body, options, this.ticketHeaders(ticket, method));
		if (response.status !== 401) return response;
		// The ticket expired or was revoked (e.g. the 2 h lifetime passed mid-workflow): the call
		// was rejected before it ran, so one retry after a fresh login is safe for any method.
		forgetTicket(ticketKey(this.identity, endpoint.origin), ticket);
		const fresh = await this.login(endpoint);
		return await this.send(endpoint, method, relative, body, options, this.ticketHeaders(fresh, method));
	}

	private ticketHeaders(ticket: Ticket, method: string): Record<string, string> {
		const prefix = this.product === 'pve' ? 'PVE' : 'PBS';
		const headers: Record<string, string> = { Cookie: `${prefix}AuthCookie=${encodeURIComponent(ticket.ticket)}` };
		if (method !== 'GET') headers.CSRFPreventionToken = ticket.csrfToken;
		return headers;
	}

	private async ticketFor(endpoint: ProxmoxEndpoint): Promise<Ticket> {
		const key = ticketKey(this.identity, endpoint.origin);
		const cached = getCachedTicket(key);
		if (cached) {
			this.redactor = this.redactor.with(cached.ticket, cached.csrfToken);
			const state = ticketState(cached, this.now());
			if (state === 'fresh') return cached;
			if (state === 'renew') {
				try {
					return await this.login(endpoint, cached.ticket);
				} catch (error) {
					if (error instanceof TransportError) throw error;
					// A refused renewal falls back to a password login below.
				}
			}
			forgetTicket(key, cached);
		}
		return await this.login(endpoint);
	}

	/** POST /access/ticket with the password, or with the current ticket to renew it. */
	private async login(endpoint: ProxmoxEndpoint, currentTicket?: string): Promise<Ticket> {
		const auth = this.config.auth;
		if (auth.method !== 'password') throw new Error('login() needs password authentication');
		const form = encodeParams({ username: auth.username, password: currentTicket ?? auth.password });
		const response = await this.send(endpoint, 'POST', `${API_BASE}/access/ticket`, { contentType: 'application/x-www-form-urlencoded', data: Buffer.from(form) }, {}, {});
		if (response.status === 401 || response.status === 403) {
			throw new ProxmoxAuthError(
				`Login as ${auth.username} on ${endpointLabel(endpoint)} failed: ${this.redactor.text(response.statusText || 'authentication failure')}. Check user name, realm and password.`,
				'rejected',
			);
		}
		if (response.status < 200 || response.status >= 300) {
			throw apiErrorFromResponse(response, { method: 'POST', path: '/access/ticket', host: endpointLabel(endpoint) }, this.redactor);
		}
		const data = response.json<{ data?: Record<string, unknown> }>()?.data ?? {};
		if (data.NeedTFA || (typeof data.ticket === 'string' && data.ticket.includes('!tfa!'))) {
			throw new ProxmoxAuthError(
				`The account ${auth.username} uses two-factor authentication, which an automation cannot answer. Use an API token instead (Datacenter > Permissions > API Tokens).`,
				'tfa',
			);
		}
		if (typeof data.ticket !== 'string' || typeof data.CSRFPreventionToken !== 'string') {
			throw new ProxmoxAuthError(`Login on ${endpointLabel(endpoint)} returned no ticket`, 'rejected');
		}
		const ticket: Ticket = {
			username: typeof data.username === 'string' ? data.username : auth.username,
			ticket: data.ticket,
			csrfToken: data.CSRFPreventionToken,
			clusterName: typeof data.clustername === 'string' ? data.clustername : undefined,
			obtainedAt: this.now(),
		};
		this.redactor = this.redactor.with(ticket.ticket, ticket.csrfToken);
		storeTicket(ticketKey(this.identity, endpoint.origin), ticket);
		return ticket;
	}

	private async send(
		endpoint: ProxmoxEndpoint,
		method: HttpMethod,
		relative: string,
		body: { contentType: string; data: Buffer } | undefined,
		options: ProxmoxRequestOptions,
		authHeaders: Record<string, string>,
	): Promise<HttpResponse> {
		const headers: Record<string, string> = { Accept: 'application/json', ...authHeaders };
		if (body) headers['Content-Type'] = body.contentType;
		this.requestCount += 1;
		return await httpRequest({
			method,
			url: `${endpoint.origin}${relative}`,
			headers,
			body: body?.data,
			timeoutMs: options.timeoutMs ?? this.timeoutMs,
			dispatcher: this.dispatcher,
			signal: options.signal,
			redactor: this.redactor,
			maxBodyBytes: this.options.maxBodyBytes,
		});
	}
}
