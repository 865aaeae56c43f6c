import type { Product } from '../schema/types';

export type EndpointType = 'sendmail' | 'gotify' | 'smtp' | 'webhook';

export interface Endpoint {
	name: string;
	type: EndpointType;
	origin: 'builtin' | 'modified-builtin' | 'user-created';
	comment?: string;
	disable?: boolean;
	/** Type-specific options as the API takes them (url, method, body, header[], server, token...). */
	[key: string]: unknown;
}

export interface Matcher {
	name: string;
	origin: 'builtin' | 'modified-builtin' | 'user-created';
	mode?: 'all' | 'any';
	'invert-match'?: boolean;
	'match-severity'?: string[];
	'match-field'?: string[];
	'match-calendar'?: string[];
	target?: string[];
	comment?: string;
	disable?: boolean;
}

/** notifications.cfg + priv/notifications.cfg: endpoints, their secrets, matchers. */
export class NotificationConfig {
	readonly endpoints = new Map<string, Endpoint>();
	readonly matchers = new Map<string, Matcher>();
	/** Webhook secrets and gotify tokens live apart from the readable config. */
	private readonly secrets = new Map<string, Record<string, string>>();

	constructor(readonly product: Product) {
		this.endpoints.set('mail-to-root', { name: 'mail-to-root', type: 'sendmail', origin: 'builtin', mailto_user: ['root@pam'], comment: 'Send mails to root@pam\'s email address' });
		if (product === 'pve') this.matchers.set('default-matcher', { name: 'default-matcher', origin: 'builtin', mode: 'all', target: ['mail-to-root'], comment: 'Route all notifications to mail-to-root' });
		else this.matchers.set('default-matcher', { name: 'default-matcher', origin: 'builtin', mode: 'all', 'invert-match': true, 'match-field': ['exact:type=prune'], 'match-severity': ['info'], target: ['mail-to-root'], comment: 'Route everything but successful prune job notifications to mail-to-root' });
	}

	endpoint(name: string): Endpoint | undefined {
		return this.endpoints.get(name);
	}

	secretsOf(name: string): Record<string, string> {
		return { ...(this.secrets.get(name) ?? {}) };
	}

	setSecrets(name: string, values: Record<string, string>): void {
		this.secrets.set(name, values);
	}

	deleteEndpoint(name: string): void {
		this.endpoints.delete(name);
		this.secrets.delete(name);
	}
}
