/**
 * OpenAI-compatible API simulator (dev only, never packaged): `GET /v1/models`,
 * `POST /v1/chat/completions` and `POST /v1/responses`, bearer auth, tool calling in both shapes,
 * deterministic replies from a script keyed on the conversation, every request recorded.
 *
 * Shapes follow the OpenAI API reference (platform.openai.com/docs/api-reference: chat/create,
 * responses/create, models/list, error codes) and what n8n 2.41.1's OpenAI Chat Model
 * (@langchain/openai 1.4.4 + openai 6.49.0) sends and accepts (../shared/reference/n8n-ai.md §A):
 * a Responses text item carries `annotations: []` (langchain maps over it), tool arguments are
 * JSON strings, a tool result comes back as a `tool` message (Chat) or a `function_call_output`
 * input item (Responses).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { triageScript } from './scripts';

export interface ToolSpec {
	name: string;
	description: string;
	parameters: Record<string, unknown>;
}

export interface ToolCall {
	id: string;
	name: string;
	arguments: Record<string, unknown>;
}

/** One turn of the conversation, the same for both APIs. */
export interface Turn {
	role: 'system' | 'user' | 'assistant' | 'tool';
	content: string;
	/** Assistant turns that called tools. */
	toolCalls?: ToolCall[];
	/** Tool turns: the call they answer and the tool's name (looked up from the call). */
	toolCallId?: string;
	toolName?: string;
}

export interface Conversation {
	api: 'chat' | 'responses';
	model: string;
	/** System (or developer) messages, joined. */
	system: string;
	messages: Turn[];
	tools: ToolSpec[];
	/** Text of the last user message. */
	userText: string;
	/** Tool results so far, in order. */
	toolResults: Array<{ name: string; content: string; arguments: Record<string, unknown> }>;
}

/** What the scripted model answers: tool calls, a text, or an API error. */
export type Reply =
	| { toolCalls: Array<{ name: string; arguments: Record<string, unknown> }> }
	| { text: string }
	| { error: { status: number; message: string; type: string; code: string | null } };

export type Script = (conversation: Conversation) => Reply;

export interface RecordedRequest {
	method: string;
	path: string;
	/** Whether the bearer token was the simulator's key. */
	authorized: boolean;
	body: Record<string, unknown> | undefined;
	/** The normalised conversation (model calls only). */
	conversation?: Conversation;
	reply?: Reply;
	at: number;
}

export interface OpenAiSimulatorOptions {
	/** The API key clients must send as `Authorization: Bearer <key>` (default `sk-sim-...`). */
	apiKey?: string;
	/** Models `/v1/models` lists and the chat endpoints accept. */
	models?: string[];
	host?: string;
	port?: number;
	script?: Script;
}

export const DEFAULT_OPENAI_SIM_KEY = 'sk-sim-0000000000000000000000000000000000000000';
export const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4o'];

function openAiError(status: number, message: string, type: string, code: string | null, param: string | null = null) {
	return { status, body: { error: { message, type, param, code } } };
}

/** OpenAI shows a key as its first 3 and last 4 characters, never whole. */
function maskKey(key: string): string {
	return key.length <= 8 ? '***' : `${key.slice(0, 3)}${'*'.repeat(Math.max(4, key.length - 7))}${key.slice(-4)}`;
}

function textOf(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) {
		return content
			.map((part) => (typeof part === 'string' ? part : typeof (part as { text?: unknown })?.text === 'string' ? (part as { text: string }).text : ''))
			.join('');
	}
	return content === null || content === undefined ? '' : JSON.stringify(content);
}

function parseArgs(raw: unknown): Record<string, unknown> {
	if (raw && typeof raw === 'object') return raw as Record<string, unknown>;
	try {
		const parsed = JSON.parse(String(raw ?? '{}')) as unknown;
		return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
	} catch {
		return {};
	}
}

