import type { IncomingHttpHeaders } from 'http';
import type { Product } from '../schema/types';
import { ApiError } from '../core/errors';
import type { AccessStore } from './access';
import type { TicketAuthority } from './tickets';
import type { SimClock } from '../core/clock';

export interface Identity {
	/** `user@realm` or `user@realm!token`. */
	authId: string;
	userid: string;
	tokenName?: string;
	viaTicket: boolean;
}

function cookie(headers: IncomingHttpHeaders, name: string): string | undefined {
	for (const part of (headers.cookie ?? '').split(';')) {
		const [k, ...v] = part.trim().split('=');
		if (k === name) return decodeURIComponent(v.join('='));
	}
	return undefined;
}

const unauthorized = (message: string) => new ApiError(401, message);

/**
 * The auth layer of pveproxy (PVE/HTTPServer.pm auth_handler) and proxmox-backup-proxy:
 * API token header first, then the ticket cookie (or `Authorization: PVEAuthCookie=`),
 * CSRF token required on writes authenticated by a ticket.
 */
export function authenticate(
	product: Product,
	headers: IncomingHttpHeaders,
	method: string,
	access: AccessStore,
	tickets: TicketAuthority,
	clock: SimClock,
	/** pveproxy skips the CSRF check for file uploads (HTTPServer.pm: HTML forms cannot send the header). */
	options: { csrfExempt?: boolean } = {},
): Identity {
	const P = product === 'pve' ? 'PVE' : 'PBS';
	const authz = headers.authorization ?? '';
	const tokenMatch = new RegExp(`^${P}APIToken=(.+)$`).exec(authz);
	if (tokenMatch) {
		const sep = product === 'pve' ? '=' : ':';
		const raw = tokenMatch[1];
		const cut = raw.indexOf(sep, raw.indexOf('!'));
		const tokenId = cut > 0 ? raw.slice(0, cut) : raw;
		const secret = cut > 0 ? raw.slice(cut + 1) : '';
		const m = /^([^!\s]+@[^!\s]+)!([A-Za-z][A-Za-z0-9.\-_]+)$/.exec(tokenId);
		if (!m) throw unauthorized(product === 'pve' ? `invalid token ID '${tokenId}'` : 'authentication failed - invalid token id');
		const [, userid, name] = m;
		const user = access.users.get(userid);
		if (!user) throw unauthorized(product === 'pve' ? `user '${userid}' does not exist` : 'authentication failed - no such user');
		if (!user.enable) throw unauthorized(product === 'pve' ? 'user account disabled' : 'authentication failed - user account disabled');
		const token = user.tokens.get(name);
		if (!token) throw unauthorized(product === 'pve' ? `no such token '${name}' for user '${userid}'` : 'authentication failed - no such token');
		if (token.expire && token.expire < clock.now()) throw unauthorized(product === 'pve' ? `token '${name}' for user '${userid}' expired` : 'authentication failed - token expired');
		if (token.secret !== secret) throw unauthorized(product === 'pve' ? 'invalid token value!' : 'authentication failed - invalid token secret');
		return { authId: tokenId, userid, tokenName: name, viaTicket: false };
	}
	const cookieName = `${P}AuthCookie`;
	let ticket = cookie(headers, cookieName);
	const headerTicket = new RegExp(`^${cookieName}=(.+)$`).exec(authz);
	if (!ticket && headerTicket) ticket = headerTicket[1];
	if (!ticket) throw unauthorized(product === 'pve' ? 'No ticket' : 'authentication failed - no authentication credentials provided.');
	const userid = tickets.verify(ticket);
	if (!userid) throw unauthorized(product === 'pve' ? 'permission denied - invalid PVE ticket' : 'authentication failed - invalid ticket');
	const user = access.users.get(userid);
	if (!user || !user.enable) throw unauthorized(product === 'pve' ? 'permission denied - invalid PVE ticket' : 'authentication failed - user account disabled');
	if (method !== 'GET' && method !== 'HEAD' && !options.csrfExempt) {
		const csrf = headers['csrfpreventiontoken'];
		if (!tickets.verifyCsrf(userid, Array.isArray(csrf) ? csrf[0] : csrf)) {
			throw unauthorized(product === 'pve' ? 'Permission denied - invalid csrf token' : 'authentication failed - invalid csrf token');
		}
	}
	return { authId: userid, userid, viaTicket: true };
}
