/**
 * workflows/proxmox-mcp-server.json in a real n8n 2.41.1: imported with its credentials, published,
 * and used by the official MCP client (@modelcontextprotocol/sdk, streamable HTTP) at
 * `/mcp/<path>` with the bearer token (n8n-ai.md §B: MCP Server Trigger v2.1, production URL of a
 * published workflow). Answers are checked against the Proxmox simulator.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The SDK publishes these through a wildcard export ("./*" -> dist/cjs/*), which Node and TypeScript
// resolve but eslint's import resolver does not.
// eslint-disable-next-line import-x/no-unresolved
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
// eslint-disable-next-line import-x/no-unresolved
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { startProxmoxSimulator, type ProxmoxSimulator } from '../simulators/proxmox';
import { call } from '../simulators/proxmox/tests/rawClient';
import { N8nClient, waitForEndpoint, type WorkflowJson } from './client';
import { PACKAGE_ROOT } from './n8n';

const WORKFLOW = join(PACKAGE_ROOT, 'workflows', 'proxmox-mcp-server.json');
const TOKEN = 'mcp-e2e-token-3f9a1c0d7b2e';

// Publishing, webhook registration and MCP sessions in a busy n8n.
jest.setTimeout(120000);

interface ToolResult {
	isError?: boolean;
	content: Array<{ type: string; text?: string }>;
}

const textOf = (result: ToolResult) => result.content.map((part) => part.text ?? '').join('\n');

async function connect(url: string, token?: string): Promise<Client> {
	const client = new Client({ name: 'e2e', version: '1.0.0' });
	const transport = new StreamableHTTPClientTransport(new URL(url), token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : undefined);
	await client.connect(transport);
	return client;
}

describe('Proxmox MCP server workflow in a real n8n', () => {
	const n8n = new N8nClient();
	let sim: ProxmoxSimulator;
	let pbs: ProxmoxSimulator;
	let workflowId: string;
	let url: string;
	const clients: Client[] = [];

	beforeAll(async () => {
		sim = await startProxmoxSimulator({ taskSpeed: 20, statsRefreshMs: 200, unauthorizedDelayMs: 50 });
		pbs = await startProxmoxSimulator({ product: 'pbs', unauthorizedDelayMs: 50 });
		const workflow = JSON.parse(readFileSync(WORKFLOW, 'utf8')) as WorkflowJson;
		const proxmox = await n8n.createCredential({
			name: 'Proxmox VE',
			type: 'proxmoxMcpApi',
			data: { hosts: `${sim.host}:${sim.port}`, authMethod: 'token', tokenId: sim.token.id, tokenSecret: sim.token.secret, tlsMode: 'fingerprint', fingerprint: sim.fingerprint },
		});
		const backupServer = await n8n.createCredential({
			name: 'Proxmox Backup Server',
			type: 'proxmoxMcpPbsApi',
			data: { hosts: `${pbs.host}:${pbs.port}`, authMethod: 'token', tokenId: pbs.token.id, tokenSecret: pbs.token.secret, tlsMode: 'fingerprint', fingerprint: pbs.fingerprint },
		});
		const bearer = await n8n.createCredential({ name: 'Proxmox MCP bearer token', type: 'httpBearerAuth', data: { token: TOKEN } });
		// Another test file may publish the same workflow: a path of our own keeps the URLs apart.
		const trigger = workflow.nodes.find((node) => String(node.type).endsWith('.mcpTrigger'))!;
		const path = `proxmox-e2e-${Date.now().toString(36)}`;
		(trigger.parameters as Record<string, unknown>).path = path;
		trigger.webhookId = `5b0e6a8e-3f51-4d0c-9f4e-${Date.now().toString(16).padStart(12, '0').slice(-12)}`;
		workflowId = await n8n.createWorkflow(workflow, {
			proxmoxMcpApi: { id: proxmox, name: 'Proxmox VE' },
			proxmoxMcpPbsApi: { id: backupServer, name: 'Proxmox Backup Server' },
			httpBearerAuth: { id: bearer, name: 'Proxmox MCP bearer token' },
		});
		await n8n.publish(workflowId);
		url = `${n8n.state.url}/mcp/${path}`;
		await waitForEndpoint(url);
	});

	afterAll(async () => {
		for (const client of clients) await client.close().catch(() => undefined);
		if (workflowId) await n8n.unpublish(workflowId).catch(() => undefined);
		await sim?.close();
		await pbs?.close();
	});

	it('refuses a client without the bearer token, or with a wrong one', async () => {
		const initialize = (headers: Record<string, string>) =>
			fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
				body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
			});
		const missing = await initialize({});
		// n8n's webhook auth (McpTrigger -> validateWebhookAuthentication) answers 403 in both cases.
		expect({ status: missing.status, body: await missing.text() }).toEqual({ status: 403, body: expect.stringMatching(/No authorization data provided|Authorization data is wrong/) });
		const wrong = await initialize({ authorization: 'Bearer wrong-token' });
		expect({ status: wrong.status, body: await wrong.text() }).toEqual({ status: 403, body: expect.stringMatching(/Authorization data is wrong/) });
		await expect(connect(url)).rejects.toThrow(/authoriz/i);
		await expect(connect(url, 'wrong-token')).rejects.toThrow(/Authorization data is wrong/);
	});

	it('lists the read tools and the destructive one; write tools are off until enabled', async () => {
		const client = await connect(url, TOKEN);
		clients.push(client);
		const { tools } = await client.listTools();
		const names = tools.map((tool) => tool.name).sort();
		expect(names).toEqual(
			[
				'Backup_Jobs',
				'Cluster_Status',
				'Get_Container',
				'Get_VM',
				'Guests_Without_Backup',
				'List_Containers',
				'List_Nodes',
				'List_VMs',
				'Node_Status',
				'Node_Syslog',
				'PBS_Backup_Groups',
				'PBS_Datastore_Status',
				'PBS_Datastores',
				'PBS_Task_Log',
				'PBS_Tasks',
				'Recent_Tasks',
				'Stop_VM',
				'Storage_Forecast',
				'Storage_Status',
				'Task_Log',
			].sort(),
		);
		const getVm = tools.find((tool) => tool.name === 'Get_VM')!;
		expect(getVm.description).toContain('one virtual machine');
		expect(Object.keys((getVm.inputSchema as { properties: Record<string, unknown> }).properties)).toEqual(['vmid']);
		for (const write of ['Start_VM', 'Reboot_VM', 'Run_Backup']) expect(names).not.toContain(write);
	});

	it('calls a read tool: VM 100 as the simulator has it, and the call is recorded as an execution', async () => {
		const client = await connect(url, TOKEN);
		clients.push(client);
		const before = (await n8n.executions(workflowId, false)).length;
		const result = (await client.callTool({ name: 'Get_VM', arguments: { vmid: 100 } })) as ToolResult;
		expect(result.isError).toBeFalsy();
		const text = textOf(result);
		const state = sim.control.getState() as { guests?: Array<{ vmid: number; node: string; status: string; config: { name?: string } }> };
		const vm100 = state.guests?.find((guest) => guest.vmid === 100);
		expect(text).toContain('web01');
		if (vm100) {
			expect(text).toContain(vm100.node);
			expect(text).toContain(vm100.status);
		}
		const executions = await n8n.waitForExecutions(workflowId, before + 1, 60000);
		const recorded = executions.find((execution) => execution.data?.resultData.runData.Get_VM);
		expect(recorded).toBeDefined();
	});

	it('calls a Proxmox Backup Server read tool: the datastores the PBS simulator has', async () => {
		const client = await connect(url, TOKEN);
		clients.push(client);
		const result = (await client.callTool({ name: 'PBS_Datastores', arguments: {} })) as ToolResult;
		expect(result.isError).toBeFalsy();
		const stores = (await call(pbs, 'GET', '/admin/datastore', { token: `PBSAPIToken=${pbs.token.id}:${pbs.token.secret}` })).json.data as Array<{ store: string }>;
		expect(stores.length).toBeGreaterThan(0);
		for (const { store } of stores) expect(textOf(result)).toContain(store);
	});

	it('is refused a destructive call: the VM keeps running and the refusal names the opt-in', async () => {
		const client = await connect(url, TOKEN);
		clients.push(client);
		const result = (await client.callTool({ name: 'Stop_VM', arguments: { vmid: 100 } })) as ToolResult;
		const text = textOf(result);
		expect(text).toMatch(/Refused/);
		expect(text).toMatch(/destructive/);
		const state = sim.control.getState() as { guests?: Array<{ vmid: number; status: string }> };
		expect(state.guests?.find((guest) => guest.vmid === 100)?.status ?? 'running').toBe('running');
	});
});