function finish(api: Conversation['api'], model: string, messages: Turn[], tools: ToolSpec[]): Conversation {
	const system = messages
		.filter((turn) => turn.role === 'system')
		.map((turn) => turn.content)
		.join('\n');
	const userText = [...messages].reverse().find((turn) => turn.role === 'user')?.content ?? '';
	const calls = new Map<string, ToolCall>();
	for (const turn of messages) for (const call of turn.toolCalls ?? []) calls.set(call.id, call);
	const toolResults = messages
		.filter((turn) => turn.role === 'tool')
		.map((turn) => ({ name: turn.toolName ?? '', content: turn.content, arguments: calls.get(turn.toolCallId ?? '')?.arguments ?? {} }));
	return { api, model, system, messages: messages.filter((turn) => turn.role !== 'system'), tools, userText, toolResults };
}

/** Chat Completions request -> conversation. */
export function chatConversation(body: Record<string, unknown>): Conversation {
	const names = new Map<string, string>();
	const messages: Turn[] = [];
	for (const raw of (body.messages as Array<Record<string, unknown>>) ?? []) {
		const role = raw.role === 'developer' ? 'system' : (raw.role as Turn['role']);
		const toolCalls = ((raw.tool_calls as Array<{ id: string; function: { name: string; arguments: string } }>) ?? []).map((call) => {
			names.set(call.id, call.function.name);
			return { id: call.id, name: call.function.name, arguments: parseArgs(call.function.arguments) };
		});
		const turn: Turn = { role, content: textOf(raw.content) };
		if (toolCalls.length) turn.toolCalls = toolCalls;
		if (role === 'tool') {
			turn.toolCallId = String(raw.tool_call_id ?? '');
			turn.toolName = names.get(turn.toolCallId);
		}
		messages.push(turn);
	}
	const tools = ((body.tools as Array<{ function: { name: string; description?: string; parameters?: Record<string, unknown> } }>) ?? []).map((tool) => ({
		name: tool.function.name,
		description: tool.function.description ?? '',
		parameters: tool.function.parameters ?? {},
	}));
	return finish('chat', String(body.model), messages, tools);
}

/** Responses request -> conversation (input may be a string or a list of items). */
export function responsesConversation(body: Record<string, unknown>): Conversation {
	const names = new Map<string, string>();
	const messages: Turn[] = [];
	if (typeof body.instructions === 'string') messages.push({ role: 'system', content: body.instructions });
	const input = typeof body.input === 'string' ? [{ type: 'message', role: 'user', content: body.input }] : ((body.input as Array<Record<string, unknown>>) ?? []);
	for (const item of input) {
		const type = item.type ?? 'message';
		if (type === 'message') {
			const role = item.role === 'developer' ? 'system' : (item.role as Turn['role']);
			messages.push({ role, content: textOf(item.content) });
		} else if (type === 'function_call') {
			const call = { id: String(item.call_id), name: String(item.name), arguments: parseArgs(item.arguments) };
			names.set(call.id, call.name);
			const last = messages[messages.length - 1];
			// Parallel calls of one assistant turn arrive as consecutive items.
			if (last?.role === 'assistant' && last.toolCalls && !last.content) last.toolCalls.push(call);
			else messages.push({ role: 'assistant', content: '', toolCalls: [call] });
		} else if (type === 'function_call_output') {
			const id = String(item.call_id);
			messages.push({ role: 'tool', content: textOf(item.output), toolCallId: id, toolName: names.get(id) });
		}
	}
	const tools = ((body.tools as Array<Record<string, unknown>>) ?? [])
		.filter((tool) => tool.type === 'function')
		.map((tool) => ({ name: String(tool.name), description: String(tool.description ?? ''), parameters: (tool.parameters as Record<string, unknown>) ?? {} }));
	return finish('responses', String(body.model), messages, tools);
}

function newId(prefix: string): string {
	return `${prefix}${randomBytes(12).toString('hex')}`;
}

