/**
 * Proxmox Trigger (push): registration of a webhook target and matcher in the simulated notification
 * system (which renders and sends webhooks like proxmox-notify's webhook.rs: Handlebars body and
 * headers, secrets from the private config), the secret check, filters and the privilege error.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import { runWebhook, runWebhookMethod } from '../../helpers/engine';
import type { ProxmoxSimulator } from '../../simulators/proxmox';
import { api, PUSH, startSim, stopSim, tokenCredentials, waitFor } from './helpers';

interface Captured {
	headers: Record<string, string>;
	body: string;
}

let sim: ProxmoxSimulator;
let receiver: Server;
let receiverUrl: string;
const captured: Captured[] = [];

beforeAll(async () => {
	sim = await startSim();
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

const credentials = () => tokenCredentials(sim);
const endpoints = async () => (await api(sim, 'GET', '/cluster/notifications/endpoints/webhook')) as IDataObject[];
const matchers = async () => (await api(sim, 'GET', '/cluster/notifications/matchers')) as IDataObject[];
const ours = (list: IDataObject[]) => list.filter((e) => String(e.name).startsWith('n8n-'));

async function activate(parameters: IDataObject, staticData: IDataObject = {}) {
	const check = await runWebhookMethod(PUSH, parameters as never, 'checkExists', { credentials: credentials(), staticData });
	if (check.result) return check;
	return await runWebhookMethod(PUSH, parameters as never, 'create', { credentials: credentials(), staticData: check.staticData });
}

/** Points our endpoint at the local receiver, makes Proxmox send, and returns what it sent. */
async function deliverVia(endpoint: string, send: () => Promise<unknown> | unknown, match: (body: IDataObject) => boolean): Promise<Captured> {
	await api(sim, 'PUT', `/cluster/notifications/endpoints/webhook/${endpoint}`, { url: receiverUrl });
	const before = captured.length;
	await send();
	return await waitFor(() => captured.slice(before).find((c) => match(JSON.parse(c.body) as IDataObject)), 'a webhook delivery');
}

