/**
 * Proxmox Trigger (push) with a Proxmox Backup Server credential: registration under
 * `/config/notifications` (PBS 3.3+, the same proxmox-notify crate as PVE: reference/proxmox.md §3.4),
 * deliveries of the simulated PBS (gc/verify job results of a datastore in notification-system mode,
 * proxmox-backup `src/server/notifications.rs`), the secret check, cleanup and the privilege error.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import { runPoll, runWebhook, runWebhookMethod } from '../../helpers/engine';
import type { ProxmoxSimulator } from '../../simulators/proxmox';
import { call } from '../../simulators/proxmox/tests/rawClient';
import { pbsToken, startPbs, stopSim } from '../pbs/setup';
import { POLL, PUSH, waitFor } from './helpers';

interface Captured {
	headers: Record<string, string>;
	body: string;
}

let sim: ProxmoxSimulator;
let receiver: Server;
let receiverUrl: string;
const captured: Captured[] = [];

beforeAll(async () => {
	sim = await startPbs();
	receiver = createServer((req: IncomingMessage, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			captured.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
			res.end('ok');
		});
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
	await new Promise((resolve) => receiver.close(resolve));
	await stopSim(sim);
});

async function pbsApi(method: string, path: string, form?: Record<string, string | number>): Promise<unknown> {
	const response = await call(sim, method, path, { token: `PBSAPIToken=${sim.token.id}:${sim.token.secret}`, form });
	if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${response.reason}`);
	return response.json?.data;
}

const credentials = () => pbsToken(sim);
const endpoints = async () => (await pbsApi('GET', '/config/notifications/endpoints/webhook')) as IDataObject[];
const matchers = async () => (await pbsApi('GET', '/config/notifications/matchers')) as IDataObject[];
const ours = (list: IDataObject[]) => list.filter((e) => String(e.name).startsWith('n8n-'));
const PBS = { authentication: 'pbs', setup: 'automatic' };

async function activate(parameters: IDataObject, staticData: IDataObject = {}) {
	const check = await runWebhookMethod(PUSH, parameters as never, 'checkExists', { credentials: credentials(), staticData });
	if (check.result) return check;
	return await runWebhookMethod(PUSH, parameters as never, 'create', { credentials: credentials(), staticData: check.staticData });
}

async function waitEnded(upid: string): Promise<void> {
	await waitFor(async () => {
		const status = (await pbsApi('GET', `/nodes/localhost/tasks/${encodeURIComponent(upid)}/status`).catch(() => undefined)) as IDataObject | undefined;
		return status?.status === 'stopped';
	}, `task ${upid} to end`);
}

describe('PBS registration', () => {
	it('creates the endpoint and matcher under /config/notifications with the secret in PBS\'s secret store, and removes them', async () => {
		const { staticData, webhookUrl } = await activate({ ...PBS, eventTypes: ['gc', 'verify'], severities: ['error'] });
		const [endpoint] = ours(await endpoints());
		expect(endpoint.name).toMatch(/^n8n-engine-test-[0-9a-f]{8}$/);
		expect(endpoint).toMatchObject({ url: webhookUrl, method: 'post', secret: ['name=token'] });
		expect(JSON.stringify(endpoint)).not.toContain(String(staticData.secret));
		const [matcher] = ours(await matchers());
		expect(matcher).toMatchObject({ name: `${endpoint.name}-m`, target: [endpoint.name], 'match-field': ['exact:type=gc,verify'], 'match-severity': ['error'] });
		// Nothing under PVE's path is touched: PBS has none.
		const again = await runWebhookMethod(PUSH, { ...PBS, eventTypes: ['gc', 'verify'], severities: ['error'] } as never, 'checkExists', { credentials: credentials(), staticData });
		expect(again.result).toBe(true);
		await runWebhookMethod(PUSH, PBS as never, 'delete', { credentials: credentials(), staticData });
		expect(ours(await endpoints())).toEqual([]);
		expect(ours(await matchers())).toEqual([]);
	});

	it('names Sys.Modify on /system/notifications and the proxmox-backup-manager grant when the token may not register', async () => {
		const token = sim.control.createToken('auditor@pbs', 'n8n', { acl: [{ path: '/', roleid: 'Audit' }] });
		const error = (await runWebhookMethod(PUSH, { ...PBS, eventTypes: ['gc'] } as never, 'create', {
			credentials: pbsToken(sim, { tokenId: token.tokenid, tokenSecret: token.secret }),
		}).catch((e) => e)) as { message: string; description: string; httpCode: string };
		expect(error.message).toBe('The Proxmox credential may not register the webhook: it lacks Sys.Modify on /system/notifications');
		expect(error.httpCode).toBe('403');
		expect(error.description).toContain("proxmox-backup-manager acl update /system/notifications Admin --auth-id 'n8n@pbs!trigger'");
		expect(error.description).toMatch(/proxmox-backup-debug api create \/config\/notifications\/endpoints\/webhook --name n8n-engine-test-[0-9a-f]{8} --method post/);
		expect(error.description).toContain("proxmox-backup-debug api create /config/notifications/matchers --name n8n-engine-test-");
		expect(error.description).not.toContain(token.secret);
		expect(ours(await endpoints())).toEqual([]);
	});
});

describe('PBS deliveries', () => {
	let staticData: IDataObject;
	let endpointName: string;
	beforeAll(async () => {
		staticData = (await activate(PBS)).staticData;
		endpointName = String(staticData.endpoint);
		await pbsApi('PUT', `/config/notifications/endpoints/webhook/${endpointName}`, { url: receiverUrl });
	});
	afterAll(async () => {
		await runWebhookMethod(PUSH, PBS as never, 'delete', { credentials: credentials(), staticData });
	});

	const receive = (delivery: Captured, parameters: IDataObject = PBS) =>
		runWebhook(PUSH, parameters as never, { headers: delivery.headers, body: JSON.parse(delivery.body), rawBody: Buffer.from(delivery.body) }, { credentials: credentials(), staticData });

	async function deliveryOf(send: () => Promise<unknown>, type: string): Promise<Captured> {
		const before = captured.length;
		await send();
		return await waitFor(() => captured.slice(before).find((c) => (JSON.parse(c.body) as { fields: IDataObject }).fields.type === type), `a ${type} delivery`);
	}

	it('a failed GC arrives as gc.failed with the datastore, and its key equals the poll source\'s for the same task', async () => {
		const { staticData: pollData } = await runPoll(POLL, { authentication: 'pbs', watch: ['tasks'], taskStatus: 'failed' } as never, { credentials: credentials(), staticData: {} });
		sim.control.failNextBackup('backup', 'unable to acquire lock - simulated');
		let upid = '';
		const delivery = await deliveryOf(async () => {
			upid = String(await pbsApi('POST', '/admin/datastore/backup/gc'));
		}, 'gc');
		expect(delivery.headers['x-proxmox-token']).toBe(staticData.secret);
		const item = (await receive(delivery)).response.workflowData![0][0].json as IDataObject;
		expect(item).toMatchObject({ source: 'proxmox', severity: 'error', title: "Garbage Collect Datastore 'backup' failed", links: {} });
		expect(item.event).toMatchObject({ type: 'gc.failed', notificationType: 'gc', storage: 'backup' });
		await waitEnded(upid);
		const polled = await runPoll(POLL, { authentication: 'pbs', watch: ['tasks'], taskStatus: 'failed' } as never, { credentials: credentials(), staticData: JSON.parse(JSON.stringify(pollData)) });
		const pollItem = polled.result![0].find((i) => i.json.id === upid)!.json;
		expect((pollItem.event as IDataObject).key).toBe((item.event as IDataObject).key);
	});

	it('a failed verify job arrives as verify.failed with its job ID', async () => {
		sim.control.failNextBackup('backup', 'verification failed - simulated');
		const delivery = await deliveryOf(() => pbsApi('POST', '/admin/verify/v-weekly/run'), 'verify');
		const item = (await receive(delivery)).response.workflowData![0][0].json as IDataObject;
		expect(item.event).toMatchObject({ type: 'verify.failed', storage: 'backup', jobId: 'v-weekly' });
	});

	it('a request without the secret is answered 401 and starts nothing', async () => {
		const body = { title: 't', message: 'm', severity: 'error', timestamp: 1, fields: { type: 'gc', hostname: 'pbs' } };
		const result = await runWebhook(PUSH, PBS as never, { headers: { 'X-Proxmox-Token': 'wrong' }, body }, { credentials: credentials(), staticData });
		expect(result.sent.status).toBe(401);
		expect(result.response.workflowData).toBeUndefined();
	});
});
