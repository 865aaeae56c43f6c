/** The Discord Webhook node through n8n's real engine against the Discord webhook simulator. */
import type { IExecuteFunctions, INodeType, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { closeAllPools } from '../../../nodes/shared/transport';
import { registerNodeType, runNode, runWorkflow, START_NODE_TYPE, testCredential } from '../../helpers/engine';
import { startDiscordSimulator, type DiscordSimulator, type SimWebhook } from '../../simulators/discord';
import { backupFailure } from '../../unit/render/fixtures';

let sim: DiscordSimulator;
let hook: SimWebhook;

const credentials = (url = sim.webhookUrl(hook)) => ({ proxmoxMcpDiscordWebhookApi: { webhookUrl: url, tlsMode: 'system' } });

async function startSim(options: Parameters<typeof startDiscordSimulator>[0] = { bucketLimit: 50, bucketWindowMs: 60_000 }) {
	sim = await startDiscordSimulator(options);
	hook = sim.createWebhook('Proxmox');
}

afterEach(async () => {
	await sim?.close();
	await closeAllPools();
});

const fail = async (promise: Promise<unknown>) => (await promise.then(() => undefined, (error: Error) => error)) as NodeApiError & NodeOperationError;

describe('Discord Webhook node: messages', () => {
	it('sends content and built embeds with username and flags, waits for the message, mentions none by default', async () => {
		await startSim();
		const [item] = await runNode(
			'discordWebhook',
			{
				operation: 'send',
				content: 'Backup failed @everyone <@123>',
				embedsMode: 'ui',
				embeds: { embed: [{ title: 'vzdump', description: 'VM 100', color: '#e74c3c', timestamp: '2026-11-30T03:12:44Z', fields: { field: [{ name: 'Node', value: 'pve1', inline: true }] } }] },
				options: { username: 'Proxmox', suppressNotifications: true, suppressEmbeds: true },
			},
			{ credentials: credentials() },
		);
		expect(item.json).toMatchObject({
			content: 'Backup failed @everyone <@123>',
			mention_everyone: false,
			mentions: [],
			flags: 4 | 4096,
			author: { username: 'Proxmox' },
			embeds: [{ type: 'rich', title: 'vzdump', color: 0xe74c3c, timestamp: '2026-11-30T03:12:44.000+00:00', fields: [{ name: 'Node', value: 'pve1', inline: true }] }],
		});
		const request = sim.requests.at(-1)!;
		expect(request.path).toBe(`/api/v10/webhooks/${hook.id}/${hook.token}`);
		expect(request.query).toEqual({ wait: 'true' });
		expect(JSON.parse(request.body.toString()).allowed_mentions).toEqual({ parse: [] });
		expect(sim.messagesOf(hook.channelId)).toHaveLength(1);
	});

	it('sends embeds as JSON into a thread, without waiting (204)', async () => {
		await startSim();
		const thread = sim.createThread(hook, 'alerts');
		const [item] = await runNode(
			'discordWebhook',
			{ operation: 'send', embedsMode: 'json', embedsJson: '[{"title":"from json","color":3447003}]', options: { threadId: thread, wait: false } },
			{ credentials: credentials() },
		);
		expect(item.json).toEqual({ sent: true });
		expect(sim.messagesOf(thread)[0].embeds[0]).toMatchObject({ title: 'from json', color: 3447003 });
	});

	it('creates a forum thread by name and attaches files from binary data', async () => {
		await startSim();
		const forum = sim.createWebhook('Forum', 'forum');
		const bin: INodeType = {
			description: { displayName: 'Bin', name: 'bin', group: ['input'], version: 1, description: '', defaults: { name: 'Bin' }, inputs: ['main'], outputs: ['main'], properties: [] },
			async execute(this: IExecuteFunctions) {
				const log = await this.helpers.prepareBinaryData(Buffer.from('INFO: start\nERROR: failed\n'), 'task-log.txt', 'text/plain');
				const graph = await this.helpers.prepareBinaryData(Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'graph ü.png', 'image/png');
				return [[{ json: {}, binary: { log, graph } }]];
			},
		};
		registerNodeType('test.discordBinary', bin);
		const result = await runWorkflow(
			{
				nodes: [
					{ name: 'Start', type: START_NODE_TYPE, parameters: {} },
					{ name: 'Bin', type: 'test.discordBinary', parameters: {} },
					{ name: 'Discord', type: 'n8n-nodes-proxmox-mcp.discordWebhook', parameters: { operation: 'send', content: 'logs attached', binaryProperties: 'log, graph', options: { threadName: 'Backup 100 failed' } } },
				],
				connections: { Start: { main: [[{ node: 'Bin', type: 'main', index: 0 }]] }, Bin: { main: [[{ node: 'Discord', type: 'main', index: 0 }]] } },
			},
			{ credentials: credentials(sim.webhookUrl(forum)) },
		);
		const [item] = result.output('Discord');
		expect(item.json.attachments).toMatchObject([
			{ filename: 'task-log.txt', size: 26, content_type: 'text/plain' },
			{ filename: 'graph ü.png', size: 4, content_type: 'image/png' },
		]);
		expect(sim.threads.get(item.json.channel_id as string)).toEqual({ parentId: forum.channelId, name: 'Backup 100 failed' });
	});

	it('edits, gets and deletes a message; delete as an AI tool is refused unless allowed', async () => {
		await startSim();
		const [sent] = await runNode('discordWebhook', { operation: 'send', content: 'v1' }, { credentials: credentials() });
		const id = sent.json.id as string;
		const [edited] = await runNode('discordWebhook', { operation: 'edit', messageId: id, content: 'v2', embedsMode: 'none' }, { credentials: credentials() });
		expect(edited.json).toMatchObject({ id, content: 'v2' });
		expect(edited.json.edited_timestamp).toEqual(expect.any(String));
		const [got] = await runNode('discordWebhook', { operation: 'get', messageId: id }, { credentials: credentials() });
		expect(got.json.content).toBe('v2');
		const refused = await fail(runNode('discordWebhook', { operation: 'delete', messageId: id }, { credentials: credentials(), asTool: true }));
		expect(refused.message).toContain('Refused: "Delete a message" (delete) is destructive');
		expect(refused.description).toContain('Allow Destructive Operations From AI');
		// Reads and writes pass the gate as a tool (nodes/Discord/safety.ts).
		const [read] = await runNode('discordWebhook', { operation: 'get', messageId: id }, { credentials: credentials(), asTool: true });
		expect(read.json.content).toBe('v2');
		expect(sim.messagesOf(hook.channelId)).toHaveLength(1);
		const [deleted] = await runNode('discordWebhook', { operation: 'delete', messageId: id, allowDestructiveFromAi: true }, { credentials: credentials(), asTool: true });
		expect(deleted.json).toEqual({ deleted: true, messageId: id });
		expect(sim.messagesOf(hook.channelId)).toHaveLength(0);
		const gone = await fail(runNode('discordWebhook', { operation: 'get', messageId: id }, { credentials: credentials() }));
		expect(gone.httpCode).toBe('404');
		expect(gone.message).toBe('Discord answered 404 (code 10008): Unknown Message');
	});

	it('refuses an ID that is not a snowflake before any request', async () => {
		await startSim();
		const error = await fail(runNode('discordWebhook', { operation: 'delete', messageId: '../../123' }, { credentials: credentials() }));
		expect(error.message).toBe('Message ID "../../123" is not a Discord ID (a number of 15 to 25 digits)');
		expect(sim.requests).toHaveLength(0);
	});
});

describe('Discord Webhook node: limits', () => {
	it('fails naming the field before sending, by default', async () => {
		await startSim();
		const error = await fail(
			runNode('discordWebhook', { operation: 'send', content: 'x'.repeat(2001), embedsMode: 'json', embedsJson: JSON.stringify([{ title: 't'.repeat(300) }]) }, { credentials: credentials() }),
		);
		expect(error.message).toBe(
			"content is 2001 characters; Discord allows 2000; embeds[0].title is 300 characters; Discord allows 256. Shorten it, or set the option \"Over Discord Limits\" to Truncate or Split.",
		);
		expect(error.description).toBe('Field: content');
		expect(sim.requests).toHaveLength(0);
	});

	it('truncates at a character boundary (emoji stay whole)', async () => {
		await startSim();
		const [item] = await runNode('discordWebhook', { operation: 'send', content: '👍🏽'.repeat(1500), options: { limitMode: 'truncate' } }, { credentials: credentials() });
		const content = item.json.content as string;
		expect([...content].length).toBeLessThanOrEqual(2000);
		expect(content.endsWith('👍🏽…')).toBe(true);
	});

	it('splits long content and many embeds over several messages, nothing lost', async () => {
		await startSim();
		const lines = Array.from({ length: 120 }, (_, i) => `line ${String(i).padStart(3, '0')} ${'é'.repeat(30)}`);
		const embeds = Array.from({ length: 12 }, (_, i) => ({ title: `embed ${i}`, description: 'd'.repeat(900) }));
		const items = await runNode(
			'discordWebhook',
			{ operation: 'send', content: lines.join('\n'), embedsMode: 'json', embedsJson: JSON.stringify(embeds), options: { limitMode: 'split' } },
			{ credentials: credentials() },
		);
		const stored = sim.messagesOf(hook.channelId);
		expect(items.map((item) => item.json.part)).toEqual(stored.map((_, i) => i + 1));
		expect(stored.map((message) => message.content).filter(Boolean).join('\n')).toBe(lines.join('\n'));
		expect(stored.flatMap((message) => message.embeds.map((embed) => embed.title))).toEqual(embeds.map((embed) => embed.title));
		expect(stored.every((message) => message.embeds.length <= 10 && [...message.content].length <= 2000)).toBe(true);
	});

	it("surfaces Discord's validation error with the field path (username containing discord)", async () => {
		await startSim();
		const error = await fail(runNode('discordWebhook', { operation: 'send', content: 'x', options: { username: 'My Discord Bot' } }, { credentials: credentials() }));
		expect(error.httpCode).toBe('400');
		expect(error.message).toBe('Discord answered 400 (code 50035): Invalid Form Body: username: Username cannot contain "discord" (USERNAME_INVALID_CONTAINS)');
		expect(error.description).toBe('Fields Discord refused: username: Username cannot contain "discord" (USERNAME_INVALID_CONTAINS)');
	});
});

describe('Discord Webhook node: rate limits, server errors, bad webhooks', () => {
	it('waits retry_after on a 429 and shows the wait in the output', async () => {
		await startSim();
		sim.injectRateLimit(0.25, 'shared');
		const [item] = await runNode('discordWebhook', { operation: 'send', content: 'after the wait' }, { credentials: credentials() });
		expect(item.json.content).toBe('after the wait');
		expect(item.json.retries).toEqual([{ status: 429, waitedSeconds: 0.25, scope: 'shared', reason: 'rate limited' }]);
		expect(sim.requests.map((request) => request.status)).toEqual([429, 200]);
	});

	it('gives up after Max Retries, and at once when retry_after exceeds the maximum wait', async () => {
		await startSim();
		for (let i = 0; i < 3; i++) sim.injectRateLimit(0.05);
		const exhausted = await fail(runNode('discordWebhook', { operation: 'send', content: 'x', options: { maxRetries: 2 } }, { credentials: credentials() }));
		expect(exhausted.httpCode).toBe('429');
		expect(exhausted.message).toBe('Discord answered 429: You are being rate limited.. Retry after 0.05 s (user limit) (after 2 retries)');
		sim.injectRateLimit(42.5);
		const tooLong = await fail(runNode('discordWebhook', { operation: 'send', content: 'x', options: { maxWaitSeconds: 10 } }, { credentials: credentials() }));
		expect(tooLong.message).toBe('Discord answered 429: You are being rate limited.. Retry after 42.5 s (user limit), longer than the Max Rate Limit Wait of 10 s');
	});

	it("follows the simulator's own bucket: the message over the bucket waits, then goes through", async () => {
		// Two per 5 s: the third message is sent well within the window however busy the machine is.
		await startSim({ bucketLimit: 2, bucketWindowMs: 5000 });
		const items = await runNode('discordWebhook', { operation: 'send', content: '={{ "message " + $json.n }}' }, { credentials: credentials(), items: Array.from({ length: 3 }, (_, n) => ({ n })) });
		expect(items.map((item) => item.json.content)).toEqual(Array.from({ length: 3 }, (_, n) => `message ${n}`));
		expect(items.some((item) => Array.isArray(item.json.retries))).toBe(true);
		expect(sim.requests.filter((request) => request.status === 429).length).toBeGreaterThanOrEqual(1);
	});

	it('retries a 5xx and reports the retry', async () => {
		await startSim();
		sim.inject(502, { message: '502: Bad Gateway', code: 0 });
		const [item] = await runNode('discordWebhook', { operation: 'send', content: 'x' }, { credentials: credentials() });
		expect(item.json.retries).toEqual([{ status: 502, waitedSeconds: 1, reason: 'server error' }]);
	});

	it('401 for a wrong token and 404 for a deleted webhook, never showing the token', async () => {
		await startSim();
		const wrong = `${sim.url}/api/webhooks/${hook.id}/${'A'.repeat(68)}`;
		const unauthorized = await fail(runNode('discordWebhook', { operation: 'send', content: 'x' }, { credentials: credentials(wrong) }));
		expect(unauthorized.httpCode).toBe('401');
		expect(unauthorized.message).toBe('Discord answered 401 (code 50027): Invalid Webhook Token. The webhook token is wrong: copy the webhook URL again from Discord.');
		const missing = await fail(runNode('discordWebhook', { operation: 'send', content: 'x' }, { credentials: credentials(`${sim.url}/api/webhooks/123456789012345678/${hook.token}`) }));
		expect(missing.httpCode).toBe('404');
		expect(missing.message).toContain('Unknown Webhook. The webhook was deleted or the URL is wrong.');
		expect(JSON.stringify([unauthorized, missing])).not.toContain(hook.token);
	});

	it('validates the webhook URL before any request', async () => {
		await startSim();
		const bad = await fail(runNode('discordWebhook', { operation: 'send', content: 'x' }, { credentials: credentials(`${sim.url}/api/webhooks/abc`) }));
		expect(bad.message).toContain('Webhook URL must look like https://discord.com/api/webhooks/<webhook ID>/<token>');
		const plain = await fail(runNode('discordWebhook', { operation: 'send', content: 'x' }, { credentials: credentials(`http://discord.com/api/webhooks/${hook.id}/${hook.token}`) }));
		expect(plain.message).toContain('Webhook URL must start with https://');
		expect(sim.requests).toHaveLength(0);
	});

	it('credential test: names the webhook and channel, or explains the failure', async () => {
		await startSim();
		expect(await testCredential('discordWebhook', 'discordWebhookTest', 'proxmoxMcpDiscordWebhookApi', credentials().proxmoxMcpDiscordWebhookApi)).toEqual({
			status: 'OK',
			message: `Webhook "Proxmox" posts to channel ${hook.channelId}`,
		});
		const bad = await testCredential('discordWebhook', 'discordWebhookTest', 'proxmoxMcpDiscordWebhookApi', { webhookUrl: `${sim.url}/api/webhooks/${hook.id}/${'B'.repeat(68)}` });
		expect(bad).toMatchObject({ status: 'Error', message: expect.stringContaining('401') });
	});

	it('continueOnFail puts the error and the failing fields in the item', async () => {
		await startSim();
		const [item] = await runNode('discordWebhook', { operation: 'send', content: 'x', options: { username: 'discord' } }, { credentials: credentials(), continueOnFail: true });
		expect(item.json.fieldErrors).toEqual(['username: Username cannot contain "discord" (USERNAME_INVALID_CONTAINS)']);
	});
});

describe('Discord Webhook node: Send Event', () => {
	it('posts the event as an embed, skips events below the minimum severity', async () => {
		await startSim();
		const items = await runNode(
			'discordWebhook',
			{ operation: 'sendEvent', eventMinSeverity: 'warning', eventOptions: { guiUrl: 'https://pve1.example.com:8006' } },
			{ credentials: credentials(), items: [backupFailure, { ...backupFailure, severity: 'info', id: 'quiet' }] },
		);
		expect(items[0].json).toMatchObject({ sent: true, severity: 'error', embeds: [{ color: 0xe74c3c, url: 'https://pve1.example.com:8006/#v1:0:=node%2Fpve1:4' }] });
		expect(items[1].json).toEqual({ sent: false, severity: 'info', reason: 'Severity info is below the minimum warning' });
		expect(sim.messagesOf(hook.channelId)).toHaveLength(1);
		expect(JSON.parse(sim.requests[0].body.toString()).allowed_mentions).toEqual({ parse: [] });
	});

	it('names the missing field when the item is not an event', async () => {
		await startSim();
		const error = await fail(runNode('discordWebhook', { operation: 'sendEvent' }, { credentials: credentials(), items: [{ foo: 1 }] }));
		expect(error.message).toContain('The event has neither "message" nor "title"');
		expect(error.description).toBe('Field: message');
	});
});