function usage(conversation: Conversation, out: string) {
	const input = Math.ceil(JSON.stringify(conversation.messages).length / 4);
	const output = Math.ceil(out.length / 4);
	return { input, output };
}

function chatReply(conversation: Conversation, reply: Exclude<Reply, { error: unknown }>) {
	const created = Math.floor(Date.now() / 1000);
	const calls = 'toolCalls' in reply ? reply.toolCalls.map((call) => ({ id: newId('call_'), type: 'function', function: { name: call.name, arguments: JSON.stringify(call.arguments) } })) : undefined;
	const text = 'text' in reply ? reply.text : '';
	const { input, output } = usage(conversation, text + JSON.stringify(calls ?? []));
	return {
		id: newId('chatcmpl-'),
		object: 'chat.completion',
		created,
		model: conversation.model,
		choices: [
			{
				index: 0,
				message: calls ? { role: 'assistant', content: null, tool_calls: calls, refusal: null } : { role: 'assistant', content: text, refusal: null },
				logprobs: null,
				finish_reason: calls ? 'tool_calls' : 'stop',
			},
		],
		usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
	};
}

function responsesReply(conversation: Conversation, reply: Exclude<Reply, { error: unknown }>) {
	const output =
		'toolCalls' in reply
			? reply.toolCalls.map((call) => ({ type: 'function_call', id: newId('fc_'), call_id: newId('call_'), name: call.name, arguments: JSON.stringify(call.arguments), status: 'completed' }))
			: [{ type: 'message', id: newId('msg_'), role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: reply.text, annotations: [] }] }];
	const { input, output: out } = usage(conversation, JSON.stringify(output));
	return {
		id: newId('resp_'),
		object: 'response',
		created_at: Math.floor(Date.now() / 1000),
		model: conversation.model,
		status: 'completed',
		error: null,
		incomplete_details: null,
		output,
		parallel_tool_calls: true,
		tool_choice: 'auto',
		tools: [],
		usage: { input_tokens: input, output_tokens: out, total_tokens: input + out },
	};
}

export class OpenAiSimulator {
	readonly requests: RecordedRequest[] = [];
	readonly apiKey: string;
	readonly models: string[];
	url = '';
	port = 0;
	private script: Script;
	private readonly server: Server;

	constructor(private readonly options: OpenAiSimulatorOptions = {}) {
		this.apiKey = options.apiKey ?? DEFAULT_OPENAI_SIM_KEY;
		this.models = options.models ?? DEFAULT_MODELS;
		this.script = options.script ?? triageScript();
		this.server = createServer((request, response) => void this.handle(request, response));
	}

	/** Replaces the scripted model (null: back to the default triage script). */
	setScript(script: Script | null): void {
		this.script = script ?? triageScript();
	}

	/** Model calls (chat or responses) recorded so far. */
	modelCalls(): RecordedRequest[] {
		return this.requests.filter((request) => request.conversation);
	}

	/** Every tool call the model made so far, in order. */
	toolCallsMade(): Array<{ name: string; arguments: Record<string, unknown> }> {
		return this.modelCalls().flatMap((request) => (request.reply && 'toolCalls' in request.reply ? request.reply.toolCalls : []));
	}

