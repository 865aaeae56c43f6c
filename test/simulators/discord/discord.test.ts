/**
 * The Discord webhook simulator against the documented behaviour (protocols.md §3, discord-api-docs
 * webhook.mdx, message.mdx, reference.mdx, rate-limits.mdx).
 */
import { startDiscordSimulator, type DiscordSimulator, type SimWebhook } from './index';

let sim: DiscordSimulator;
let hook: SimWebhook;

beforeEach(async () => {
	sim = await startDiscordSimulator({ bucketLimit: 5, bucketWindowMs: 10_000 });
	hook = sim.createWebhook('Proxmox');
});
afterEach(async () => await sim.close());

const post = async (url: string, body: unknown, contentType = 'application/json') =>
	await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('Discord webhook simulator', () => {
	it('execute: 204 without wait, the message object with wait=true, rate-limit headers on both', async () => {
		const plain = await post(sim.webhookUrl(hook, 10), { content: 'hi' });
		expect(plain.status).toBe(204);
		expect(await plain.text()).toBe('');
		expect(plain.headers.get('x-ratelimit-limit')).toBe('5');
		expect(plain.headers.get('x-ratelimit-remaining')).toBe('4');
		const waited = await post(`${sim.webhookUrl(hook, 10)}?wait=true`, { content: 'hello', embeds: [{ title: 't', color: 15158332 }] });
		expect(waited.status).toBe(200);
		const message = (await waited.json()) as Record<string, unknown>;
		expect(message).toMatchObject({ type: 0, content: 'hello', webhook_id: hook.id, channel_id: hook.channelId, embeds: [{ type: 'rich', title: 't', color: 15158332 }], mention_everyone: false });
		expect(message.id).toMatch(/^\d{17,20}$/);
		expect(waited.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]+$/);
	});

	it('401 for a wrong token, 404 for an unknown webhook or message, with Discord bodies', async () => {
		const badToken = await post(sim.webhookUrl({ ...hook, token: 'wrong-token-wrong-token-wrong-token' }, 10), { content: 'x' });
		expect(badToken.status).toBe(401);
		expect(await badToken.json()).toEqual({ message: 'Invalid Webhook Token', code: 50027 });
		const unknown = await post(sim.webhookUrl({ ...hook, id: '1' }, 10), { content: 'x' });
		expect(unknown.status).toBe(404);
		expect(await unknown.text()).toBe('{"message": "Unknown Webhook", "code": 10015}');
		const noMessage = await fetch(`${sim.webhookUrl(hook, 10)}/messages/123`);
		expect(await noMessage.json()).toEqual({ message: 'Unknown Message', code: 10008 });
	});

	it('validation errors: v10 nested field paths, legacy format on the unversioned path, empty message, invalid JSON', async () => {
		const payload = { content: 'x'.repeat(2001), embeds: [{ title: 't'.repeat(257) }] };
		const v10 = await post(sim.webhookUrl(hook, 10), payload);
		expect(v10.status).toBe(400);
		expect(await v10.json()).toEqual({
			message: 'Invalid Form Body',
			code: 50035,
			errors: {
				content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] },
				embeds: { '0': { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 256 or fewer in length.' }] } } },
			},
		});
		const total = await post(sim.webhookUrl(hook), { embeds: [{ description: 'd'.repeat(4000) }, { description: 'd'.repeat(2500) }] });
		expect(await total.json()).toEqual({ embeds: ['Embed size exceeds maximum size of 6000'] });
		const empty = await post(sim.webhookUrl(hook, 10), { username: 'x' });
		expect(await empty.json()).toEqual({ message: 'Cannot send an empty message', code: 50006 });
		const broken = await post(sim.webhookUrl(hook, 10), '{"content":');
		expect(await broken.json()).toEqual({ message: 'The request body contains invalid JSON.', code: 50109 });
		const mentions = await post(sim.webhookUrl(hook, 10), { content: 'x', allowed_mentions: { parse: ['users'], users: ['1'] } });
		expect(((await mentions.json()) as { errors: Record<string, unknown> }).errors).toHaveProperty('allowed_mentions.users._errors');
	});

	it('allowed_mentions: webhooks parse users by default; parse [] resolves nothing', async () => {
		const a = (await (await post(`${sim.webhookUrl(hook, 10)}?wait=1`, { content: '@everyone <@123>', allowed_mentions: { parse: ['everyone', 'users'] } })).json()) as Record<string, unknown>;
		expect(a).toMatchObject({ mention_everyone: true, mentions: [{ id: '123' }] });
		const b = (await (await post(`${sim.webhookUrl(hook, 10)}?wait=1`, { content: '@everyone <@123>', allowed_mentions: { parse: [] } })).json()) as Record<string, unknown>;
		expect(b).toMatchObject({ mention_everyone: false, mentions: [] });
	});

	it('rate limit: the 6th request in the window gets 429 with retry_after and Retry-After', async () => {
		for (let i = 0; i < 5; i++) expect((await post(sim.webhookUrl(hook, 10), { content: String(i) })).status).toBe(204);
		const limited = await post(sim.webhookUrl(hook, 10), { content: 'over' });
		expect(limited.status).toBe(429);
		const body = (await limited.json()) as { retry_after: number; global: boolean; message: string };
		expect(body.message).toBe('You are being rate limited.');
		expect(body.global).toBe(false);
		expect(body.retry_after).toBeGreaterThan(0);
		expect(body.retry_after).toBeLessThanOrEqual(10);
		expect(Number(limited.headers.get('retry-after'))).toBe(Math.ceil(body.retry_after));
		expect(limited.headers.get('x-ratelimit-scope')).toBe('user');
		expect(sim.messagesOf(hook.channelId)).toHaveLength(5);
	});

	it('the hidden channel limit: a shared-scope 429 with a long retry_after while the bucket still has room', async () => {
		await sim.close();
		sim = await startDiscordSimulator({ bucketLimit: 50, bucketWindowMs: 60_000, channelLimit: 3, channelWindowMs: 60_000 });
		hook = sim.createWebhook('Proxmox');
		for (let i = 0; i < 3; i++) expect((await post(sim.webhookUrl(hook, 10), { content: String(i) })).status).toBe(204);
		const limited = await post(sim.webhookUrl(hook, 10), { content: 'over' });
		expect(limited.status).toBe(429);
		expect(limited.headers.get('x-ratelimit-scope')).toBe('shared');
		expect(Number(limited.headers.get('x-ratelimit-remaining'))).toBeGreaterThan(0);
		expect(((await limited.json()) as { retry_after: number }).retry_after).toBeGreaterThan(30);
	});

	it('threads: thread_id posts into a thread, forum channels need thread_name, multipart files', async () => {
		const thread = sim.createThread(hook, 'alerts');
		expect((await post(`${sim.webhookUrl(hook, 10)}?thread_id=${thread}`, { content: 'in thread' })).status).toBe(204);
		expect(sim.messagesOf(thread)[0].content).toBe('in thread');
		expect((await post(`${sim.webhookUrl(hook, 10)}?thread_id=999`, { content: 'x' })).status).toBe(404);
		const forum = sim.createWebhook('Forum', 'forum');
		expect(await (await post(sim.webhookUrl(forum, 10), { content: 'x' })).json()).toMatchObject({ code: 220001 });
		const form = new FormData();
		form.set('payload_json', JSON.stringify({ content: 'with file', thread_name: 'Backup failed', attachments: [{ id: 0, filename: 'log.txt' }] }));
		form.set('files[0]', new Blob(['log line'], { type: 'text/plain' }), 'log.txt');
		const created = (await (await fetch(`${sim.webhookUrl(forum, 10)}?wait=true`, { method: 'POST', body: form })).json()) as { channel_id: string; attachments: Array<{ filename: string; size: number }> };
		expect(sim.threads.get(created.channel_id)).toEqual({ parentId: forum.channelId, name: 'Backup failed' });
		expect(created.attachments).toMatchObject([{ filename: 'log.txt', size: 8 }]);
	});

	it('edit, get and delete a webhook message', async () => {
		const sent = (await (await post(`${sim.webhookUrl(hook, 10)}?wait=true`, { content: 'v1' })).json()) as { id: string };
		const url = `${sim.webhookUrl(hook, 10)}/messages/${sent.id}`;
		const edited = (await (await fetch(url, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"content":"v2"}' })).json()) as Record<string, unknown>;
		expect(edited).toMatchObject({ id: sent.id, content: 'v2' });
		expect(edited.edited_timestamp).not.toBeNull();
		expect(((await (await fetch(url)).json()) as { content: string }).content).toBe('v2');
		expect((await fetch(url, { method: 'DELETE' })).status).toBe(204);
		expect((await fetch(url)).status).toBe(404);
	});
});
