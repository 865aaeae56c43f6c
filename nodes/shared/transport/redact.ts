/**
 * Keeps secrets (tokens, passwords, tickets, CSRF tokens) out of error messages, logs and node
 * output: every text that leaves the transport passes through a Redactor.
 */
export const REDACTED = '***';

/** Header names whose values are always secret. */
const SECRET_HEADERS = new Set([
	'authorization',
	'cookie',
	'set-cookie',
	'csrfpreventiontoken',
	'x-gotify-key',
	'proxy-authorization',
]);

export class Redactor {
	private readonly secrets: string[];

	constructor(secrets: Array<string | undefined | null> = []) {
		// Longest first so a secret containing another is masked whole; very short values are
		// not masked (they would shred ordinary text) and are never accepted as secrets anyway.
		this.secrets = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4))].sort(
			(a, b) => b.length - a.length,
		);
	}

	with(...more: Array<string | undefined | null>): Redactor {
		return new Redactor([...this.secrets, ...more]);
	}

	text(value: string): string {
		let out = value;
		for (const secret of this.secrets) {
			out = out.split(secret).join(REDACTED);
			const encoded = encodeURIComponent(secret);
			if (encoded !== secret) out = out.split(encoded).join(REDACTED);
		}
		return out;
	}

	/** Deep copy of a JSON-like value with secrets masked in every string. */
	value<T>(value: T): T {
		if (typeof value === 'string') return this.text(value) as T;
		if (Array.isArray(value)) return value.map((entry) => this.value(entry)) as T;
		if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
			const out: Record<string, unknown> = {};
			for (const [key, entry] of Object.entries(value)) out[key] = this.value(entry);
			return out as T;
		}
		return value;
	}

	/**
	 * Deep copy of a JSON-like value with the values of secret-named fields masked (whatever
	 * their value) and the known secrets masked in every other string.
	 */
	fields<T>(value: T, isSecretKey: (key: string) => boolean): T {
		if (Array.isArray(value)) return value.map((entry) => this.fields(entry, isSecretKey)) as T;
		if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
			const out: Record<string, unknown> = {};
			for (const [key, entry] of Object.entries(value)) {
				out[key] = isSecretKey(key) && entry !== null && entry !== undefined && entry !== '' ? REDACTED : this.fields(entry, isSecretKey);
			}
			return out as T;
		}
		return this.value(value);
	}

	headers(headers: Record<string, string | string[] | undefined>): Record<string, string | string[] | undefined> {
		const out: Record<string, string | string[] | undefined> = {};
		for (const [name, value] of Object.entries(headers)) {
			out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : this.value(value);
		}
		return out;
	}

	/** URL with secret query parameters (token, password...) and userinfo masked. */
	url(value: string): string {
		try {
			const url = new URL(value);
			if (url.password) url.password = REDACTED;
			for (const key of [...url.searchParams.keys()]) {
				if (/token|password|secret|auth|key/i.test(key)) url.searchParams.set(key, REDACTED);
			}
			return this.text(url.toString().replace(/%2A%2A%2A/g, REDACTED));
		} catch {
			return this.text(value);
		}
	}
}
