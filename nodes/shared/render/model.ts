/**
 * What every channel renders, read once from an item in the common event shape
 * (`nodes/shared/events.ts`) and, when present, the incident workflow's AI analysis.
 */
import { isAtLeast, SEVERITY_NAMES, type EventSeverity, type ProxmoxEventInfo } from '../events';
import { oneLine, safeHttpUrl, stripControl } from './text';

/** The AI analysis the incident workflow adds to an event (issue 13). */
export interface EventAnalysis {
	severity?: EventSeverity;
	summary?: string;
	probableCause?: string;
	recommendedActions?: string[];
	evidence?: string[];
	needsHuman?: boolean;
}

/**
 * A button or link the notification carries (Send Event "Action Buttons"), e.g. Approve / Reject to
 * an n8n Wait node's resume URL. GET opens the URL; POST sends a request without opening a page,
 * which only ntfy (HTTP action) and e-mail (a form button) can do: elsewhere a POST action is
 * shown as text to copy, never as a link a preview bot or a mail scanner would follow.
 */
export interface EventAction {
	label: string;
	url: string;
	method: 'GET' | 'POST';
}

/** Parts of the event a channel may show (Send Event "Fields"). */
export const EVENT_FIELDS = [
	{ name: 'Node / Host', value: 'node' },
	{ name: 'Guest', value: 'guest' },
	{ name: 'Event Type', value: 'type' },
	{ name: 'Task', value: 'task' },
	{ name: 'User', value: 'user' },
	{ name: 'Storage', value: 'storage' },
	{ name: 'Source', value: 'source' },
	{ name: 'Time', value: 'time' },
	{ name: 'Event ID', value: 'id' },
	{ name: 'Message', value: 'message' },
	{ name: 'Task Log Excerpt', value: 'log' },
	{ name: 'AI Analysis', value: 'analysis' },
	{ name: 'Link to Proxmox', value: 'link' },
] as const;
export type EventField = (typeof EVENT_FIELDS)[number]['value'];
export const DEFAULT_EVENT_FIELDS: EventField[] = ['node', 'guest', 'type', 'task', 'user', 'storage', 'time', 'message', 'log', 'analysis', 'link'];

export interface FieldRow {
	key: EventField;
	label: string;
	value: string;
}

export interface EventView {
	severity: EventSeverity;
	/** One line: the event's title, or its type, or the start of the message. */
	title: string;
	host: string | null;
	source: string | null;
	timestamp: string | null;
	id: string | null;
	/** Short facts (node, guest, type, task...) in display order, only the selected ones. */
	facts: FieldRow[];
	message: string | null;
	logExcerpt: string | null;
	analysis: EventAnalysis | null;
	/** Deep link to the Proxmox GUI (built from the workflow's base URL, never from event text). */
	link: string | null;
	/** Buttons from the node's parameters (never from event text). */
	actions: EventAction[];
}

export interface ViewOptions {
	fields?: EventField[];
	/** Base URL of the Proxmox GUI, e.g. https://pve1.example.com:8006. */
	guiUrl?: string;
	/** Last lines of the task log to show (default 15). */
	logLines?: number;
	actions?: EventAction[];
}

/** An item that is not in the common event shape. */
export class EventShapeError extends Error {
	constructor(
		message: string,
		readonly field: string,
	) {
		super(message);
		this.name = 'EventShapeError';
	}
}

function text(value: unknown): string | null {
	if (typeof value === 'string') return value.trim() === '' ? null : value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return null;
}

function textList(value: unknown, field: string): string[] | undefined {
	if (value === undefined || value === null) return undefined;
	const list = Array.isArray(value) ? value : [value];
	return list
		.map((entry) => {
			if (typeof entry === 'string') return entry;
			if (entry && typeof entry === 'object') {
				const object = entry as Record<string, unknown>;
				// A recommended action as the incident workflow gives it: what to do and the exact operation.
				const what = text(object.description) ?? text(object.title) ?? text(object.action) ?? text(object.text);
				const operation = [text(object.node), text(object.resource), text(object.operation)].filter(Boolean).join(' > ');
				const parameters = object.parameters && typeof object.parameters === 'object' ? JSON.stringify(object.parameters) : null;
				const parts = [what, operation ? `(${operation}${parameters ? ` ${parameters}` : ''})` : null].filter(Boolean);
				if (parts.length > 0) return parts.join(' ');
				return JSON.stringify(entry);
			}
			if (entry === null || entry === undefined) return '';
			if (typeof entry === 'number' || typeof entry === 'boolean') return String(entry);
			throw new EventShapeError(`${field} must be a list of texts`, field);
		})
		.filter((entry) => entry.trim() !== '');
}

