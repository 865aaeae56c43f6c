/**
 * Drives the running e2e n8n: credentials and workflows through the public API, manual
 * executions through `n8n execute`, published workflows' executions through the API.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';

import { n8nEnv, readState, type N8nState } from './n8n';

const run = promisify(execFile);

export interface WorkflowJson {
	name: string;
	nodes: Array<Record<string, unknown>>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface ExecutionSummary {
	id: string;
	status: string;
	finished: boolean;
	mode: string;
	data?: { resultData: { runData: Record<string, Array<{ data?: { main?: Array<Array<{ json: Record<string, unknown> }>> }; error?: { message: string } }>>; error?: { message: string } } };
}

export class N8nClient {
	constructor(readonly state: N8nState = readState()) {}

	async api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.state.url}/api/v1${path}`, {
			method,
			headers: { 'X-N8N-API-KEY': this.state.apiKey, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
			body: body !== undefined ? JSON.stringify(body) : undefined,
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} ${path} -> ${response.status}: ${text}`);
		return (text ? JSON.parse(text) : undefined) as T;
	}

	async createCredential(credential: { name: string; type: string; data: Record<string, unknown> }): Promise<string> {
		const created = await this.api<{ id: string }>('POST', '/credentials', credential);
		return created.id;
	}

	/** Creates a workflow; `credentials` maps credential type -> id to attach to every node that names that type. */
	async createWorkflow(workflow: WorkflowJson, credentials: Record<string, { id: string; name: string }> = {}): Promise<string> {
		const nodes = workflow.nodes.map((node) => {
			const attached = { ...((node.credentials as Record<string, unknown>) ?? {}) };
			for (const type of Object.keys(attached)) if (credentials[type]) attached[type] = credentials[type];
			return { ...node, credentials: attached };
		});
		const created = await this.api<{ id: string }>('POST', '/workflows', {
			name: workflow.name,
			nodes,
			connections: workflow.connections,
			settings: workflow.settings ?? { executionOrder: 'v1' },
		});
		return created.id;
	}

	async publish(workflowId: string): Promise<void> {
		try {
			await this.api('POST', `/workflows/${workflowId}/publish`);
		} catch (error) {
			if (!/404|405/.test((error as Error).message)) throw error;
			await this.api('POST', `/workflows/${workflowId}/activate`);
		}
	}

	async unpublish(workflowId: string): Promise<void> {
		try {
			await this.api('POST', `/workflows/${workflowId}/unpublish`);
		} catch (error) {
			if (!/404|405/.test((error as Error).message)) throw error;
			await this.api('POST', `/workflows/${workflowId}/deactivate`);
		}
	}

	/**
	 * Runs a workflow once, as `n8n execute` does (manual mode, in a separate n8n process). n8n 2.41
	 * prints the run data at log level info, so a lower level would hide it.
	 */
	async execute(workflowId: string): Promise<ExecutionSummary['data']> {
		const { stdout } = await run(join(this.state.n8nDir, 'node_modules', '.bin', 'n8n'), ['execute', `--id=${workflowId}`, '--rawOutput'], {
			env: n8nEnv(this.state, { N8N_PORT: String(this.state.port + 1000), N8N_RUNNERS_BROKER_PORT: String(this.state.port + 1001), N8N_LOG_LEVEL: 'info' }),
			maxBuffer: 64 * 1024 * 1024,
			timeout: 180000,
		}).catch((error: { stdout?: string; stderr?: string; message: string }) => {
			// A failed workflow exits non-zero but still prints its run data.
			if (error.stdout?.includes('"resultData"')) return { stdout: error.stdout };
			throw new Error(`n8n execute failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
		});
		const json = firstJsonObject(stdout);
		if (json === undefined) throw new Error(`n8n execute printed no run data:\n${stdout}`);
		const parsed = JSON.parse(json) as ExecutionSummary['data'] | { data: ExecutionSummary['data'] };
		return 'resultData' in (parsed as object) ? (parsed as ExecutionSummary['data']) : (parsed as { data: ExecutionSummary['data'] }).data;
	}

	/** Every execution of the workflow, newest first (the API's pages of 250 followed to the end). */
	async executions(workflowId: string, includeData = true): Promise<ExecutionSummary[]> {
		const all: ExecutionSummary[] = [];
		let cursor: string | undefined;
		do {
			const page = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
			// With data, n8n reads each execution's data on its own database connection, all at once:
			// small pages keep that from starving the instance under test.
			const limit = includeData ? 25 : 250;
			const body = await this.api<{ data: ExecutionSummary[]; nextCursor?: string | null }>('GET', `/executions?workflowId=${workflowId}&includeData=${includeData}&limit=${limit}${page}`);
			all.push(...body.data);
			cursor = body.nextCursor ?? undefined;
		} while (cursor);
		return all;
	}

	/** The executions that have ended (success, error, canceled...), newest first. */
	async finishedExecutions(workflowId: string, includeData = true): Promise<ExecutionSummary[]> {
		return finished(await this.executions(workflowId, includeData));
	}

	/** Waits until the workflow has at least `count` finished executions (newest first). */
	async waitForExecutions(workflowId: string, count = 1, timeoutMs = 30000): Promise<ExecutionSummary[]> {
		const deadline = Date.now() + timeoutMs;
		let last: ExecutionSummary[] = [];
		let all: ExecutionSummary[] = [];
		while (Date.now() < deadline) {
			// Counted without their data (cheap with hundreds of executions), read with it once enough are in.
			all = await this.executions(workflowId, false);
			last = finished(all);
			if (last.length >= count) return finished(await this.executions(workflowId));
			// Polling hundreds of executions loads n8n: look less often when many are expected.
			await new Promise((wake) => setTimeout(wake, count > 50 ? 2000 : 500));
		}
		throw new Error(`Workflow ${workflowId} has ${last.length} of ${count} executions after ${timeoutMs} ms (${all.length - last.length} still running or new)`);
	}

	/**
	 * The editor's "Test" button for a stored credential: n8n runs the node's credential test with
	 * `data` (unchanged fields may be left out, n8n fills them from the stored credential).
	 */
	async testCredential(credential: { id: string; name: string; type: string; data: Record<string, unknown> }): Promise<{ status: string; message: string }> {
		const response = await fetch(`${this.state.url}/rest/credentials/test`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...this.state.session },
			body: JSON.stringify({ credentials: credential }),
		});
		if (!response.ok) throw new Error(`/rest/credentials/test -> ${response.status}: ${await response.text()}`);
		return ((await response.json()) as { data: { status: string; message: string } }).data;
	}

	/** Node types n8n registered (the editor's `/types/nodes.json`). */
	async nodeTypes(): Promise<Array<{ name: string; version: number | number[] }>> {
		const response = await fetch(`${this.state.url}/types/nodes.json`, { headers: this.state.session });
		if (!response.ok) throw new Error(`/types/nodes.json -> ${response.status}`);
		return (await response.json()) as Array<{ name: string; version: number | number[] }>;
	}

	async credentialTypes(): Promise<Array<{ name: string }>> {
		const response = await fetch(`${this.state.url}/types/credentials.json`, { headers: this.state.session });
		if (!response.ok) throw new Error(`/types/credentials.json -> ${response.status}`);
		return (await response.json()) as Array<{ name: string }>;
	}
}

/**
 * The first complete top-level JSON object in `text`: `n8n execute` may print log lines after the
 * run data (e.g. a late shutdown message), which must not be parsed with it.
 */
export function firstJsonObject(text: string): string | undefined {
	const start = text.indexOf('{');
	if (start < 0) return undefined;
	let depth = 0;
	let inString = false;
	for (let index = start; index < text.length; index++) {
		const char = text[index];
		if (inString) {
			if (char === '\\') index++;
			else if (char === '"') inString = false;
		} else if (char === '"') inString = true;
		else if (char === '{') depth++;
		else if (char === '}' && --depth === 0) return text.slice(start, index + 1);
	}
	return undefined;
}

function finished(executions: ExecutionSummary[]): ExecutionSummary[] {
	return executions.filter((execution) => execution.status !== 'running' && execution.status !== 'new');
}

/** Output items of a node in run data (first run, output 0). */
export function nodeOutput(data: ExecutionSummary['data'], nodeName: string): Array<Record<string, unknown>> {
	const runs = data?.resultData.runData[nodeName];
	if (!runs?.length) throw new Error(`Node "${nodeName}" did not run. Error: ${data?.resultData.error?.message ?? 'none'}`);
	if (runs[0].error) throw new Error(`Node "${nodeName}" failed: ${runs[0].error.message}`);
	return (runs[0].data?.main?.[0] ?? []).map((item) => item.json);
}

/** n8n registers a published workflow's webhooks a moment after the publish call returns. */
export async function waitForEndpoint(url: string, timeoutMs = 60000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let last = 0;
	while (Date.now() < deadline) {
		last = (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status;
		if (last !== 404) return;
		await new Promise((wake) => setTimeout(wake, 500));
	}
	throw new Error(`${url} still answers ${last} ${timeoutMs} ms after publishing`);
}
