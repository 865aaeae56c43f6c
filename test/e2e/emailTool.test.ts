/**
 * The Email (SMTP) node as an AI tool in a real n8n 2.41.1: its tool variant (`smtpEmailTool`)
 * behind n8n's MCP Server Trigger, called by the official MCP client with the recipients the
 * "model" chooses ($fromAI). "AI Allowed Recipients", shown on the tool only (`@tool`), is kept
 * by n8n when the workflow is saved and enforced when the tool runs; a real SMTP server
 * (test/simulators/mail/smtpReceiver.ts) shows what was delivered.
 */
// The SDK publishes these through a wildcard export ("./*" -> dist/cjs/*), which Node and TypeScript
// resolve but eslint's import resolver does not.
// eslint-disable-next-line import-x/no-unresolved
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
// eslint-disable-next-line import-x/no-unresolved
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { startSmtpReceiver, type SmtpReceiver } from '../simulators/mail/smtpReceiver';
import { N8nClient, waitForEndpoint } from './client';
import { PACKAGE_NAME } from './n8n';

jest.setTimeout(120000);

interface ToolResult {
	isError?: boolean;
	content: Array<{ type: string; text?: string }>;
}

const textOf = (result: ToolResult) => result.content.map((part) => part.text ?? '').join('\n');

describe('Email (SMTP) as an AI tool in a real n8n: AI Allowed Recipients', () => {
	const n8n = new N8nClient();
	let smtp: SmtpReceiver;
	let workflowId: string;
	let client: Client;

	beforeAll(async () => {
		smtp = await startSmtpReceiver({});
		const credential = await n8n.createCredential({
			name: 'SMTP (local)',
			type: 'proxmoxMcpSmtpApi',
			data: { host: '127.0.0.1', port: smtp.listenPort, security: 'none', user: '', password: '', tlsMode: 'system', timeoutSeconds: 10 },
		});
		const path = `email-tool-e2e-${Date.now().toString(36)}`;
		workflowId = await n8n.createWorkflow({
			name: 'e2e: Email tool with AI Allowed Recipients',
			nodes: [
				{
					id: 'e3a1c0d2-0000-4000-8000-000000000001',
					name: 'MCP Server',
					type: '@n8n/n8n-nodes-langchain.mcpTrigger',
					typeVersion: 2.1,
					position: [0, 0],
					webhookId: `6c1f7b9e-4a62-4e1d-8a5f-${Date.now().toString(16).padStart(12, '0').slice(-12)}`,
					parameters: { authentication: 'none', path },
				},
				{
					id: 'e3a1c0d2-0000-4000-8000-000000000002',
					name: 'Send_Mail',
					type: `${PACKAGE_NAME}.smtpEmailTool`,
					typeVersion: 1,
					position: [0, 200],
					parameters: {
						descriptionType: 'manual',
						toolDescription: 'Send an e-mail to the operators.',
						operation: 'send',
						fromEmail: 'n8n@example.test',
						toEmail: "={{ $fromAI('to', 'Recipient address', 'string') }}",
						subject: "={{ $fromAI('subject', 'Subject', 'string') }}",
						text: "={{ $fromAI('text', 'Body', 'string') }}",
						options: { cc: "={{ $fromAI('cc', 'Copy to (may be empty)', 'string') }}" },
						aiAllowedRecipients: 'ops@example.test\n@lab.example',
					},
					credentials: { proxmoxMcpSmtpApi: { id: credential, name: 'SMTP (local)' } },
				},
			],
			connections: { Send_Mail: { ai_tool: [[{ node: 'MCP Server', type: 'ai_tool', index: 0 }]] } },
		});
		// n8n kept the tool-only field when it saved the workflow.
		const saved = await n8n.api<{ nodes: Array<{ name: string; parameters: Record<string, unknown> }> }>('GET', `/workflows/${workflowId}`);
		expect(saved.nodes.find((node) => node.name === 'Send_Mail')?.parameters.aiAllowedRecipients).toBe('ops@example.test\n@lab.example');
		await n8n.publish(workflowId);
		const url = `${n8n.state.url}/mcp/${path}`;
		await waitForEndpoint(url);
		client = new Client({ name: 'e2e', version: '1.0.0' });
		await client.connect(new StreamableHTTPClientTransport(new URL(url)));
	});

	afterAll(async () => {
		await client?.close().catch(() => undefined);
		if (workflowId) await n8n.unpublish(workflowId).catch(() => undefined);
		await smtp?.close();
	});

	it('mails listed recipients (an address in another case, any address of a listed domain)', async () => {
		const result = (await client.callTool({ name: 'Send_Mail', arguments: { to: 'OPS@example.test', cc: 'someone@lab.example', subject: 'disk', text: 'pve1 disk at 91 %' } })) as ToolResult;
		expect(result.isError).toBeFalsy();
		const [mail] = await smtp.waitForMessages(1);
		expect(mail.envelope.to.map((address) => address.toLowerCase()).sort()).toEqual(['ops@example.test', 'someone@lab.example']);
		expect(mail.parsed.text).toContain('pve1 disk at 91 %');
	});

	it('is refused a recipient outside the list, naming the field and the address; nothing is sent', async () => {
		const before = smtp.messages.length;
		const result = (await client.callTool({ name: 'Send_Mail', arguments: { to: 'ops@example.test', cc: 'leak@evil.example', subject: 'x', text: 'secrets' } })) as ToolResult;
		expect(textOf(result)).toContain('CC "leak@evil.example" is not on the node\'s "AI Allowed Recipients"');
		expect(textOf(result)).toContain('Refused');
		expect(smtp.messages.length).toBe(before);
	});
});
