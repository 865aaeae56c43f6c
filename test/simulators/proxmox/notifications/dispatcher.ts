import type { NotificationConfig } from './config';
import { matcherMatches } from './matcher';
import { deliver, type DeliveryResult } from './deliver';
import { deliverSendmail, type MailContext } from './mail';

export interface NotificationEvent {
	title: string;
	message: string;
	severity: 'info' | 'notice' | 'warning' | 'error' | 'unknown';
	timestamp: number;
	fields: Record<string, string>;
}

/**
 * proxmox-notify's send path: every enabled matcher that matches the event names targets; each
 * target gets the notification once, no retry.
 */
export class NotificationHub {
	readonly sent: Array<{ event: NotificationEvent; target: string; result: DeliveryResult }> = [];
	readonly events: NotificationEvent[] = [];
	/** Mails sent outside the notification system (vzdump's legacy mailto). */
	readonly directMails: Array<{ event: NotificationEvent; mailto: string; result: DeliveryResult }> = [];

	/** How sendmail/smtp targets send mail: the host MTA relay and user e-mail lookup (set by the simulator). */
	readonly mail: MailContext;

	constructor(readonly config: NotificationConfig) {
		this.mail = { product: config.product, relay: null, userEmail: () => undefined };
	}

	/** Targets the enabled matchers route an event to (what vzdump logs as `notified via target`). */
	targetsFor(event: NotificationEvent): string[] {
		const targets = new Set<string>();
		for (const m of this.config.matchers.values()) {
			if (m.disable) continue;
			if (matcherMatches(m, event, new Date(event.timestamp * 1000))) for (const t of m.target ?? []) targets.add(t);
		}
		return [...targets];
	}

	async emit(event: NotificationEvent): Promise<void> {
		this.events.push(event);
		await Promise.all(this.targetsFor(event).map((t) => this.sendTo(t, event)));
	}

	/**
	 * A mail sent with sendmail outside matchers and targets (vzdump's legacy `mailto`): recipients
	 * are addresses or user names (`root@pam` → its e-mail). Recorded in `directMails`, not in
	 * `sent`: the notification system never sees it.
	 */
	async sendDirectMail(event: NotificationEvent, mailto: string, author: string): Promise<DeliveryResult> {
		const entries = mailto.split(/[,;\s]+/).filter(Boolean);
		const endpoint = { name: 'mailto', type: 'sendmail' as const, origin: 'user-created' as const, author, mailto: entries.filter((e) => !/@(pam|pve|pbs)$/.test(e)), 'mailto-user': entries.filter((e) => /@(pam|pve|pbs)$/.test(e)) };
		let result: DeliveryResult;
		try {
			result = { ok: true, mail: await deliverSendmail(endpoint, event, this.mail) };
		} catch (e) {
			result = { ok: false, error: (e as Error).message };
		}
		this.directMails.push({ event, mailto, result });
		return result;
	}

	async sendTo(target: string, event: NotificationEvent): Promise<DeliveryResult> {
		const endpoint = this.config.endpoint(target);
		let result: DeliveryResult;
		if (!endpoint) result = { ok: false, error: `target '${target}' does not exist` };
		else if (endpoint.disable) result = { ok: false, error: 'target disabled' };
		else result = await deliver(endpoint, this.config.secretsOf(target), event, this.mail);
		this.sent.push({ event, target, result });
		return result;
	}
}
