import { startProxmoxSimulator, type ProxmoxSimulator } from '../index';
import { matcherMatches } from '../notifications/matcher';
import { call, pbsToken, pveToken, waitTask } from './rawClient';
import { receiver } from './receiver';

/** Polls until `check` holds (generous deadline: the machine may be busy). */
async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const BODY = '{"title":{{ json title }},"message":{{ json message }},"severity":{{ json severity }},"timestamp":{{ timestamp }},"fields":{{ json fields }},"q":"{{ url-encode title }}","e":"{{ escape severity }}"}';

describe('PVE notifications', () => {
	let sim: ProxmoxSimulator;
	let hook: Awaited<ReturnType<typeof receiver>>;
	const token = pveToken();
	beforeAll(async () => {
		sim = await startProxmoxSimulator({ unauthorizedDelayMs: 0, taskSpeed: 200 });
		hook = await receiver();
	});
	afterAll(async () => {
		await sim.close();
		await new Promise((r) => hook.server.close(r));
	});

	it('configures a webhook target and a matcher through the API', async () => {
		const create = await call(sim, 'POST', '/cluster/notifications/endpoints/webhook', {
			token,
			form: { name: 'n8n', method: 'post', url: `${hook.url}/webhook/{{ url-encode fields.type }}`, body: b64(BODY), header: [`name=Content-Type,value=${b64('application/json')}`, `name=X-Proxmox-Token,value=${b64('{{ secrets.token }}')}`], secret: [`name=token,value=${b64('s3cr3t')}`] },
		});
		expect(create.status).toBe(200);
		const read = (await call(sim, 'GET', '/cluster/notifications/endpoints/webhook/n8n', { token })).json.data;
		expect(read.secret).toEqual(['name=token']);
		expect(JSON.stringify(read)).not.toContain('s3cr3t');
		const bare = await call(sim, 'POST', '/cluster/notifications/matchers', { token, form: { name: 'bad', 'match-field': 'type=vzdump', target: 'n8n' } });
		expect(bare.status).toBe(400);
		const m = await call(sim, 'POST', '/cluster/notifications/matchers', { token, form: { name: 'backup-errors', target: 'n8n', 'match-severity': 'error', 'match-field': 'exact:type=vzdump' } });
		expect(m.status).toBe(200);
		const targets = (await call(sim, 'GET', '/cluster/notifications/targets', { token })).json.data;
		expect(targets).toEqual([{ name: 'mail-to-root', type: 'sendmail', origin: 'builtin', comment: expect.any(String) }, { name: 'n8n', type: 'webhook', origin: 'user-created' }]);
	});

	it('sends the test notification with empty fields', async () => {
		const next = hook.next();
		const r = await call(sim, 'POST', '/cluster/notifications/targets/n8n/test', { token });
		expect(r.status).toBe(200);
		const got = await next;
		expect(got.url).toBe('/webhook/');
		expect(got.headers['x-proxmox-token']).toBe('s3cr3t');
		const body = JSON.parse(got.body);
		expect(body).toMatchObject({ title: 'Test notification', message: "This is a test of the notification target 'n8n'.", severity: 'info', fields: {}, q: 'Test%20notification', e: 'info' });
	});

	it('delivers a failed backup to the matching webhook, rendered with the event data', async () => {
		sim.control.failNextBackup(100, 'no space left on device');
		const next = hook.next();
		const r = await call(sim, 'POST', '/nodes/pve1/vzdump', { token, form: { vmid: '100', storage: 'nfs-backup' } });
		await waitTask(sim, token, r.json.data);
		const got = await next;
		expect(got.url).toBe('/webhook/vzdump');
		const body = JSON.parse(got.body);
		expect(body.title).toBe('vzdump backup status (pve1.sim.local): backup failed: no space left on device');
		expect(body.severity).toBe('error');
		expect(body.fields).toEqual({ type: 'vzdump', hostname: 'pve1' });
		expect(body.message).toContain('ERROR: Backup of VM 100 failed - no space left on device');
	});

	it('does not send successful backups to an error-only matcher, but scheduled jobs carry job-id', async () => {
		// Each match-severity entry is its own rule (mode all): both severities go in one entry.
		await call(sim, 'PUT', '/cluster/notifications/matchers/backup-errors', { token, form: { 'match-severity': 'error,info' } });
		const receivedBefore = hook.received.length;
		const upids = sim.control.runBackupJob('backup-daily');
		const nodes = upids.map((upid) => upid.split(':')[1]);
		expect(nodes.length).toBeGreaterThan(1);
		for (const upid of upids) await waitTask(sim, token, upid);
		// Every node's run notifies n8n (this matcher) and mail-to-root (the default matcher): wait for
		// all of them, so none lands in the next test.
		const sent = () => sim.control.getState().notificationsSent as Array<{ target: string; title: string }>;
		const expected = nodes.flatMap((node) => ['n8n', 'mail-to-root'].map((target) => ({ target, title: `vzdump backup status (${node}.sim.local): backup successful` })));
		await until(() => expected.every((entry) => sent().some((s) => s.target === entry.target && s.title === entry.title)));
		const bodies = hook.received.slice(receivedBefore).map((request) => JSON.parse(request.body));
		expect(bodies.map((body) => body.fields.hostname).sort()).toEqual([...nodes].sort());
		for (const body of bodies) {
			expect(body.fields['job-id']).toBe('backup-daily');
			expect(body.severity).toBe('info');
		}
	});

	it('bypasses matchers when vzdump mails directly (notification-mode auto with mailto)', async () => {
		const before = sim.control.getState().notificationsSent as unknown[];
		const r = await call(sim, 'POST', '/nodes/pve1/vzdump', { token, form: { vmid: '200', storage: 'nfs-backup', mailto: 'ops@example.com' } });
		await waitTask(sim, token, r.json.data);
		expect((sim.control.getState().notificationsSent as unknown[]).length).toBe(before.length);
	});

	it('delivers control-emitted events (package updates) only when a matcher selects them', async () => {
		const before = hook.received.length;
		await sim.control.emitNotification({ type: 'package-updates' });
		expect(hook.received.length).toBe(before);
		await call(sim, 'POST', '/cluster/notifications/matchers', { token, form: { name: 'updates', target: 'n8n', 'match-field': 'regex:type=^package' } });
		const next = hook.next();
		await sim.control.emitNotification({ type: 'package-updates' });
		expect(JSON.parse((await next).body).title).toBe('New software packages available (pve1.sim.local)');
	});

	it('sends package-updates after apt update with notify', async () => {
		const next = hook.next();
		const r = await call(sim, 'POST', '/nodes/pve2/apt/update', { token, form: { notify: 1 } });
		expect(r.json.data).toMatch(/:aptupdate::root@pam!sim:$/);
		const body = JSON.parse((await next).body);
		expect(body).toMatchObject({ title: 'New software packages available (pve2.sim.local)', fields: { type: 'package-updates', hostname: 'pve2' } });
		expect((await call(sim, 'GET', '/nodes/pve2/apt/update', { token })).json.data[0]).toMatchObject({ Package: 'pve-manager', Version: '9.1.2' });
	});

	it('sends a replication failure', async () => {
		await call(sim, 'POST', '/cluster/notifications/matchers', { token, form: { name: 'replication', target: 'n8n', 'match-field': 'exact:type=replication' } });
		expect((await call(sim, 'GET', '/nodes/pve1/replication', { token })).json.data[0]).toMatchObject({ id: '101-0', guest: 101, target: 'pve2', fail_count: 0 });
		sim.control.takeNodeOffline('pve2');
		const next = hook.next();
		const r = await call(sim, 'POST', '/nodes/pve1/replication/101-0/schedule_now', { token });
		const done = await waitTask(sim, token, r.json.data);
		expect(done.exitstatus).toMatch(/No route to host/);
		const body = JSON.parse((await next).body);
		expect(body).toMatchObject({ title: "Replication Job: '101-0' failed", severity: 'error', fields: { type: 'replication', hostname: 'pve1', 'job-id': '101-0' } });
		expect((await call(sim, 'GET', '/nodes/pve1/replication/101-0/status', { token })).json.data.fail_count).toBe(1);
		sim.control.bringNodeOnline('pve2');
	});

	it('posts to a Gotify server', async () => {
		await call(sim, 'POST', '/cluster/notifications/endpoints/gotify', { token, form: { name: 'phone', server: hook.url, token: 'AppToken123' } });
		const next = hook.next();
		expect((await call(sim, 'POST', '/cluster/notifications/targets/phone/test', { token })).status).toBe(200);
		const got = await next;
		expect([got.method, got.url, got.headers.authorization, got.headers['x-gotify-key']]).toEqual(['POST', '/message', 'Bearer AppToken123', 'AppToken123']);
		// proxmox-notify fences the plain-text body as Markdown code and marks it text/markdown.
		expect(JSON.parse(got.body)).toEqual({
			title: 'Test notification',
			message: "```\nThis is a test of the notification target 'phone'.\n```",
			priority: 1,
			extras: { 'client::display': { contentType: 'text/markdown' } },
		});
	});

	it('reports a failing target on test', async () => {
		await call(sim, 'POST', '/cluster/notifications/endpoints/webhook', { token, form: { name: 'dead', method: 'post', url: 'http://127.0.0.1:9/x' } });
		const r = await call(sim, 'POST', '/cluster/notifications/targets/dead/test', { token });
		expect(r.status).toBe(500);
		expect(r.reason).toMatch(/^could not notify via target\(s\): dead: /);
	});
});