export function readSeverity(value: unknown, field = 'severity'): EventSeverity {
	const raw = typeof value === 'string' ? value.trim().toLowerCase() : value;
	const aliases: Record<string, EventSeverity> = { err: 'error', crit: 'critical', emerg: 'emergency', warn: 'warning', information: 'info' };
	const name = typeof raw === 'string' ? (aliases[raw] ?? raw) : raw;
	if (typeof name === 'string' && (SEVERITY_NAMES as readonly string[]).includes(name)) return name as EventSeverity;
	throw new EventShapeError(`${field} "${String(value)}" is not one of ${SEVERITY_NAMES.join(', ')}`, field);
}

/** The analysis at `value`, or null; the shape is checked so a malformed one is reported, not half-shown. */
export function readAnalysis(value: unknown, field = 'analysis'): EventAnalysis | null {
	if (value === undefined || value === null || value === '') return null;
	let parsed = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch {
			return { summary: value };
		}
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new EventShapeError(`${field} must be an object`, field);
	const raw = parsed as Record<string, unknown>;
	const analysis: EventAnalysis = {};
	if (raw.severity !== undefined && raw.severity !== null && raw.severity !== '') analysis.severity = readSeverity(raw.severity, `${field}.severity`);
	const summary = text(raw.summary);
	if (summary) analysis.summary = summary;
	const cause = text(raw.probableCause ?? raw.probable_cause ?? raw.cause);
	if (cause) analysis.probableCause = cause;
	const actions = textList(raw.recommendedActions ?? raw.recommended_actions ?? raw.actions, `${field}.recommendedActions`);
	if (actions?.length) analysis.recommendedActions = actions;
	const evidence = textList(raw.evidence, `${field}.evidence`);
	if (evidence?.length) analysis.evidence = evidence;
	const needsHuman = raw.needsHuman ?? raw.needs_human;
	if (typeof needsHuman === 'boolean') analysis.needsHuman = needsHuman;
	return Object.keys(analysis).length > 0 ? analysis : null;
}

/** The task log of an item: a text, a list of lines, or Proxmox's `[{n, t}]` task log. */
function readLog(value: unknown): string[] {
	if (typeof value === 'string') return value.split(/\r?\n/);
	if (Array.isArray(value)) {
		return value.map((line) => (line && typeof line === 'object' ? String((line as { t?: unknown }).t ?? '') : String(line ?? '')));
	}
	return [];
}

/**
 * Deep link into the Proxmox GUI: the state hash of pve-manager's StateProvider
 * (`www/manager6/StateProvider.js`: `#v1:<view>:=<tree node id>:<bottom tab>`), view 0 = server
 * view, tree ids `qemu/<vmid>`, `lxc/<vmid>`, `node/<name>`, bottom tab 4 = tasks.
 */
