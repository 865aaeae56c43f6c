/**
 * Username/password sessions: tickets cached per credential and host, renewed before their 2 h
 * lifetime by posting the current ticket as the password (pve-access-control), with the CSRF
 * token writes need. The cache lives in memory only, keyed by a hash of the credential.
 */
export const TICKET_LIFETIME_MS = 2 * 60 * 60 * 1000;
/** Renew once this old: Proxmox's own client refreshes in the last 30 minutes. */
export const TICKET_RENEW_AFTER_MS = TICKET_LIFETIME_MS - 30 * 60 * 1000;

export interface Ticket {
	username: string;
	ticket: string;
	csrfToken: string;
	clusterName?: string;
	obtainedAt: number;
}

const MAX_ENTRIES = 256;
const cache = new Map<string, Ticket>();

export function ticketKey(identity: string, origin: string): string {
	return `${identity}\u0000${origin}`;
}

export function getCachedTicket(key: string): Ticket | undefined {
	return cache.get(key);
}

export function storeTicket(key: string, ticket: Ticket): void {
	cache.delete(key);
	cache.set(key, ticket);
	if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
}

export function forgetTicket(key: string, ticket?: Ticket): void {
	// Only forget the ticket the caller saw fail: a parallel request may have renewed it already.
	if (!ticket || cache.get(key)?.ticket === ticket.ticket) cache.delete(key);
}

export function ticketState(ticket: Ticket, now: number): 'fresh' | 'renew' | 'expired' {
	const age = now - ticket.obtainedAt;
	if (age >= TICKET_LIFETIME_MS) return 'expired';
	if (age >= TICKET_RENEW_AFTER_MS) return 'renew';
	return 'fresh';
}

/** Tests only. */
export function clearTicketCache(): void {
	cache.clear();
}