describe('PBS notifications', () => {
	it('notifies GC results only for datastores on the notification system', async () => {
		const sim = await startProxmoxSimulator({ product: 'pbs', unauthorizedDelayMs: 0, taskSpeed: 200 });
		const hook = await receiver();
		const token = pbsToken();
		try {
			await call(sim, 'POST', '/config/notifications/endpoints/webhook', { token, form: { name: 'n8n', url: `${hook.url}/pbs`, body: b64(BODY) } });
			await call(sim, 'POST', '/config/notifications/matchers', { token, form: { name: 'all', target: 'n8n' } });
			const next = hook.next();
			const r = await call(sim, 'POST', '/admin/datastore/backup/gc', { token });
			await waitTask(sim, token, r.json.data);
			const body = JSON.parse((await next).body);
			expect(body).toMatchObject({ title: "Garbage Collect Datastore 'backup' successful", severity: 'info', fields: { type: 'gc', datastore: 'backup', hostname: 'pbs' } });
			await call(sim, 'PUT', '/config/datastore/backup', { token, form: { 'notification-mode': 'legacy-sendmail' } });
			const count = hook.received.length;
			await waitTask(sim, token, (await call(sim, 'POST', '/admin/datastore/backup/gc', { token })).json.data);
			expect(hook.received.length).toBe(count);
		} finally {
			await sim.close();
			await new Promise((r) => hook.server.close(r));
		}
	});
});

