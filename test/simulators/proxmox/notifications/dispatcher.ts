import type { NotificationConfig } from './config';
import { matcherMatches } from './matcher';
import { deliver, type DeliveryResult } from './deliver';

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

	constructor(readonly config: NotificationConfig) {}

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

	async sendTo(target: string, event: NotificationEvent): Promise<DeliveryResult> {
		const endpoint = this.config.endpoint(target);
		let result: DeliveryResult;
		if (!endpoint) result = { ok: false, error: `target '${target}' does not exist` };
		else if (endpoint.disable) result = { ok: false, error: 'target disabled' };
		else result = await deliver(endpoint, this.config.secretsOf(target), event);
		this.sent.push({ event, target, result });
		return result;
	}
}
