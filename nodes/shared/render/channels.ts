/**
 * The event rendered in each channel's richest native format, from one EventView:
 * Markdown (Gotify, ntfy), a Discord embed, and an e-mail (HTML with a plain-text alternative).
 * Every text that comes from the event or the analysis is escaped for its format here.
 */
import type { EventSeverity } from '../events';
import { SEVERITY_LABEL, type EventAction, type EventView } from './model';
import { codePointLength, escapeHtml, escapeMarkdownInline, markdownCodeBlock, markdownLinkTarget, oneLine, truncate } from './text';

/** Headline used as notification title and subject: `[ERROR] pve1: backup.guest.failed 100 on pve1`. */
export function headline(view: EventView, maxLength = 250): string {
	const host = view.host ? `${oneLine(view.host)}: ` : '';
	return truncate(`[${SEVERITY_LABEL[view.severity]}] ${host}${view.title}`, maxLength);
}

// ---------------------------------------------------------------- Markdown (Gotify, ntfy)

/** Markdown body (CommonMark; Gotify's and ntfy's clients render it). Titles are sent apart. */
export function renderMarkdown(view: EventView, options: { maxLength?: number; actions?: boolean } = {}): string {
	const blocks: string[] = [];
	if (view.facts.length > 0) blocks.push(view.facts.map((fact) => `- **${fact.label}:** ${escapeMarkdownInline(fact.value)}`).join('\n'));
	if (view.message) blocks.push(markdownCodeBlock(view.message));
	if (view.logExcerpt) blocks.push(`**Task log**\n\n${markdownCodeBlock(view.logExcerpt)}`);
	if (view.analysis) {
		const a = view.analysis;
		const lines: string[] = ['**AI analysis**', ''];
		if (a.summary) lines.push(`**Summary:** ${escapeMarkdownInline(a.summary)}`, '');
		if (a.probableCause) lines.push(`**Probable cause:** ${escapeMarkdownInline(a.probableCause)}`, '');
		if (a.recommendedActions?.length) {
			lines.push('**Recommended actions:**', '', ...a.recommendedActions.map((action, i) => `${i + 1}. ${escapeMarkdownInline(action)}`), '');
		}
		if (a.evidence?.length) lines.push('**Evidence:**', '', ...a.evidence.map((entry) => `- ${escapeMarkdownInline(entry)}`), '');
		if (a.needsHuman !== undefined) lines.push(`**Needs a human:** ${a.needsHuman ? 'yes' : 'no'}`);
		blocks.push(lines.join('\n').trim());
	}
	// ntfy shows the actions as buttons instead (renderNtfy).
	if (options.actions !== false && view.actions.length > 0) blocks.push(['**Actions**', '', ...view.actions.map(markdownAction)].join('\n'));
	if (view.link) blocks.push(`[Open in Proxmox](${markdownLinkTarget(view.link)})`);
	const body = blocks.join('\n\n');
	return options.maxLength ? truncateMarkdown(body, options.maxLength) : body;
}

/** A GET action is a link; a POST action is its URL as code, to copy (a link would be a GET). */
function markdownAction(action: EventAction): string {
	const label = escapeMarkdownInline(action.label);
	return action.method === 'GET' ? `- [${label}](${markdownLinkTarget(action.url)})` : `- ${label}: \`POST ${action.url.replace(/`/g, '%60')}\``;
}

