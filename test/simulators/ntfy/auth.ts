/**
 * ntfy authentication and topic authorization (server.go maybeAuthenticate/authenticate/
 * authorizeTopic, protocols.md §2.6): Basic, Bearer tokens, Basic with an empty user as a token,
 * and `?auth=` (base64url of the whole header value). Unknown schemes count as anonymous.
 */
import type { IncomingHttpHeaders } from 'node:http';

import { ERR, NtfyHttpError } from './errors';

export type NtfyPermission = 'read-write' | 'read-only' | 'write-only' | 'deny-all';

export interface NtfyUser {
	name: string;
	password: string;
	role?: 'admin' | 'user';
	/** `tk_` + 29 lowercase alphanumerics. */
	tokens?: string[];
	/** Topic (or `*`-wildcard pattern) → permission. */
	grants?: Record<string, NtfyPermission>;
}

export class NtfyAuth {
	private readonly failures = new Map<string, { count: number; since: number }>();

	constructor(
		private readonly users: NtfyUser[],
		private readonly defaultAccess: NtfyPermission,
		private readonly failureBurst: number,
	) {}

	/** The user, `null` for anonymous; throws 401 for bad credentials, 429 after too many failures. */
	authenticate(headers: IncomingHttpHeaders, query: URLSearchParams, ip: string): NtfyUser | null {
		let header = headers.authorization ?? '';
		const queryAuth = query.get('auth') ?? query.get('authorization');
		if (!header && queryAuth) {
			try {
				header = Buffer.from(queryAuth, 'base64url').toString('utf8');
			} catch {
				throw this.fail(ip);
			}
		}
		if (/^basic /i.test(header)) {
			const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
			const colon = decoded.indexOf(':');
			const name = colon >= 0 ? decoded.slice(0, colon) : decoded;
			const password = colon >= 0 ? decoded.slice(colon + 1) : '';
			if (name === '') return this.byToken(password, ip);
			const user = this.users.find((candidate) => candidate.name === name && candidate.password === password);
			if (!user) throw this.fail(ip);
			return user;
		}
		if (/^bearer /i.test(header)) return this.byToken(header.slice(7).trim(), ip);
		return null;
	}

	private byToken(token: string, ip: string): NtfyUser {
		const user = this.users.find((candidate) => candidate.tokens?.includes(token));
		if (!user) throw this.fail(ip);
		return user;
	}

	private fail(ip: string): NtfyHttpError {
		const entry = this.failures.get(ip) ?? { count: 0, since: Date.now() };
		entry.count += 1;
		this.failures.set(ip, entry);
		if (entry.count > this.failureBurst) return new NtfyHttpError(ERR.tooManyAuthFailures);
		return new NtfyHttpError(ERR.unauthorized);
	}

	/** Throws 403 when `user` (null = anonymous) may not `mode` the topic. */
	authorize(user: NtfyUser | null, topic: string, mode: 'read' | 'write'): void {
		if (user?.role === 'admin') return;
		const permission = this.permissionFor(user, topic);
		const allowed =
			permission === 'read-write' || (mode === 'read' ? permission === 'read-only' : permission === 'write-only');
		if (!allowed) throw new NtfyHttpError(ERR.forbidden);
	}

	private permissionFor(user: NtfyUser | null, topic: string): NtfyPermission {
		for (const [pattern, permission] of Object.entries(user?.grants ?? {})) {
			const regex = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
			if (regex.test(topic)) return permission;
		}
		return this.defaultAccess;
	}
}
