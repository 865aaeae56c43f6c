/**
 * Builds an ntfy publish request from the node's parameters: JSON publishing (`POST /`) when
 * everything fits in JSON, header publishing (`PUT /<topic>`) when a file from binary data is
 * uploaded as the body (protocols.md §2.2-2.4).
 */
export type NtfyActionType = 'view' | 'http' | 'broadcast';

export interface ActionInput {
	action: NtfyActionType;
	label: string;
	url?: string;
	clear?: boolean;
	method?: string;
	headers?: Record<string, string>;
	body?: string;
	intent?: string;
	extras?: Record<string, string>;
}

export interface PublishInput {
	topic: string;
	message: string;
	title?: string;
	markdown?: boolean;
	priority?: number;
	tags?: string[];
	click?: string;
	icon?: string;
	attachUrl?: string;
	filename?: string;
	actions?: ActionInput[];
	delay?: string;
	email?: string;
	cache?: boolean;
	firebase?: boolean;
	sequenceId?: string;
}

const TOPIC = /^[-_A-Za-z0-9]{1,64}$/;

export function validateTopic(topic: string): string | undefined {
	if (!TOPIC.test(topic)) return `Topic "${topic}" is not valid: use 1 to 64 letters, digits, "-" or "_"`;
	return undefined;
}

/** Only the fields ntfy reads; empty values are left out so server defaults apply. */
function actionObject(action: ActionInput): Record<string, unknown> {
	const out: Record<string, unknown> = { action: action.action, label: action.label, clear: action.clear === true };
	if (action.action !== 'broadcast' && action.url) out.url = action.url;
	if (action.action === 'http') {
		if (action.method) out.method = action.method.toUpperCase();
		if (action.headers && Object.keys(action.headers).length > 0) out.headers = action.headers;
		if (action.body) out.body = action.body;
	}
	if (action.action === 'broadcast') {
		if (action.intent) out.intent = action.intent;
		if (action.extras && Object.keys(action.extras).length > 0) out.extras = action.extras;
	}
	return out;
}

/** JSON body for `POST /` (transformBodyJSON). */
export function publishJsonBody(input: PublishInput): Record<string, unknown> {
	const body: Record<string, unknown> = { topic: input.topic, message: input.message };
	if (input.title) body.title = input.title;
	if (input.markdown) body.markdown = true;
	if (input.priority && input.priority !== 3) body.priority = input.priority;
	if (input.tags?.length) body.tags = input.tags;
	if (input.click) body.click = input.click;
	if (input.icon) body.icon = input.icon;
	if (input.attachUrl) body.attach = input.attachUrl;
	if (input.filename) body.filename = input.filename;
	if (input.actions?.length) body.actions = input.actions.map(actionObject);
	if (input.delay) body.delay = input.delay;
	if (input.email) body.email = input.email;
	if (input.cache === false) body.cache = 'no';
	if (input.firebase === false) body.firebase = 'no';
	if (input.sequenceId) body.sequence_id = input.sequenceId;
	return body;
}

/** Headers for `PUT /<topic>` with a file body; values are made header-safe by the caller. */
export function publishHeaders(input: PublishInput): Record<string, string> {
	const headers: Record<string, string> = {};
	// A literal "\n" in X-Message is turned back into a newline by the server.
	if (input.message) headers['X-Message'] = input.message.replace(/\r?\n/g, '\\n');
	if (input.title) headers['X-Title'] = input.title;
	if (input.markdown) headers['X-Markdown'] = 'yes';
	if (input.priority && input.priority !== 3) headers['X-Priority'] = String(input.priority);
	if (input.tags?.length) headers['X-Tags'] = input.tags.join(',');
	if (input.click) headers['X-Click'] = input.click;
	if (input.icon) headers['X-Icon'] = input.icon;
	if (input.filename) headers['X-Filename'] = input.filename;
	if (input.actions?.length) headers['X-Actions'] = JSON.stringify(input.actions.map(actionObject));
	if (input.delay) headers['X-Delay'] = input.delay;
	if (input.email) headers['X-Email'] = input.email;
	if (input.cache === false) headers['X-Cache'] = 'no';
	if (input.firebase === false) headers['X-Firebase'] = 'no';
	if (input.sequenceId) headers['X-Sequence-ID'] = input.sequenceId;
	return headers;
}

export function parseTagList(value: string): string[] {
	return value
		.split(',')
		.map((tag) => tag.trim())
		.filter((tag) => tag !== '');
}
