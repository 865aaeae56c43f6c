/**
 * The OpenAI simulator against the client n8n 2.41.1's OpenAI Chat Model uses (@langchain/openai
 * over the openai SDK), both APIs, plus raw HTTP for auth and error bodies (OpenAI API reference,
 * "Error codes": 401 invalid_api_key; n8n-ai.md §A for the request and response shapes).
 */
import { ChatOpenAI } from '@langchain/openai';
import { HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';

import { callToolScript, startOpenAiSimulator, triageScript, type OpenAiSimulator } from './index';

const UPID = 'UPID:pve1:000A1B2C:00C3D4E5:6720F00D:vzdump:100:root@pam:';
const taskLogTool = {
	type: 'function' as const,
	function: { name: 'Task_Log', description: 'Get a task log', parameters: { type: 'object', properties: { upid: { type: 'string' } }, required: ['upid'] } },
};
const formatTool = {
	type: 'function' as const,
	function: { name: 'format_final_json_response', description: 'format', parameters: { type: 'object', properties: { summary: { type: 'string' } } } },
};

let sim: OpenAiSimulator;
afterEach(async () => {
	await sim?.close();
});

function model(useResponsesApi: boolean, apiKey = sim.apiKey) {
	return new ChatOpenAI({ model: 'gpt-4o-mini', apiKey, configuration: { baseURL: sim.url }, useResponsesApi, maxRetries: 0 });
}

describe.each([false, true])('OpenAI simulator through @langchain/openai (Responses API: %s)', (responses) => {
	it('calls the task-log tool, takes its result, then answers through the output parser tool', async () => {
		sim = await startOpenAiSimulator();
		const bound = model(responses).bindTools([taskLogTool, formatTool]);
		const event = `Proxmox event: {"severity":"error","host":"pve1","message":"vzdump backup of VM 100 failed","event":{"type":"backup.failed","upid":"${UPID}","vmid":100}}`;
		const first = await bound.invoke([new SystemMessage('triage'), new HumanMessage(event)]);
		expect(first.tool_calls).toEqual([expect.objectContaining({ name: 'Task_Log', args: { upid: UPID } })]);
		const toolResult = new ToolMessage({ content: '[{"n":1,"t":"INFO: starting new backup job"},{"n":2,"t":"ERROR: vma_queue_write: write error - No space left on device"}]', tool_call_id: first.tool_calls![0].id! });
		const second = await bound.invoke([new SystemMessage('triage'), new HumanMessage(event), first, toolResult]);
		expect(second.tool_calls?.[0]?.name).toBe('format_final_json_response');
		const analysis = second.tool_calls![0].args;
		expect(analysis).toMatchObject({ severity: 'high', needsHuman: true, recommendedActions: [{ resource: 'backup', operation: 'runNow', parameters: { vmids: '100' } }] });
		expect(analysis.probableCause).toContain('No space left on device');
		expect(sim.requests.map((request) => request.path)).toEqual(responses ? ['/v1/responses', '/v1/responses'] : ['/v1/chat/completions', '/v1/chat/completions']);
		expect(sim.toolCallsMade().map((call) => call.name)).toEqual(['Task_Log', 'format_final_json_response']);
		// What the model was given is recorded, normalised across both APIs.
		expect(sim.modelCalls()[1].conversation).toMatchObject({ system: 'triage', toolResults: [{ name: 'Task_Log', arguments: { upid: UPID } }] });
	});

	it('answers as plain text when no tools are bound', async () => {
		sim = await startOpenAiSimulator({ script: () => ({ text: 'hello from the simulator' }) });
		const reply = await model(responses).invoke([new HumanMessage('hi')]);
		expect(reply.content === 'hello from the simulator' || (Array.isArray(reply.content) && JSON.stringify(reply.content).includes('hello from the simulator'))).toBe(true);
	});

	it('rejects a wrong key with OpenAI\'s 401 (the client surfaces it, the key is masked)', async () => {
		sim = await startOpenAiSimulator();
		const error = (await model(responses, 'sk-wrong-key-1234567890').invoke([new HumanMessage('hi')]).catch((caught: unknown) => caught)) as Error & { status?: number };
		expect(error).toBeInstanceOf(Error);
		expect(error.message).toMatch(/Incorrect API key provided: sk-\*+7890/);
		expect(error.message).not.toContain('sk-wrong-key-1234567890');
	});
});

describe('OpenAI simulator over HTTP', () => {
	const call = async (path: string, init: { method?: string; key?: string | null; body?: unknown } = {}) => {
		const headers: Record<string, string> = { 'content-type': 'application/json' };
		if (init.key !== null) headers.authorization = `Bearer ${init.key ?? sim.apiKey}`;
		const response = await fetch(`${sim.url}${path}`, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
		// Response bodies are read field by field below, as OpenAI documents them.
		// eslint-disable-next-line @typescript-eslint/no-explicit-any
		return { status: response.status, json: (await response.json()) as Record<string, any> };
	};

	it('lists models with the bearer key (the credential test n8n runs: GET {url}/models)', async () => {
		sim = await startOpenAiSimulator();
		const { status, json } = await call('/models');
		expect(status).toBe(200);
		expect(json).toMatchObject({ object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', owned_by: 'system' }, { id: 'gpt-4o' }] });
	});

	it('answers 401 without a key and with a wrong one, with OpenAI\'s error bodies', async () => {
		sim = await startOpenAiSimulator();
		const missing = await call('/models', { key: null });
		expect(missing.status).toBe(401);
		expect(missing.json.error).toMatchObject({ type: 'invalid_request_error', code: null, param: null });
		expect(missing.json.error.message).toMatch(/^You didn't provide an API key/);
		const wrong = await call('/chat/completions', { method: 'POST', key: 'sk-nope-abcdefgh', body: { model: 'gpt-4o-mini', messages: [] } });
		expect(wrong.status).toBe(401);
		expect(wrong.json.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
		expect(sim.requests.every((request) => !request.authorized)).toBe(true);
	});

	it('answers 404 model_not_found for an unknown model and 400 for a streaming request', async () => {
		sim = await startOpenAiSimulator();
		const unknown = await call('/responses', { method: 'POST', body: { model: 'gpt-9', input: 'hi' } });
		expect(unknown.status).toBe(404);
		expect(unknown.json.error).toMatchObject({ code: 'model_not_found', message: 'The model `gpt-9` does not exist or you do not have access to it.' });
		const stream = await call('/chat/completions', { method: 'POST', body: { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] } });
		expect(stream.status).toBe(400);
		expect(stream.json.error.param).toBe('stream');
	});

	it('Responses API: a text answer carries output_text with an annotations array', async () => {
		sim = await startOpenAiSimulator({ script: () => ({ text: 'ok' }) });
		const { status, json } = await call('/responses', { method: 'POST', body: { model: 'gpt-4o-mini', input: [{ type: 'message', role: 'user', content: 'hi' }] } });
		expect(status).toBe(200);
		expect(json).toMatchObject({ object: 'response', status: 'completed', output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'ok', annotations: [] }] }] });
	});

	it('scripts are settable: a model asking for a destructive tool, then reporting the tool\'s answer', async () => {
		sim = await startOpenAiSimulator();
		sim.setScript(callToolScript('Delete_VM', { vmid: 100 }));
		const tools = [{ type: 'function', function: { name: 'Delete_VM', parameters: { type: 'object', properties: { vmid: { type: 'number' } } } } }];
		const first = await call('/chat/completions', { method: 'POST', body: { model: 'gpt-4o-mini', tools, messages: [{ role: 'user', content: 'clean up' }] } });
		const toolCall = first.json.choices[0].message.tool_calls[0];
		expect(toolCall.function).toEqual({ name: 'Delete_VM', arguments: '{"vmid":100}' });
		expect(first.json.choices[0].finish_reason).toBe('tool_calls');
		const second = await call('/chat/completions', {
			method: 'POST',
			body: {
				model: 'gpt-4o-mini',
				tools,
				messages: [{ role: 'user', content: 'clean up' }, { role: 'assistant', content: '', tool_calls: [toolCall] }, { role: 'tool', tool_call_id: toolCall.id, content: 'Refused: destructive' }],
			},
		});
		expect(second.json.choices[0].message.content).toBe('Tool Delete_VM answered: Refused: destructive');
		sim.setScript(null);
		const back = await call('/chat/completions', { method: 'POST', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'something happened' }] } });
		expect(JSON.parse(back.json.choices[0].message.content)).toMatchObject({ severity: 'low', needsHuman: false });
	});

	it('a script calling a tool it was not given is a 500 naming the tool, never a silent success', async () => {
		sim = await startOpenAiSimulator({ script: triageScript() });
		sim.setScript(() => ({ toolCalls: [{ name: 'Not_Given', arguments: {} }] }));
		const { status, json } = await call('/chat/completions', { method: 'POST', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] } });
		expect(status).toBe(500);
		expect(json.error.message).toContain('"Not_Given"');
	});
});

