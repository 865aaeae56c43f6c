/**
 * The safety class of an API Call (nodes/shared/actions/apiCall.ts), from its endpoint (method +
 * schema path template, or the concrete path for endpoints newer than the catalogue) and
 * parameters, and the masking of secrets in its answer. One mechanism for every Proxmox action
 * node; each product gives its own rule table (nodes/Proxmox/helpers/apiCallSafety.ts for PVE,
 * nodes/ProxmoxBackupServer/helpers/apiCallSafety.ts for PBS).
 *
 * Order: every DELETE is destructive; then the first matching destructive rule; then a GET is a
 * read; then the product's parameter check for writes (config changes, retention...); then a write
 * to an endpoint missing from the catalogue is destructive (its effect is unknown); else a write.
 */
import type { SafetyVerdict } from '../aiGuard';
import { REDACTED, Redactor } from '../transport';

/** A path segment in a rule: a `{variable}` of a template or a concrete value. */
export const SEGMENT = '[^/]+';

export interface EndpointRule {
	/** Methods the rule applies to; writes (POST, PUT) when absent. */
	methods?: string[];
	path: RegExp;
	reason: string;
	/** Extra condition on the parameters. */
	when?: (params: Record<string, unknown>) => boolean;
	/** The harm is done by the read itself (a guest file, a ticket): still gated in a dry run. */
	byReading?: boolean;
}

/** Endpoints whose answer carries a secret under a name the generic check does not know. */
export interface SecretAnswerRule {
	path: RegExp;
	keys: string[];
}

export interface ApiCallRules {
	/** Destructive endpoints, first match wins (DELETE is handled before). */
	destructive: EndpointRule[];
	secretAnswers: SecretAnswerRule[];
	/** Writes no rule matched: a class from the parameters (e.g. a config change removing a disk). */
	writeSafety?: (method: string, path: string, params: Record<string, unknown>) => SafetyVerdict;
}

export function truthy(value: unknown): boolean {
	return value === true || value === 1 || /^(1|true|yes|on)$/i.test(String(value ?? ''));
}

export function classifyApiCall(rules: ApiCallRules, method: string, path: string, params: Record<string, unknown>, known: boolean): SafetyVerdict {
	const upper = method.toUpperCase();
	if (upper === 'DELETE') return { safety: 'destructive', reason: 'every DELETE removes something' };
	for (const rule of rules.destructive) {
		if (!(rule.methods ?? ['POST', 'PUT']).includes(upper)) continue;
		if (!rule.path.test(path)) continue;
		if (rule.when && !rule.when(params)) continue;
		return { safety: 'destructive', reason: rule.reason, ...(rule.byReading ? { byReading: true } : {}) };
	}
	if (upper === 'GET') return 'read';
	const fromParams = rules.writeSafety?.(upper, path, params) ?? 'write';
	if (fromParams !== 'write') return fromParams;
	if (!known) return { safety: 'destructive', reason: 'the endpoint is not in the API schema, so its effect is unknown' };
	return 'write';
}

/** Answer fields that are secrets wherever they appear (tickets, passwords, keys, TFA recovery codes). */
export const SECRET_KEY = /^(ticket|csrfpreventiontoken|token|key|private-?key|privkey|recovery|keys|totp|otp)$|(password|passwd|secret)$|[-_]token$|^(password|secret)[-_]/i;

const masker = new Redactor();

/** Masks every secret-named field (any depth) of an output. */
export function maskSecretFields<T>(data: T): T {
	return masker.fields(data, (key) => SECRET_KEY.test(key));
}

/** Masks secrets in an API Call answer: secret-named fields everywhere, and the endpoint's own. */
export function maskApiAnswer<T>(rules: ApiCallRules, data: T, path: string): T {
	const extra = rules.secretAnswers.filter((rule) => rule.path.test(path)).flatMap((rule) => rule.keys);
	const top = extra.length && data && typeof data === 'object' && !Array.isArray(data) ? maskKeys(data as Record<string, unknown>, extra) : data;
	return masker.fields(top, (key) => SECRET_KEY.test(key)) as T;
}

function maskKeys(data: Record<string, unknown>, keys: string[]): Record<string, unknown> {
	const out = { ...data };
	for (const key of keys) if (key in out && out[key] !== null && out[key] !== undefined) out[key] = REDACTED;
	return out;
}

/** A rule's path as the README shows it (`{…}` for a segment). */
export function ruleText(rule: EndpointRule): string {
	const methods = (rule.methods ?? ['POST', 'PUT']).join('/');
	return `${methods} \`${rule.path.source.replace(/\[\^\/\]\+/g, '{…}').replace(/\\\//g, '/')}\`${rule.when ? ' (with its parameter condition)' : ''}: ${rule.reason}`;
}
