/** ntfy's error answers (server/errors.go errHTTP): one JSON line, `code` and `link` omitted when empty. */

export interface NtfyErrorSpec {
	code: number;
	http: number;
	error: string;
	link?: string;
}

const AUTH_LINK = 'https://ntfy.sh/docs/publish/#authentication';
const LIMITS_LINK = 'https://ntfy.sh/docs/publish/#limitations';

export const ERR = {
	invalidRequest: { code: 40000, http: 400, error: 'invalid request' },
	emailDisabled: { code: 40001, http: 400, error: 'e-mail notifications are not enabled' },
	delayNoCache: { code: 40002, http: 400, error: 'cannot disable cache for delayed message' },
	delayNoEmail: { code: 40003, http: 400, error: 'delayed e-mail notifications are not supported' },
	invalidDelay: { code: 40004, http: 400, error: 'invalid delay parameter: unable to parse delay' },
	delayTooSmall: { code: 40005, http: 400, error: 'invalid delay parameter: too small, please refer to the docs' },
	delayTooLarge: { code: 40006, http: 400, error: 'invalid delay parameter: too large, please refer to the docs' },
	invalidPriority: { code: 40007, http: 400, error: 'invalid priority parameter' },
	invalidSince: { code: 40008, http: 400, error: 'invalid since parameter' },
	topicInvalid: { code: 40009, http: 400, error: 'invalid request: topic invalid' },
	topicDisallowed: { code: 40010, http: 400, error: 'invalid topic: path invalid' },
	messageNotUtf8: { code: 40011, http: 400, error: 'invalid message: message must be UTF-8 encoded' },
	attachUrlInvalid: { code: 40013, http: 400, error: 'invalid request: attachment URL is invalid' },
	attachmentsNotAllowed: { code: 40014, http: 400, error: 'invalid request: attachments not allowed' },
	actionsInvalid: { code: 40018, http: 400, error: 'invalid request: actions invalid' },
	iconUrlInvalid: { code: 40021, http: 400, error: 'invalid request: icon URL is invalid' },
	jsonInvalid: { code: 40024, http: 400, error: 'invalid request: request body must be valid JSON' },
	notWebSocket: { code: 40016, http: 400, error: 'invalid request: client not using the websocket protocol' },
	unauthorized: { code: 40101, http: 401, error: 'unauthorized', link: AUTH_LINK },
	forbidden: { code: 40301, http: 403, error: 'forbidden', link: AUTH_LINK },
	notFound: { code: 40401, http: 404, error: 'page not found' },
	attachmentTooLarge: { code: 41301, http: 413, error: 'invalid request: attachment too large, or bandwidth limit reached' },
	jsonTooLarge: { code: 41303, http: 413, error: 'invalid request: request body too large' },
	tooManyRequests: { code: 42901, http: 429, error: 'limit reached: too many requests', link: LIMITS_LINK },
	tooManySubscriptions: { code: 42903, http: 429, error: 'limit reached: too many active subscriptions', link: LIMITS_LINK },
	tooManyAuthFailures: { code: 42909, http: 429, error: 'limit reached: too many auth failures', link: LIMITS_LINK },
	internal: { code: 50001, http: 500, error: 'internal server error' },
} satisfies Record<string, NtfyErrorSpec>;

export class NtfyHttpError extends Error {
	constructor(
		readonly spec: NtfyErrorSpec,
		readonly detail?: string,
	) {
		super(detail ? `${spec.error}, ${detail}` : spec.error);
	}

	body(): string {
		const { code, http, link } = this.spec;
		return `${JSON.stringify({ code, http, error: this.message, ...(link ? { link } : {}) })}\n`;
	}
}