/** Cuts Markdown to a size, closing an open code fence so the rest does not turn into code. */
function truncateMarkdown(body: string, maxLength: number): string {
	if (codePointLength(body) <= maxLength) return body;
	let cut = truncate(body, maxLength - 4);
	if ((cut.match(/^```$/gm)?.length ?? 0) % 2 === 1) cut += '\n```';
	return cut;
}

// ---------------------------------------------------------------- Gotify

/**
 * Gotify priority from severity: the inverse of `severityFromGotifyPriority`, which reads
 * Proxmox's own Gotify target (info=1, notice=3, warning=5, error=9), so each round-trips.
 */
export function gotifyPriority(severity: EventSeverity): number {
	switch (severity) {
		case 'debug':
			return 0;
		case 'info':
			return 1;
		case 'notice':
			return 3;
		case 'warning':
			return 5;
		case 'error':
			return 9;
		default:
			return 10;
	}
}

export function renderGotify(view: EventView): { title: string; message: string; priority: number; extras: Record<string, unknown> } {
	const extras: Record<string, unknown> = { 'client::display': { contentType: 'text/markdown' } };
	if (view.link) extras['client::notification'] = { click: { url: view.link } };
	return { title: headline(view), message: renderMarkdown(view), priority: gotifyPriority(view.severity), extras };
}

// ---------------------------------------------------------------- ntfy

/** ntfy priority (1..5) from severity: the inverse of `severityFromNtfyPriority` where it can be. */
export function ntfyPriority(severity: EventSeverity): number {
	switch (severity) {
		case 'debug':
			return 1;
		case 'info':
			return 2;
		case 'notice':
			return 3;
		case 'warning':
		case 'error':
			return 4;
		default:
			return 5;
	}
}

/** ntfy shows tags that are emoji short codes as emoji in front of the title. */
const SEVERITY_EMOJI: Record<EventSeverity, string> = {
	emergency: 'sos',
	alert: 'rotating_light',
	critical: 'rotating_light',
	error: 'x',
	warning: 'warning',
	notice: 'bell',
	info: 'information_source',
	debug: 'mag',
};

const TYPE_EMOJI: Array<[RegExp, string]> = [
	[/^(backup|vzdump|verify|prune|gc|sync)\b/, 'floppy_disk'],
	[/^(guest|vm|ct)\b/, 'computer'],
	[/^auth\b/, 'lock'],
	[/^(ha|node|cluster|corosync|quorum)\b/, 'satellite'],
	[/^(storage|disk|zfs|ceph|smart)\b/, 'card_file_box'],
	[/^(replication)\b/, 'repeat'],
	[/^(task)\b/, 'gear'],
];

export function ntfyTags(view: EventView, eventType: string | null): string[] {
	const tags = [SEVERITY_EMOJI[view.severity]];
	const type = eventType ?? '';
	const emoji = TYPE_EMOJI.find(([pattern]) => pattern.test(type))?.[1];
	if (emoji) tags.push(emoji);
	if (view.source) tags.push(oneLine(view.source).replace(/,/g, ' '));
	if (type) tags.push(oneLine(type).replace(/,/g, ' '));
	return tags;
}

export interface NtfyRendered {
	title: string;
	message: string;
	priority: number;
	tags: string[];
	markdown: true;
	click?: string;
	actions: Array<Record<string, unknown>>;
}

/** ntfy allows at most three action buttons per message. */
export const NTFY_MAX_ACTIONS = 3;

/**
 * ntfy's default message limit is 4096 bytes (protocols.md §2.9): the body is kept under it. The
 * Action Buttons become ntfy actions (POST: `http`, in the background; GET: `view`), then *Open in
 * Proxmox* if a place is left.
 */
export function renderNtfy(view: EventView, eventType: string | null): NtfyRendered {
	let message = renderMarkdown(view, { actions: false });
	for (let budget = codePointLength(message); Buffer.byteLength(message, 'utf8') > 4000 && budget > 100; ) {
		budget = Math.floor(budget * 0.9);
		message = renderMarkdown(view, { maxLength: budget, actions: false });
	}
	const actions: Array<Record<string, unknown>> = view.actions.map((action) =>
		action.method === 'GET'
			? { action: 'view', label: action.label, url: action.url, clear: false }
			: { action: 'http', label: action.label, url: action.url, method: action.method, clear: true },
	);
	if (view.link && actions.length < NTFY_MAX_ACTIONS) actions.push({ action: 'view', label: 'Open in Proxmox', url: view.link, clear: false });
	return {
		title: headline(view),
		message,
		priority: ntfyPriority(view.severity),
		tags: ntfyTags(view, eventType),
		markdown: true,
		...(view.link ? { click: view.link } : {}),
		actions,
	};
}

// ---------------------------------------------------------------- Discord

export const SEVERITY_COLOR: Record<EventSeverity, number> = {
	emergency: 0x7b0000,
	alert: 0xa30000,
	critical: 0xc0392b,
	error: 0xe74c3c,
	warning: 0xf39c12,
	notice: 0x3498db,
	info: 0x2ecc71,
	debug: 0x95a5a6,
};

export interface DiscordEmbed {
	title?: string;
	description?: string;
	url?: string;
	timestamp?: string;
	color?: number;
	footer?: { text: string; icon_url?: string };
	author?: { name: string; url?: string; icon_url?: string };
	fields?: Array<{ name: string; value: string; inline?: boolean }>;
	image?: { url: string };
	thumbnail?: { url: string };
}

/** A Discord embed within Discord's limits (title 256, description 4096, field value 1024, 25 fields). */
export function renderDiscordEmbed(view: EventView): DiscordEmbed {
	// Embed titles render Markdown: the event's parts are escaped; severity is also the colour.
	const host = view.host ? `${escapeMarkdownInline(view.host)} · ` : '';
	const embed: DiscordEmbed = { title: truncate(`${SEVERITY_LABEL[view.severity]} · ${host}${escapeMarkdownInline(view.title)}`, 256), color: SEVERITY_COLOR[view.severity] };
	const description: string[] = [];
	if (view.analysis?.summary) description.push(`**${escapeMarkdownInline(view.analysis.summary)}**`);
	if (view.message) description.push(markdownCodeBlock(truncate(view.message, 3500)));
	if (description.length > 0) embed.description = truncate(description.join('\n\n'), 4096);
	if (view.link) embed.url = view.link;
	const time = view.timestamp && !Number.isNaN(Date.parse(view.timestamp)) ? new Date(view.timestamp).toISOString() : undefined;
	if (time) embed.timestamp = time;
	const fields: NonNullable<DiscordEmbed['fields']> = view.facts
		.filter((fact) => fact.key !== 'time')
		.map((fact) => ({ name: fact.label, value: truncate(fact.key === 'task' ? `\`${fact.value.replace(/`/g, "'")}\`` : escapeMarkdownInline(fact.value), 1024), inline: fact.key !== 'task' }));
	if (view.logExcerpt) fields.push({ name: 'Task log', value: markdownCodeBlock(truncateStart(view.logExcerpt, 1000)), inline: false });
	const a = view.analysis;
	if (a?.probableCause) fields.push({ name: 'Probable cause', value: truncate(escapeMarkdownInline(a.probableCause), 1024), inline: false });
	if (a?.recommendedActions?.length) {
		fields.push({ name: 'Recommended actions', value: truncate(a.recommendedActions.map((action, i) => `${i + 1}. ${escapeMarkdownInline(action)}`).join('\n'), 1024), inline: false });
	}
	if (a?.evidence?.length) fields.push({ name: 'Evidence', value: truncate(a.evidence.map((entry) => `- ${escapeMarkdownInline(entry)}`).join('\n'), 1024), inline: false });
	if (a?.needsHuman !== undefined) fields.push({ name: 'Needs a human', value: a.needsHuman ? 'yes' : 'no', inline: true });
	if (view.actions.length > 0) fields.push({ name: 'Actions', value: truncate(view.actions.map((action) => markdownAction(action)).join('\n'), 1024), inline: false });
	if (fields.length > 0) embed.fields = fields.slice(0, 25);
	const footer = [view.source, view.id].filter(Boolean).map((part) => oneLine(part!)).join(' · ');
	if (footer) embed.footer = { text: truncate(footer, 2048) };
	return embed;
}

/** Keeps the end of a log (the failure is at the end), cut at a line start. */
function truncateStart(log: string, max: number): string {
	if (log.length <= max) return log;
	const tail = log.slice(log.length - max + 2);
	const newline = tail.indexOf('\n');
	return `…\n${newline >= 0 ? tail.slice(newline + 1) : tail}`;
}

// ---------------------------------------------------------------- E-mail

export interface RenderedEmail {
	subject: string;
	text: string;
	html: string;
}

/** Subject prefixed with severity and host; HTML with a severity banner, a fields table, pre blocks. */
export function renderEmail(view: EventView): RenderedEmail {
	const subject = headline(view, 200);
	const colour = `#${SEVERITY_COLOR[view.severity].toString(16).padStart(6, '0')}`;
	const textParts: string[] = [subject, '='.repeat(Math.min(60, subject.length)), ''];
	const html: string[] = [
		'<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>',
		'<body style="margin:0;padding:16px;background:#f4f5f7;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328">',
		'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:720px;margin:0 auto;background:#ffffff;border:1px solid #d0d7de;border-radius:6px">',
		`<tr><td style="background:${colour};color:#ffffff;padding:12px 16px;font-size:16px;font-weight:bold;border-radius:6px 6px 0 0">${escapeHtml(SEVERITY_LABEL[view.severity])} &middot; ${escapeHtml(view.title)}</td></tr>`,
		'<tr><td style="padding:16px">',
	];
	if (view.facts.length > 0) {
		html.push('<table role="presentation" cellpadding="4" cellspacing="0" style="border-collapse:collapse;font-size:14px;margin-bottom:12px">');
		for (const fact of view.facts) {
			html.push(`<tr><th align="left" style="padding:4px 12px 4px 0;color:#57606a;font-weight:600;vertical-align:top">${escapeHtml(fact.label)}</th><td style="padding:4px 0;font-family:SFMono-Regular,Consolas,monospace">${escapeHtml(fact.value)}</td></tr>`);
			textParts.push(`${fact.label}: ${fact.value}`);
		}
		html.push('</table>');
		textParts.push('');
	}
	const pre = (content: string) =>
		`<pre style="background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px;font-size:12px;white-space:pre-wrap;word-break:break-word;margin:0 0 12px">${escapeHtml(content)}</pre>`;
	if (view.message) {
		html.push(pre(view.message));
		textParts.push(view.message, '');
	}
	if (view.logExcerpt) {
		html.push('<h3 style="font-size:14px;margin:12px 0 4px">Task log</h3>', pre(view.logExcerpt));
		textParts.push('Task log', '--------', view.logExcerpt, '');
	}
	const a = view.analysis;
	if (a) {
		html.push('<h3 style="font-size:14px;margin:16px 0 4px">AI analysis</h3>');
		textParts.push('AI analysis', '-----------');
		if (a.summary) {
			html.push(`<p style="margin:4px 0"><strong>Summary:</strong> ${escapeHtml(a.summary)}</p>`);
			textParts.push(`Summary: ${a.summary}`);
		}
		if (a.probableCause) {
			html.push(`<p style="margin:4px 0"><strong>Probable cause:</strong> ${escapeHtml(a.probableCause)}</p>`);
			textParts.push(`Probable cause: ${a.probableCause}`);
		}
		if (a.recommendedActions?.length) {
			html.push('<p style="margin:8px 0 2px"><strong>Recommended actions:</strong></p><ol style="margin:0 0 8px">', ...a.recommendedActions.map((action) => `<li>${escapeHtml(action)}</li>`), '</ol>');
			textParts.push('Recommended actions:', ...a.recommendedActions.map((action, i) => `  ${i + 1}. ${action}`));
		}
		if (a.evidence?.length) {
			html.push('<p style="margin:8px 0 2px"><strong>Evidence:</strong></p><ul style="margin:0 0 8px">', ...a.evidence.map((entry) => `<li>${escapeHtml(entry)}</li>`), '</ul>');
			textParts.push('Evidence:', ...a.evidence.map((entry) => `  - ${entry}`));
		}
		if (a.needsHuman !== undefined) {
			html.push(`<p style="margin:4px 0"><strong>Needs a human:</strong> ${a.needsHuman ? 'yes' : 'no'}</p>`);
			textParts.push(`Needs a human: ${a.needsHuman ? 'yes' : 'no'}`);
		}
		textParts.push('');
	}
	if (view.actions.length > 0) {
		// POST: a form button (mail clients that run forms send it; a scanner following links does not).
		const button = 'display:inline-block;background:#0969da;color:#ffffff;padding:8px 14px;border:0;border-radius:6px;text-decoration:none;font-size:14px;cursor:pointer';
		html.push(
			'<p style="margin:16px 0 0">',
			...view.actions.map((action) =>
				action.method === 'GET'
					? `<a href="${escapeHtml(action.url)}" style="${button};margin:0 8px 8px 0">${escapeHtml(action.label)}</a>`
					: `<form method="post" action="${escapeHtml(action.url)}" style="display:inline-block;margin:0 8px 8px 0"><button type="submit" style="${button}">${escapeHtml(action.label)}</button></form>`,
			),
			'</p>',
		);
		textParts.push('Actions:', ...view.actions.map((action) => `  ${action.label}: ${action.method === 'GET' ? action.url : `POST ${action.url}`}`), '');
	}
	if (view.link) {
		html.push(`<p style="margin:16px 0 0"><a href="${escapeHtml(view.link)}" style="display:inline-block;background:#0969da;color:#ffffff;padding:8px 14px;border-radius:6px;text-decoration:none">Open in Proxmox</a></p>`);
		textParts.push(`Open in Proxmox: ${view.link}`);
	}
	const footer = [view.source, view.id, view.timestamp].filter(Boolean).map((part) => oneLine(part!)).join(' · ');
	if (footer) {
		html.push(`<p style="margin:16px 0 0;color:#57606a;font-size:12px">${escapeHtml(footer)}</p>`);
		textParts.push('', footer);
	}
	html.push('</td></tr></table></body></html>');
	return { subject, text: textParts.join('\n').replace(/\n{3,}/g, '\n\n').trim() + '\n', html: html.join('\n') };
}
