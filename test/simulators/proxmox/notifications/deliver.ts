import Handlebars from 'handlebars';
import type { Endpoint } from './config';
import type { NotificationEvent } from './dispatcher';
import { deliverSendmail, deliverSmtp, type MailContext, type MailDelivery } from './mail';

export interface DeliveryResult {
	ok: boolean;
	status?: number;
	error?: string;
	/** What went on the wire, for tests (webhook/gotify only). */
	request?: { method: string; url: string; headers: Record<string, string>; body: string };
	/** The mail a sendmail/smtp target sent (or, for sendmail without a relay, built). */
	mail?: MailDelivery;
}

const hb = Handlebars.create();
hb.registerHelper('json', (v: unknown) => new hb.SafeString(JSON.stringify(v)));
hb.registerHelper('escape', (v: unknown) => new hb.SafeString(JSON.stringify(String(v ?? '')).slice(1, -1)));
hb.registerHelper('url-encode', (v: unknown) => new hb.SafeString(encodeURIComponent(String(v ?? ''))));

const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

/** `name=<name>,value=<base64>` property strings of webhook header[] and secret[]. */
export function parseNameValue(entry: string): { name: string; value?: string } {
	const out: Record<string, string> = {};
	for (const part of entry.split(',')) {
		const eq = part.indexOf('=');
		if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
	}
	return { name: out.name ?? '', value: out.value };
}

function render(template: string, data: Record<string, unknown>): string {
	return hb.compile(template, { noEscape: true })(data);
}

const GOTIFY_PRIORITY: Record<string, number> = { info: 1, notice: 3, warning: 5, error: 9, unknown: 3 };

function mask(text: string, secrets: Record<string, string>): string {
	let out = text;
	for (const v of Object.values(secrets)) if (v) out = out.split(v).join('<masked>');
	return out;
}

async function send(method: string, url: string, headers: Record<string, string>, body: string, secrets: Record<string, string>): Promise<DeliveryResult> {
	const request = { method, url, headers, body };
	try {
		const res = await fetch(url, { method, headers, body: method === 'GET' && !body ? undefined : body, signal: AbortSignal.timeout(10_000) });
		await res.arrayBuffer();
		if (res.status < 200 || res.status >= 300) return { ok: false, status: res.status, error: `HTTP status ${res.status}`, request };
		return { ok: true, status: res.status, request };
	} catch (e) {
		return { ok: false, error: mask(`could not notify via endpoint(s): ${(e as Error).message}`, secrets), request };
	}
}

/** Sends one notification to one endpoint; sendmail/smtp send real mail (see mail.ts). */
export async function deliver(endpoint: Endpoint, secrets: Record<string, string>, event: NotificationEvent, mail?: MailContext): Promise<DeliveryResult> {
	if ((endpoint.type === 'sendmail' || endpoint.type === 'smtp') && mail) {
		try {
			const sent = endpoint.type === 'sendmail' ? await deliverSendmail(endpoint, event, mail) : await deliverSmtp(endpoint, secrets, event, mail);
			return { ok: true, mail: sent };
		} catch (e) {
			return { ok: false, error: mask(`could not notify via endpoint(s): ${endpoint.name}: ${(e as Error).message}`, secrets) };
		}
	}
	if (endpoint.type === 'webhook') {
		const data = { title: event.title, message: event.message, severity: event.severity, timestamp: event.timestamp, fields: event.fields, secrets };
		const method = String(endpoint.method ?? 'post').toUpperCase();
		const url = render(String(endpoint.url ?? ''), data);
		const headers: Record<string, string> = {};
		for (const h of (endpoint.header as string[] | undefined) ?? []) {
			const { name, value } = parseNameValue(h);
			if (name) headers[name] = render(value ? decode(value) : '', data);
		}
		const body = endpoint.body ? render(decode(String(endpoint.body)), data) : '';
		return send(method, url, headers, body, secrets);
	}
	if (endpoint.type === 'gotify') {
		const server = String(endpoint.server ?? '').replace(/\/+$/, '');
		const token = secrets.token ?? '';
		// As proxmox-notify's gotify.rs: the plain-text body fenced as Markdown code, priority by
		// severity (unknown = 3), and the token in both headers.
		const body = JSON.stringify({
			title: event.title,
			message: `\`\`\`\n${event.message}\n\`\`\``,
			priority: GOTIFY_PRIORITY[event.severity] ?? 3,
			extras: { 'client::display': { contentType: 'text/markdown' } },
		});
		const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'X-Gotify-Key': token };
		return send('POST', `${server}/message`, headers, body, secrets);
	}
	return { ok: true };
}