describe('triage script', () => {
	const tool = (name: string, properties: Record<string, unknown>) => ({ name, description: name.replace(/_/g, ' '), parameters: { type: 'object', properties } });
	const tools = [tool('Recent_Failed_Tasks', { node: {} }), tool('Task_Log', { upid: {} }), tool('Get_VM', { vmid: {} }), tool('format_final_json_response', { output: {} })];
	const base = { api: 'responses' as const, model: 'gpt-4o-mini', system: 'triage', tools };
	const event = 'Triage this Proxmox event: {"host": "pve2", "message": "ERROR: Backup of VM 103 failed - got timeout", "event": {"type": "backup.guest.failed", "vmid": 103}}';
	const upid = 'UPID:pve2:0001A2CB:0104738D:6B0D1A37:vzdump::root@pam:';

	it('a backup failure without a UPID: failed tasks of the node, then the log of the backup task found there, then the wrapped answer', () => {
		const script = triageScript();
		const first = script({ ...base, messages: [{ role: 'user', content: event }], userText: event, toolResults: [] });
		expect(first).toEqual({ toolCalls: [{ name: 'Recent_Failed_Tasks', arguments: { node: 'pve2' } }] });
		const listed = `[{"upid":"${upid}","status":"job errors"}]`;
		const second = script({ ...base, messages: [{ role: 'user', content: event }, { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'Recent_Failed_Tasks', arguments: { node: 'pve2' } }] }, { role: 'tool', content: listed, toolCallId: 'c1', toolName: 'Recent_Failed_Tasks' }], userText: event, toolResults: [{ name: 'Recent_Failed_Tasks', content: listed, arguments: { node: 'pve2' } }] });
		expect(second).toEqual({ toolCalls: [{ name: 'Task_Log', arguments: { upid } }] });
		const log = '{"log":"INFO: Starting Backup of VM 103 (qemu)\\nERROR: VM 103 qmp command \'backup\' failed - got timeout\\nINFO: aborting backup job"}';
		const third = script({
			...base,
			messages: [
				{ role: 'user', content: event },
				{ role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'Recent_Failed_Tasks', arguments: { node: 'pve2' } }] },
				{ role: 'tool', content: listed, toolCallId: 'c1', toolName: 'Recent_Failed_Tasks' },
				{ role: 'assistant', content: '', toolCalls: [{ id: 'c2', name: 'Task_Log', arguments: { upid } }] },
				{ role: 'tool', content: log, toolCallId: 'c2', toolName: 'Task_Log' },
			],
			userText: event,
			toolResults: [
				{ name: 'Recent_Failed_Tasks', content: listed, arguments: { node: 'pve2' } },
				{ name: 'Task_Log', content: log, arguments: { upid, id: 'c2' } },
			],
		});
		expect(third).toMatchObject({ toolCalls: [{ name: 'format_final_json_response', arguments: { output: { severity: 'high', summary: 'Backup of VM 103 on pve2 failed.', probableCause: "ERROR: VM 103 qmp command 'backup' failed - got timeout" } } }] });
		const evidence = (third as unknown as { toolCalls: Array<{ arguments: { output: { evidence: string[] } } }> }).toolCalls[0].arguments.output.evidence;
		expect(evidence[1]).toMatch(/^Task_Log\({"upid":"UPID:pve2:[^"]+"}\): /);
	});

	it('with an event log tool: asks it about the event type once the evidence is in, and cites a past incident of the same guest', () => {
		const script = triageScript();
		const history = tool('Event_History', { type: {} });
		history.description = 'Has this happened before, and what fixed it? Earlier events of one type from the event log';
		const withHistory = { ...base, tools: [...tools, history] };
		const log = '{"log":"ERROR: Backup of VM 103 failed - No space left on device"}';
		const gathered = [
			{ name: 'Recent_Failed_Tasks', content: `[{"upid":"${upid}"}]`, arguments: { node: 'pve2' } },
			{ name: 'Task_Log', content: log, arguments: { upid } },
		];
		// The conversation as the agent sends it: each tool call, then its result.
		const conversation = (results: Array<{ name: string; content: string; arguments: Record<string, unknown> }>) => ({
			...withHistory,
			userText: event,
			toolResults: results,
			messages: [
				{ role: 'user' as const, content: event },
				...results.flatMap((result, i) => [
					{ role: 'assistant' as const, content: '', toolCalls: [{ id: `c${i}`, name: result.name, arguments: result.arguments }] },
					{ role: 'tool' as const, content: result.content, toolCallId: `c${i}`, toolName: result.name },
				]),
			],
		});
		const asks = script(conversation(gathered));
		expect(asks).toEqual({ toolCalls: [{ name: 'Event_History', arguments: { type: 'backup.guest.failed' } }] });
		// n8n returns a Data Table tool's rows as JSON text; the row of another guest comes second.
		const rows = JSON.stringify([
			{ kind: 'event', type: 'backup.guest.failed', vmid: 103, message: 'ERROR: Backup of VM 103 failed' },
			{ kind: 'incident', type: 'backup.guest.failed', vmid: 101, timestamp: '2026-10-01T02:00:00.000Z', summary: 'Backup of VM 101 failed.', probableCause: 'other guest', action: '', outcome: 'no action proposed' },
			{ kind: 'incident', type: 'backup.guest.failed', vmid: 103, timestamp: '2026-11-02T03:10:00.000Z', summary: 'Backup of VM 103 failed.', probableCause: 'nfs-backup was full', action: 'Back up now 103', outcome: 'Done: Back up now 103 (task OK)' },
		]);
		const answer = script(conversation([...gathered, { name: 'Event_History', content: rows, arguments: { type: 'backup.guest.failed' } }]));
		expect(answer).toMatchObject({
			toolCalls: [{ name: 'format_final_json_response', arguments: { output: { probableCause: 'ERROR: Backup of VM 103 failed - No space left on device Seen before on 2026-11-02: nfs-backup was full; Back up now 103: Done: Back up now 103 (task OK).' } } }],
		});
		// No event type (an unclassified line): no question to the event log.
		const untyped = 'Triage this Proxmox event: {"host": "pve2", "message": "kernel: I/O error"}';
		expect(script({ ...withHistory, messages: [{ role: 'user', content: untyped }], userText: untyped, toolResults: [] })).toMatchObject({ toolCalls: [{ name: 'format_final_json_response' }] });
	});
});