describe('PBS notification configuration', () => {
	it('takes property-string headers and secrets (object-schema format) and answers JSON booleans', async () => {
		// PBS schema: header/secret items are `[name=<string> [,value=<string>]]` property strings; GET shows secret names only.
		const sim = await startProxmoxSimulator({ product: 'pbs', unauthorizedDelayMs: 0 });
		const token = pbsToken();
		try {
			const created = await call(sim, 'POST', '/config/notifications/endpoints/webhook', {
				token,
				form: { name: 'n8n', url: 'https://n8n.example/webhook/x', method: 'post', body: b64(BODY), header: [`name=Content-Type,value=${b64('application/json')}`], secret: [`name=token,value=${b64('s3cret')}`] },
			});
			expect(created.status).toBe(200);
			await call(sim, 'POST', '/config/notifications/matchers', { token, form: { name: 'n8n-m', target: 'n8n', 'invert-match': 'true', 'match-field': 'exact:type=gc' } });
			const endpoint = (await call(sim, 'GET', '/config/notifications/endpoints/webhook/n8n', { token })).json.data;
			expect(endpoint.secret).toEqual(['name=token']);
			expect(JSON.stringify(endpoint)).not.toContain(b64('s3cret'));
			const matcher = (await call(sim, 'GET', '/config/notifications/matchers/n8n-m', { token })).json.data;
			expect(matcher['invert-match']).toBe(true);
		} finally {
			await sim.close();
		}
	});
});

describe('matcher semantics', () => {
	const event = { title: 't', message: 'm', severity: 'warning' as const, timestamp: 0, fields: { type: 'vzdump', hostname: 'pve1' } };
	const at = new Date('2026-11-25T10:30:00'); // a Wednesday
	it('follows proxmox-notify: empty matches even inverted, mode all/any, regex unanchored, missing field false', () => {
		expect(matcherMatches({ name: 'x', origin: 'user-created', 'invert-match': true }, event, at)).toBe(true);
		expect(matcherMatches({ name: 'x', origin: 'user-created', 'match-severity': ['warning,error'] }, event, at)).toBe(true);
		expect(matcherMatches({ name: 'x', origin: 'user-created', 'match-severity': ['error'], 'match-field': ['exact:type=vzdump'] }, event, at)).toBe(false);
		expect(matcherMatches({ name: 'x', origin: 'user-created', mode: 'any', 'match-severity': ['error'], 'match-field': ['exact:type=vzdump'] }, event, at)).toBe(true);
		expect(matcherMatches({ name: 'x', origin: 'user-created', 'match-field': ['regex:hostname=ve'] }, event, at)).toBe(true);
		expect(matcherMatches({ name: 'x', origin: 'user-created', 'match-field': ['exact:job-id=a'] }, event, at)).toBe(false);
		expect(matcherMatches({ name: 'x', origin: 'user-created', 'match-field': ['exact:job-id=a'], 'invert-match': true }, event, at)).toBe(true);
		expect(matcherMatches({ name: 'x', origin: 'user-created', 'match-calendar': ['mon..fri 9:00-17:00'] }, event, at)).toBe(true);
		expect(matcherMatches({ name: 'x', origin: 'user-created', 'match-calendar': ['sat,sun'] }, event, at)).toBe(false);
	});
});