export function proxmoxLink(guiUrl: string | undefined, event: ProxmoxEventInfo | null, host: string | null): string | null {
	const base = safeHttpUrl(guiUrl);
	if (!base) return null;
	const root = base.replace(/[#?].*$/, '').replace(/\/+$/, '');
	const guestType = typeof event?.guestType === 'string' ? event.guestType : typeof event?.type === 'string' && event.type.startsWith('vm.') ? 'qemu' : undefined;
	let rid: string | undefined;
	if (typeof event?.vmid === 'number' && (guestType === 'qemu' || guestType === 'lxc')) rid = `${guestType}/${event.vmid}`;
	else if (event?.node || host) rid = `node/${oneLine(String(event?.node ?? host))}`;
	return rid ? `${root}/#v1:0:=${encodeURIComponent(rid).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)}:4` : `${root}/`;
}

function guestText(event: ProxmoxEventInfo): string | null {
	if (typeof event.vmid !== 'number') return null;
	const kind = event.guestType === 'qemu' ? 'VM' : event.guestType === 'lxc' ? 'CT' : null;
	const name = text(event.guestName ?? event.name);
	return [kind, String(event.vmid), name ? `(${name})` : null].filter(Boolean).join(' ');
}

function get(item: Record<string, unknown>, path: string): unknown {
	if (!path) return item;
	let current: unknown = item;
	for (const part of path.split('.')) {
		if (!current || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[part];
	}
	return current;
}

export interface ReadOptions {
	/** Where the event is in the item (dot path; empty = the item itself). */
	eventPath?: string;
	/** Where the analysis is (dot path; default `analysis`). */
	analysisPath?: string;
}

/** Builds the view of one item; throws EventShapeError naming the field when it is not an event. */
export function eventView(item: Record<string, unknown>, read: ReadOptions = {}, options: ViewOptions = {}): EventView {
	const eventPath = (read.eventPath ?? '').trim();
	const root = get(item, eventPath);
	const prefix = eventPath ? `${eventPath}.` : '';
	if (!root || typeof root !== 'object' || Array.isArray(root)) {
		throw new EventShapeError(`The item has no event at "${eventPath}": expected an object in the shape the package's triggers emit`, eventPath || 'item');
	}
	const raw = root as Record<string, unknown>;
	const message = text(raw.message);
	const titleText = text(raw.title);
	if (!message && !titleText) {
		throw new EventShapeError(`The event has neither "${prefix}message" nor "${prefix}title": is this an item from one of the package's triggers?`, `${prefix}message`);
	}
	if (raw.event !== undefined && raw.event !== null && (typeof raw.event !== 'object' || Array.isArray(raw.event))) {
		throw new EventShapeError(`${prefix}event must be an object (the Proxmox classification) or null`, `${prefix}event`);
	}
	const event = (raw.event ?? null) as ProxmoxEventInfo | null;
	const analysisPath = read.analysisPath ?? 'analysis';
	const analysis = analysisPath ? readAnalysis(get(item, analysisPath), analysisPath) : null;
	const severity = raw.severity === undefined || raw.severity === null ? (analysis?.severity ?? 'notice') : readSeverity(raw.severity, `${prefix}severity`);
	const host = text(raw.host) ?? text(event?.node);
	const fields = new Set<EventField>(options.fields ?? DEFAULT_EVENT_FIELDS);
	const facts: FieldRow[] = [];
	const add = (key: EventField, label: string, value: string | null | undefined) => {
		if (fields.has(key) && value) facts.push({ key, label, value: oneLine(value) });
	};
	add('node', event?.node && host && event.node !== host ? 'Node' : 'Host', text(event?.node) ?? host);
	if (event) {
		add('guest', 'Guest', guestText(event));
		add('type', 'Event', text(event.type));
		add('task', 'Task', text(event.upid) ?? text(event.taskType));
		add('user', 'User', text(event.user));
		add('storage', 'Storage', text(event.storage));
	}
	add('source', 'Source', text(raw.source));
	add('time', 'Time', text(raw.timestamp));
	add('id', 'Event ID', text(raw.id));
	const logLines = readLog(raw.taskLog ?? raw.log ?? event?.log)
		.map((line) => stripControl(line, false))
		.filter((line) => line.trim() !== '');
	const keep = Math.max(1, options.logLines ?? 15);
	const excerpt = logLines.length > keep ? [`[${logLines.length - keep} earlier lines]`, ...logLines.slice(-keep)] : logLines;
	const title = oneLine(titleText ?? text(event?.type) ?? message ?? '');
	return {
		severity,
		title,
		host,
		source: text(raw.source),
		timestamp: text(raw.timestamp),
		id: text(raw.id),
		facts,
		message: fields.has('message') && message ? stripControl(message) : null,
		logExcerpt: fields.has('log') && excerpt.length > 0 ? excerpt.join('\n') : null,
		analysis: fields.has('analysis') ? analysis : null,
		link: fields.has('link') ? proxmoxLink(options.guiUrl, event, host) : null,
		actions: options.actions ?? [],
	};
}

/** Whether the item passes the minimum severity (analysis severity wins when it is higher). */
export function passesMinimum(view: EventView, minimum: EventSeverity | undefined): boolean {
	if (!minimum) return true;
	return isAtLeast(view.severity, minimum) || (view.analysis?.severity !== undefined && isAtLeast(view.analysis.severity, minimum));
}

export const SEVERITY_LABEL: Record<EventSeverity, string> = {
	emergency: 'EMERGENCY',
	alert: 'ALERT',
	critical: 'CRITICAL',
	error: 'ERROR',
	warning: 'WARNING',
	notice: 'NOTICE',
	info: 'INFO',
	debug: 'DEBUG',
};