	async listen(): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
		});
		const address = this.server.address() as AddressInfo;
		this.port = address.port;
		this.url = `http://${this.options.host ?? '127.0.0.1'}:${address.port}/v1`;
	}

	async close(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	private send(response: ServerResponse, status: number, body: unknown) {
		const text = JSON.stringify(body);
		response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-request-id': newId('req_') });
		response.end(text);
	}

	private async readBody(request: IncomingMessage): Promise<string> {
		const chunks: Buffer[] = [];
		for await (const chunk of request) chunks.push(chunk as Buffer);
		return Buffer.concat(chunks).toString('utf8');
	}

	private async handle(request: IncomingMessage, response: ServerResponse) {
		const path = new URL(request.url ?? '/', 'http://sim').pathname.replace(/\/+$/, '');
		const raw = await this.readBody(request);
		let body: Record<string, unknown> | undefined;
		const record: RecordedRequest = { method: request.method ?? 'GET', path, authorized: false, body: undefined, at: Date.now() };
		this.requests.push(record);
		const auth = request.headers.authorization ?? '';
		const token = /^Bearer\s+(.+)$/i.exec(auth)?.[1]?.trim();
		record.authorized = token === this.apiKey;
		if (!token) {
			const error = openAiError(
				401,
				"You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
				'invalid_request_error',
				null,
			);
			return this.send(response, error.status, error.body);
		}
		if (!record.authorized) {
			const error = openAiError(
				401,
				`Incorrect API key provided: ${maskKey(token)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
				'invalid_request_error',
				'invalid_api_key',
			);
			return this.send(response, error.status, error.body);
		}
		if (request.method === 'GET' && path === '/v1/models') {
			return this.send(response, 200, { object: 'list', data: this.models.map((id) => ({ id, object: 'model', created: 1715367049, owned_by: 'system' })) });
		}
		const chat = path === '/v1/chat/completions';
		const responses = path === '/v1/responses';
		if (!chat && !responses) {
			const error = openAiError(404, `Invalid URL (${request.method} ${path})`, 'invalid_request_error', null);
			return this.send(response, error.status, error.body);
		}
		if (request.method !== 'POST') {
			const error = openAiError(405, `Invalid method for URL (${request.method} ${path})`, 'invalid_request_error', null);
			return this.send(response, error.status, error.body);
		}
		try {
			body = JSON.parse(raw) as Record<string, unknown>;
		} catch {
			const error = openAiError(
				400,
				"We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
				'invalid_request_error',
				null,
			);
			return this.send(response, error.status, error.body);
		}
		record.body = body;
		if (typeof body.model !== 'string' || !body.model) {
			const error = openAiError(400, "you must provide a model parameter", 'invalid_request_error', null, 'model');
			return this.send(response, error.status, error.body);
		}
		if (!this.models.includes(body.model)) {
			const error = openAiError(404, `The model \`${body.model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found');
			return this.send(response, error.status, error.body);
		}
		if (body.stream === true) {
			// Not modelled: n8n's agent calls the model without streaming unless a streaming chat or
			// webhook trigger starts it (n8n-ai.md §A "When streaming is used").
			const error = openAiError(400, 'This simulator does not stream; send "stream": false.', 'invalid_request_error', 'unsupported_value', 'stream');
			return this.send(response, error.status, error.body);
		}
		const conversation = chat ? chatConversation(body) : responsesConversation(body);
		record.conversation = conversation;
		let reply: Reply;
		try {
			reply = this.script(conversation);
		} catch (error) {
			reply = { error: { status: 500, message: `The simulated model's script failed: ${(error as Error).message}`, type: 'server_error', code: null } };
		}
		record.reply = reply;
		if ('error' in reply) return this.send(response, reply.error.status, { error: { message: reply.error.message, type: reply.error.type, param: null, code: reply.error.code } });
		if ('toolCalls' in reply) {
			const known = new Set(conversation.tools.map((tool) => tool.name));
			const unknown = reply.toolCalls.find((call) => !known.has(call.name));
			// A real model can only call tools it was given; a script that does otherwise is a test bug.
			if (unknown) {
				record.reply = { error: { status: 500, message: `The simulated model's script called tool "${unknown.name}", not among: ${[...known].join(', ')}`, type: 'server_error', code: null } };
				return this.send(response, 500, { error: { ...record.reply.error, param: null } });
			}
		}
		return this.send(response, 200, chat ? chatReply(conversation, reply) : responsesReply(conversation, reply));
	}
}

export async function startOpenAiSimulator(options: OpenAiSimulatorOptions = {}): Promise<OpenAiSimulator> {
	const sim = new OpenAiSimulator(options);
	await sim.listen();
	return sim;
}