describe('automatic registration', () => {
	it('creates an endpoint and a matcher named after the workflow, with the secret only in Proxmox\'s secret store', async () => {
		const { staticData, webhookUrl } = await activate({ setup: 'automatic' });
		const [endpoint] = ours(await endpoints());
		expect(endpoint.name).toMatch(/^n8n-engine-test-[0-9a-f]{8}$/);
		expect(endpoint).toMatchObject({ url: webhookUrl, method: 'post', secret: ['name=token'] });
		expect(String(endpoint.comment)).toContain('(engine-test), node "Node"');
		const [matcher] = ours(await matchers());
		expect(matcher).toMatchObject({ name: `${endpoint.name}-m`, target: [endpoint.name], mode: 'all' });
		expect(matcher['match-field']).toBeUndefined();
		expect(staticData).toMatchObject({ endpoint: endpoint.name, secret: expect.any(String) });
		// Publishing again (n8n restart) finds it and creates nothing.
		const again = await runWebhookMethod(PUSH, { setup: 'automatic' } as never, 'checkExists', { credentials: credentials(), staticData });
		expect(again.result).toBe(true);
		await runWebhookMethod(PUSH, { setup: 'automatic' } as never, 'delete', { credentials: credentials(), staticData });
		expect(ours(await endpoints())).toEqual([]);
		expect(ours(await matchers())).toEqual([]);
	});

	it('replaces a leftover of a crash (same names, secret unknown) instead of clashing', async () => {
		const first = await activate({ setup: 'automatic' });
		const lost = await activate({ setup: 'automatic' }, {});
		expect(ours(await endpoints())).toHaveLength(1);
		expect(lost.staticData.secret).not.toBe(first.staticData.secret);
		await runWebhookMethod(PUSH, { setup: 'automatic' } as never, 'delete', { credentials: credentials(), staticData: lost.staticData });
	});

	it('turns the filters into matcher rules, so Proxmox does the filtering', async () => {
		const parameters = {
			setup: 'automatic',
			severities: ['warning', 'error'],
			eventTypes: ['vzdump', 'replication'],
			fieldMatches: { match: [{ mode: 'regex', field: 'hostname', value: '^pve[12]$' }] },
		};
		const { staticData } = await activate(parameters);
		const [matcher] = ours(await matchers());
		expect(matcher['match-severity']).toEqual(['warning,error']);
		expect(matcher['match-field']).toEqual(['exact:type=vzdump,replication', 'regex:hostname=^pve[12]$']);
		const [endpoint] = ours(await endpoints());
		await api(sim, 'PUT', `/cluster/notifications/endpoints/webhook/${endpoint.name}`, { url: receiverUrl });
		const before = captured.length;
		await sim.control.emitNotification({ type: 'package-updates', fields: { hostname: 'pve1' } });
		await sim.control.emitNotification({ type: 'replication', fields: { hostname: 'pve3', 'job-id': '101-0' } });
		await sim.control.emitNotification({ type: 'replication', fields: { hostname: 'pve1', 'job-id': '101-0' } });
		await waitFor(() => captured.length > before, 'a delivery');
		expect(captured.slice(before).map((c) => JSON.parse(c.body).fields.hostname)).toEqual(['pve1']);
		// Changed filters make the registration stale: checkExists says so and create replaces it.
		const stale = await runWebhookMethod(PUSH, { ...parameters, severities: ['error'] } as never, 'checkExists', { credentials: credentials(), staticData });
		expect(stale.result).toBe(false);
		await runWebhookMethod(PUSH, parameters as never, 'delete', { credentials: credentials(), staticData });
	});

	it('rejects an invalid regular expression naming the field', async () => {
		await expect(activate({ setup: 'automatic', fieldMatches: { match: [{ mode: 'regex', field: 'hostname', value: '(' }] } })).rejects.toMatchObject({
			message: expect.stringContaining('invalid regular expression'),
			description: 'Field: fieldMatches',
		});
	});

	it('names the missing privilege and shows the manual alternative when the token may not register', async () => {
		const token = sim.control.createToken('auditor@pve', 'n8n', { acl: [{ path: '/', roleid: 'PVEAuditor' }] });
		const error = (await runWebhookMethod(PUSH, { setup: 'automatic', eventTypes: ['vzdump'] } as never, 'create', {
			credentials: tokenCredentials(sim, { tokenId: token.tokenid, tokenSecret: token.secret }),
		}).catch((e) => e)) as { message: string; description: string; httpCode: string };
		expect(error.message).toBe('The Proxmox credential may not register the webhook: it lacks Mapping.Modify on /mapping/notifications');
		expect(error.httpCode).toBe('403');
		expect(error.description).toContain('Sys.Audit + Sys.Modify (or Sys.AccessNetwork) on /');
		expect(error.description).toContain('pveum acl modify / --roles N8nNotifications');
		expect(error.description).toContain('Setup to "Manual"');
		expect(error.description).toMatch(/pvesh create \/cluster\/notifications\/endpoints\/webhook --name n8n-engine-test-[0-9a-f]{8} --method post --url 'http:\/\/127\.0\.0\.1:5678\/webhook\//);
		expect(error.description).toContain("--match-field 'exact:type=vzdump'");
		expect(error.description).not.toContain(token.secret);
		expect(ours(await endpoints())).toEqual([]);
	});
});

describe('deliveries', () => {
	let staticData: IDataObject;
	let endpointName: string;
	beforeAll(async () => {
		staticData = (await activate({ setup: 'automatic' })).staticData;
		endpointName = String(staticData.endpoint);
	});
	afterAll(async () => {
		await runWebhookMethod(PUSH, { setup: 'automatic' } as never, 'delete', { credentials: credentials(), staticData });
	});

	const receive = (delivery: Captured, parameters: IDataObject = { setup: 'automatic' }) =>
		runWebhook(PUSH, parameters as never, { headers: delivery.headers, body: JSON.parse(delivery.body), rawBody: Buffer.from(delivery.body) }, { credentials: credentials(), staticData });

	it('a failed backup (failNextBackup + scheduled job) arrives as backup.job.failed with all fields', async () => {
		sim.control.failNextBackup(100, 'disk full');
		const delivery = await deliverVia(endpointName, () => sim.control.runBackupJob('backup-daily'), (b) => b.severity === 'error');
		expect(delivery.headers['x-proxmox-token']).toBe(staticData.secret);
		const body = JSON.parse(delivery.body);
		expect(Object.keys(body).sort()).toEqual(['fields', 'message', 'severity', 'timestamp', 'title']);
		const result = await receive(delivery);
		const item = result.response.workflowData![0][0].json as IDataObject;
		expect(item).toMatchObject({ source: 'proxmox', severity: 'error', title: expect.stringContaining('backup failed') });
		expect(item.event).toMatchObject({ type: 'backup.job.failed', notificationType: 'vzdump', jobId: 'backup-daily', node: body.fields.hostname });
		expect(String((item.event as IDataObject).key)).toMatch(/^proxmox:backup\.job\.failed:pve\d:-:\d{8}T\d{4}$/);
		expect(item.message).toContain('disk full');
	});

	it('a request without the secret, or with a wrong one, is answered 401 and starts nothing', async () => {
		const body = { title: 't', message: 'm', severity: 'error', timestamp: 1, fields: { type: 'vzdump', hostname: 'pve1' } };
		for (const headers of [{} as Record<string, string>, { 'X-Proxmox-Token': 'wrong' }, { 'X-Proxmox-Token': `${staticData.secret}x` }]) {
			const result = await runWebhook(PUSH, { setup: 'automatic' } as never, { headers, body }, { credentials: credentials(), staticData });
			expect(result.sent.status).toBe(401);
			expect(result.response.workflowData).toBeUndefined();
			expect(JSON.stringify(result.sent.body)).not.toContain(String(staticData.secret));
		}
		const inactive = await runWebhook(PUSH, { setup: 'automatic' } as never, { headers: { 'X-Proxmox-Token': String(staticData.secret) }, body }, { credentials: credentials(), staticData: {} });
		expect(inactive.sent.status).toBe(401);
	});

	it('the target test from the GUI (no type, bypasses matchers) arrives as notification.test', async () => {
		const delivery = await deliverVia(endpointName, () => api(sim, 'POST', `/cluster/notifications/targets/${endpointName}/test`), (b) => b.title === 'Test notification');
		const item = (await receive(delivery, { setup: 'automatic', eventTypes: ['vzdump'] })).response.workflowData![0][0].json as IDataObject;
		expect(item.event).toMatchObject({ type: 'notification.test', target: endpointName });
	});

	it('fencing, replication and package updates map to the shared vocabulary', async () => {
		const events: IDataObject[] = [];
		for (const type of ['fencing', 'replication', 'package-updates']) {
			const delivery = await deliverVia(endpointName, () => sim.control.emitNotification({ type, fields: type === 'replication' ? { 'job-id': '101-0' } : {} }), (b) => (b.fields as IDataObject).type === type);
			events.push((await receive(delivery)).response.workflowData![0][0].json.event as IDataObject);
		}
		expect(events.map((e) => e.type)).toEqual(['node.fence', 'replication.failed', 'package.updates']);
		expect(events[1]).toMatchObject({ jobId: '101-0', vmid: 101 });
	});
});

describe('manual setup', () => {
	const parameters = { setup: 'manual', targetName: 'n8n-manual', secret: 's3cret-value', eventTypes: ['vzdump'] };

	it('publishing fails with the exact pvesh commands while the target does not exist', async () => {
		const error = (await runWebhookMethod(PUSH, parameters as never, 'checkExists', { credentials: credentials() }).catch((e) => e)) as { message: string; description: string };
		expect(error.message).toBe('Proxmox has no webhook target "n8n-manual" yet');
		expect(error.description).toContain('pvesh create /cluster/notifications/endpoints/webhook --name n8n-manual --method post');
		expect(error.description).toContain("pvesh create /cluster/notifications/matchers --name n8n-manual-m --target n8n-manual --mode all --match-field 'exact:type=vzdump'");
		expect(error.description).not.toContain('s3cret-value');
	});

	it('once created by hand, publishing passes, nothing is created or removed, and the secret is checked', async () => {
		const b64 = (s: string) => Buffer.from(s).toString('base64');
		await api(sim, 'POST', '/cluster/notifications/endpoints/webhook', {
			name: 'n8n-manual',
			method: 'post',
			url: receiverUrl,
			header: [`name=Content-Type,value=${b64('application/json')}`, `name=X-Proxmox-Token,value=${b64('{{ secrets.token }}')}`],
			secret: [`name=token,value=${b64('s3cret-value')}`],
			body: b64('{"title":{{ json title }},"message":{{ json message }},"severity":{{ json severity }},"timestamp":{{ timestamp }},"fields":{{ json fields }} }'),
		});
		await api(sim, 'POST', '/cluster/notifications/matchers', { name: 'n8n-manual-m', target: 'n8n-manual', 'match-field': 'exact:type=vzdump' });
		const check = await runWebhookMethod(PUSH, parameters as never, 'checkExists', { credentials: credentials() });
		expect(check.result).toBe(true);
		const before = captured.length;
		await sim.control.emitNotification({ type: 'vzdump', severity: 'error', title: 'vzdump backup status (pve1.sim.local): backup failed', fields: { hostname: 'pve1' } });
		const delivery = await waitFor(() => captured[before], 'a delivery');
		const ok = await runWebhook(PUSH, parameters as never, { headers: delivery.headers, body: JSON.parse(delivery.body) }, { credentials: credentials() });
		expect((ok.response.workflowData![0][0].json.event as IDataObject).type).toBe('backup.job.failed');
		const wrong = await runWebhook(PUSH, { ...parameters, secret: 'other' } as never, { headers: delivery.headers, body: JSON.parse(delivery.body) }, { credentials: credentials() });
		expect(wrong.sent.status).toBe(401);
		await runWebhookMethod(PUSH, parameters as never, 'delete', { credentials: credentials() });
		expect(ours(await endpoints()).map((e) => e.name)).toEqual(['n8n-manual']);
	});
});
