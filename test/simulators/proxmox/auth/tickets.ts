import { createHmac, randomBytes } from 'crypto';
import type { Product } from '../schema/types';
import type { SimClock } from '../core/clock';

const hexTime = (t: number) => t.toString(16).toUpperCase().padStart(8, '0');

/**
 * Tickets `PVE:<userid>:<HEXTIME>::<signature>` (PBS: `PBS:`) and CSRF tokens `HEXTIME:base64`.
 * Signed with a per-start key (the real server signs with an RSA key); valid for the lifetime after
 * issue, with the real 5 minutes of tolerance for clock skew before issue.
 */
export class TicketAuthority {
	/** Rotated by the "expireTicket" fault, so every ticket issued before is rejected as expired. */
	private key = randomBytes(32);

	constructor(
		private readonly product: Product,
		private readonly clock: SimClock,
		public lifetimeSeconds: number,
	) {}

	private prefix(): string {
		return this.product === 'pve' ? 'PVE' : 'PBS';
	}

	private sign(data: string): string {
		return createHmac('sha256', this.key).update(data).digest('base64');
	}

	issue(userid: string): { ticket: string; csrf: string } {
		const time = hexTime(this.clock.now());
		const data = `${this.prefix()}:${userid}:${time}`;
		const ticket = `${data}::${this.sign(data)}`;
		return { ticket, csrf: this.csrfFor(userid, time) };
	}

	private csrfFor(userid: string, time: string): string {
		return `${time}:${this.sign(`csrf:${time}:${userid}`).replace(/=+$/, '')}`;
	}

	/** Returns the user id, or undefined when the ticket is forged, malformed or expired. */
	verify(ticket: string): string | undefined {
		const m = /^([A-Z]+):([^:]+):([0-9A-F]{8})::(.+)$/.exec(ticket);
		if (!m || m[1] !== this.prefix()) return undefined;
		const data = `${m[1]}:${m[2]}:${m[3]}`;
		if (this.sign(data) !== m[4]) return undefined;
		const issued = parseInt(m[3], 16);
		const age = this.clock.now() - issued;
		if (age < -300 || age > this.lifetimeSeconds) return undefined;
		return m[2];
	}

	verifyCsrf(userid: string, token: string | undefined): boolean {
		if (!token) return false;
		const m = /^([0-9A-F]{8}):(.+)$/.exec(token);
		if (!m) return false;
		const age = this.clock.now() - parseInt(m[1], 16);
		return age >= -300 && age <= this.lifetimeSeconds && this.csrfFor(userid, m[1]) === token;
	}

	/** Invalidates every ticket issued so far. */
	expireAll(): void {
		this.key = randomBytes(32);
	}
}
