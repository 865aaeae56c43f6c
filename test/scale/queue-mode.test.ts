/**
 * The package in n8n 2.41.1 queue mode: main + 2 workers on real Redis and Postgres. Triggers
 * listen on main only (one listener, one stream, one poller); workers run the executions; nothing
 * is lost or delivered twice, under a syslog burst, under Gotify / ntfy streams of 500 messages,
 * across a restart of main (the stream cursor is static data, saved in Postgres), and for the
 * Proxmox Poll Trigger (one poller) and the Proxmox Trigger (pushes through main's webhook).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { startGotifySimulator, type GotifySimulator } from '../simulators/gotify';
import { startNtfySimulator, type NtfySimulator } from '../simulators/ntfy';
import { startDovecot, type Dovecot } from '../simulators/mail/dovecot';
import { startProxmoxSimulator, type ProxmoxSimulator } from '../simulators/proxmox';
import { call } from '../simulators/proxmox/tests/rawClient';
import { nodeOutput, type ExecutionSummary } from '../e2e/client';
import { freePort, PACKAGE_NAME, packageProblemsInLog } from '../e2e/n8n';
import { startQueueCluster, type QueueCluster } from './cluster';
import { connectionsTo, listenersOn, sendSyslogBurst } from './syslogLoad';

/**
 * Polls until `probe` returns a value. `progress` (optional) says how far it got, for the failure
 * message; a probe that throws (e.g. the API answering 503 while Postgres is busy) is retried.
 */
async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, progress?: () => string): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	while (Date.now() < deadline) {
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch (error) {
			last = error;
		}
		await new Promise((wake) => setTimeout(wake, 2000));
	}
	throw new Error(`Timed out waiting for ${what}${progress ? ` (${progress()})` : ''}${last ? `; last error: ${(last as Error).message}` : ''}`);
}

/**
 * The workflow's finished executions with their data: the API's list, plus each finished one (by
 * Postgres) the list leaves out, read by id. n8n 2.41.1 main can miss the end of a job a worker
 * finished very fast and then keeps it as running, which hides it from the list (excludeRunning).
 */
async function finishedWithData(cluster: QueueCluster, workflowId: string, ids?: string[]): Promise<ExecutionSummary[]> {
	const finishedIds = ids ?? (await cluster.finishedExecutionIds(workflowId));
	const listed = await cluster.client.finishedExecutions(workflowId);
	const seen = new Set(listed.map((execution) => String(execution.id)));
	for (const id of finishedIds.filter((id) => !seen.has(id))) {
		listed.push(await cluster.client.api<ExecutionSummary>('GET', `/executions/${id}?includeData=true`));
	}
	return listed;
}

/**
 * Waits until a trigger's items across a workflow's executions number at least `count`. Reading run
 * data is heavy for n8n (one database read per execution, in parallel): the test polls the number
 * of finished executions in Postgres, which is cheap, and reads the data only when it can be
 * complete: when the count reached `count` (one item per execution) or stopped moving (batches).
 */
async function waitForItems(cluster: QueueCluster, workflowId: string, nodeName: string, count: number, timeoutMs: number, oneItemPerExecution = true) {
	let found: Array<Record<string, unknown>> = [];
	let previous = -1;
	let readAt = -1;
	return await waitUntil(
		`${count} items of ${nodeName}`,
		async () => {
			const ids = await cluster.finishedExecutionIds(workflowId);
			const finished = ids.length;
			const settled = finished === previous;
			previous = finished;
			const worthReading = oneItemPerExecution ? finished >= count : settled && finished > 0;
			if (!worthReading || finished === readAt) return undefined;
			found = triggerItems(await finishedWithData(cluster, workflowId, ids), nodeName);
			readAt = finished;
			return found.length >= count ? found : undefined;
		},
		timeoutMs,
		() => `${found.length} items read, ${previous} executions finished`,
	);
}

/** Items a trigger emitted across all of a workflow's executions. */
function triggerItems(executions: ExecutionSummary[], nodeName: string): Array<Record<string, unknown>> {
	return executions.flatMap((execution) => nodeOutput(execution.data, nodeName));
}

function triggerWorkflow(name: string, node: Record<string, unknown>) {
	return { name, nodes: [{ id: `0a0b0c0d-0000-4000-8000-${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}`, typeVersion: 1, position: [0, 0], ...node }], connections: {} };
}

describe('queue mode: main + 2 workers on Redis and Postgres', () => {
	let cluster: QueueCluster;

	beforeAll(async () => {
		cluster = await startQueueCluster({ workers: 2, concurrency: 5 });
	}, 15 * 60_000);

	afterAll(async () => {
		await cluster?.stop();
	}, 120_000);

	it('installs the package on every instance: main and both workers load it without errors', () => {
		for (const log of [cluster.main.state.logFile, ...cluster.workers.map((worker) => worker.logFile)]) {
			expect(packageProblemsInLog(log, cluster.main.state.n8nDir)).toEqual([]);
		}
	});

	it('a syslog burst of 5,000 lines at 1,000 lines/s becomes exactly 5,000 items, run on both workers, main listening alone', async () => {
		const port = await freePort();
		const workflowId = await cluster.client.createWorkflow(
			triggerWorkflow('scale: syslog burst', {
				name: 'Syslog Trigger',
				type: `${PACKAGE_NAME}.syslogTrigger`,
				parameters: { protocol: 'udpAndTcp', host: '127.0.0.1', port, output: 'batch', batchSize: 100, batchMaxWait: 1, options: { includeRaw: false } },
			}),
		);
		await cluster.client.publish(workflowId);
		try {
			const listeners = await waitUntil('the syslog listener', async () => ((await listenersOn(port)).tcp.length ? listenersOn(port) : undefined), 60_000);
			// One TCP and one UDP socket, both owned by main: workers never open trigger listeners.
			expect(listeners.tcp).toEqual([cluster.main.child.pid]);
			expect(listeners.udp).toEqual([cluster.main.child.pid]);

			const sent = await sendSyslogBurst({ port, count: 5000, perSecond: 1000 });
			expect(sent).toBe(5000);
			const items = await waitForItems(cluster, workflowId, 'Syslog Trigger', 5000, 10 * 60_000, false);
			const sequence = items.map((item) => String(item.message));
			expect(sequence).toHaveLength(5000);
			expect(new Set(sequence).size).toBe(5000);

			const executions = await finishedWithData(cluster, workflowId);
			expect(executions.every((execution) => execution.status === 'success')).toBe(true);
			const ids = executions.map((execution) => String(execution.id));
			await waitUntil('the workers to log every execution', async () => {
				const logged = cluster.executionsByWorker();
				return ids.every((id) => logged.some((set) => set.has(id))) ? true : undefined;
			}, 60_000);
			const [first, second] = cluster.executionsByWorker();
			expect(ids.filter((id) => first.has(id)).length).toBeGreaterThan(0);
			expect(ids.filter((id) => second.has(id)).length).toBeGreaterThan(0);
			// Each execution ran on exactly one worker.
			expect(ids.filter((id) => first.has(id) && second.has(id))).toEqual([]);
		} finally {
			await cluster.client.unpublish(workflowId);
		}
	}, 15 * 60_000);

	describe('with the Gotify and ntfy simulators', () => {
		let gotify: GotifySimulator;
		let ntfy: NtfySimulator;

		beforeAll(async () => {
			[gotify, ntfy] = await Promise.all([startGotifySimulator(), startNtfySimulator()]);
		});

		afterAll(async () => {
			await Promise.all([gotify?.close(), ntfy?.close()]);
		});

		it('Gotify and ntfy triggers each deliver 500 messages exactly once, with one stream each', async () => {
			const app = gotify.createApplication('admin', 'Proxmox');
			const gotifyClient = gotify.createClient('admin', 'n8n');
			const gotifyCredential = await cluster.client.createCredential({
				name: 'scale Gotify',
				type: 'proxmoxMcpGotifyApi',
				data: { serverUrl: gotify.url, appToken: app.token, clientToken: gotifyClient.token, tlsMode: 'system' },
			});
			const ntfyCredential = await cluster.client.createCredential({
				name: 'scale ntfy',
				type: 'proxmoxMcpNtfyApi',
				data: { serverUrl: ntfy.url, authentication: 'none', tlsMode: 'system' },
			});
			const gotifyWorkflow = await cluster.client.createWorkflow(
				triggerWorkflow('scale: Gotify', { name: 'Gotify Trigger', type: `${PACKAGE_NAME}.gotifyTrigger`, parameters: { minPriority: 0 }, credentials: { proxmoxMcpGotifyApi: {} } }),
				{ proxmoxMcpGotifyApi: { id: gotifyCredential, name: 'scale Gotify' } },
			);
			const ntfyWorkflow = await cluster.client.createWorkflow(
				triggerWorkflow('scale: ntfy', { name: 'ntfy Trigger', type: `${PACKAGE_NAME}.ntfyTrigger`, parameters: { topics: 'scale' }, credentials: { proxmoxMcpNtfyApi: {} } }),
				{ proxmoxMcpNtfyApi: { id: ntfyCredential, name: 'scale ntfy' } },
			);
			await cluster.client.publish(gotifyWorkflow);
			await cluster.client.publish(ntfyWorkflow);
			try {
				await gotify.waitForStreams(1, 60_000);
				await ntfy.waitForSubscribers(1, 60_000);
				for (let index = 0; index < 500; index++) {
					gotify.postMessage(app.token, { message: `gotify ${index}`, priority: 5 });
					ntfy.publishDirect('scale', `ntfy ${index}`);
					// A steady stream, not one write: the triggers see messages arrive while executions run.
					if (index % 50 === 49) await new Promise((wake) => setImmediate(wake));
				}
				for (const [workflowId, nodeName, prefix] of [
					[gotifyWorkflow, 'Gotify Trigger', 'gotify'],
					[ntfyWorkflow, 'ntfy Trigger', 'ntfy'],
				] as const) {
					const items = await waitForItems(cluster, workflowId, nodeName, 500, 10 * 60_000);
					const messages = items.map((item) => String(item.message));
					expect(messages).toHaveLength(500);
					expect(new Set(messages)).toEqual(new Set(Array.from({ length: 500 }, (_, index) => `${prefix} ${index}`)));
				}
				// One stream per trigger: the workers opened none.
				expect(gotify.streamCount).toBe(1);
				expect(ntfy.subscriberCount).toBe(1);
			} finally {
				await cluster.client.unpublish(gotifyWorkflow);
				await cluster.client.unpublish(ntfyWorkflow);
			}
		}, 25 * 60_000);

		it('a restart of main loses and repeats nothing: the ntfy cursor is static data in Postgres', async () => {
			const credential = await cluster.client.createCredential({
				name: 'scale ntfy restart',
				type: 'proxmoxMcpNtfyApi',
				data: { serverUrl: ntfy.url, authentication: 'none', tlsMode: 'system' },
			});
			const workflowId = await cluster.client.createWorkflow(
				triggerWorkflow('scale: ntfy restart', { name: 'ntfy Trigger', type: `${PACKAGE_NAME}.ntfyTrigger`, parameters: { topics: 'restart' }, credentials: { proxmoxMcpNtfyApi: {} } }),
				{ proxmoxMcpNtfyApi: { id: credential, name: 'scale ntfy restart' } },
			);
			await cluster.client.publish(workflowId);
			await ntfy.waitForSubscribers(1, 60_000);
			for (let index = 0; index < 50; index++) ntfy.publishDirect('restart', `before ${index}`);
			await waitForItems(cluster, workflowId, 'ntfy Trigger', 50, 5 * 60_000);

			const stopping = cluster.restartMain();
			// Published while main is down or starting: the trigger must catch up from its cursor.
			await waitUntil('main to drop its stream', async () => (ntfy.subscriberCount === 0 ? true : undefined), 60_000);
			for (let index = 0; index < 50; index++) ntfy.publishDirect('restart', `while down ${index}`);
			await stopping;
			try {
				const items = await waitForItems(cluster, workflowId, 'ntfy Trigger', 100, 5 * 60_000);
				const messages = items.map((item) => String(item.message));
				expect(messages).toHaveLength(100);
				expect(new Set(messages).size).toBe(100);
				expect(messages.filter((message) => message.startsWith('while down'))).toHaveLength(50);
				// A sentinel published last arrives after anything replayed before it: with it in, a late
				// duplicate would already be there.
				ntfy.publishDirect('restart', 'sentinel');
				const settled = await waitUntil('the sentinel', async () => {
					const found = triggerItems(await finishedWithData(cluster, workflowId), 'ntfy Trigger');
					return found.some((item) => item.message === 'sentinel') ? found : undefined;
				}, 3 * 60_000);
				expect(settled).toHaveLength(101);
			} finally {
				await cluster.client.unpublish(workflowId);
			}
		}, 15 * 60_000);
	});

	describe('with the Proxmox simulator', () => {
		let sim: ProxmoxSimulator;
		let credentials: Record<string, { id: string; name: string }>;

		beforeAll(async () => {
			sim = await startProxmoxSimulator({ taskSpeed: 20, statsRefreshMs: 200, unauthorizedDelayMs: 50 });
			const id = await cluster.client.createCredential({
				name: 'scale Proxmox',
				type: 'proxmoxMcpApi',
				data: { hosts: `${sim.host}:${sim.port}`, port: 8006, authMethod: 'token', tokenId: sim.token.id, tokenSecret: sim.token.secret, tlsMode: 'fingerprint', fingerprint: sim.fingerprint },
			});
			credentials = { proxmoxMcpApi: { id, name: 'scale Proxmox' } };
		});

		afterAll(async () => {
			await sim?.close();
		});

		it('Poll Trigger: one poller (one GET /cluster/tasks per cycle, at most one cycle a minute), a failed task delivered once; Proxmox Trigger: a push through main runs once, on a worker', async () => {
			const token = { token: `PVEAPIToken=${sim.token.id}=${sim.token.secret}` };
			const pollWorkflow = await cluster.client.createWorkflow(
				triggerWorkflow('scale: Proxmox Poll Trigger', {
					name: 'Proxmox Poll Trigger',
					type: `${PACKAGE_NAME}.proxmoxPollTrigger`,
					parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, watch: ['tasks'], taskStatus: 'failed' },
					credentials: { proxmoxMcpApi: {} },
				}),
				credentials,
			);
			const pushWorkflow = await cluster.client.createWorkflow(
				{
					...triggerWorkflow('scale: Proxmox Trigger', {
						name: 'Proxmox Trigger',
						type: `${PACKAGE_NAME}.proxmoxTrigger`,
						webhookId: 'c2c7d1e2-0000-4000-8000-00000000d0ff',
						parameters: { setup: 'automatic', eventTypes: ['fencing'] },
						credentials: { proxmoxMcpApi: {} },
					}),
				},
				credentials,
			);
			// Each poll cycle reads GET /cluster/tasks once (nodes/ProxmoxPollTrigger): sampling the
			// simulator's count every 250 ms gives the cycles. A second poller (a worker) would add
			// requests at the same cron times or more cycles than minutes.
			sim.control.resetRequestCounts();
			const polls: Array<{ at: number; count: number }> = [];
			let sampling = true;
			const sampler = (async () => {
				let last = 0;
				while (sampling) {
					const count = sim.control.requestCounts()['GET /cluster/tasks'] ?? 0;
					if (count !== last) polls.push({ at: Date.now(), count: count - last });
					last = count;
					await new Promise((wake) => setTimeout(wake, 250));
				}
			})();
			const publishedAt = Date.now();
			await cluster.client.publish(pollWorkflow);
			await cluster.client.publish(pushWorkflow);
			try {
				// Publishing runs the first poll, which seeds the task cursor: the failed task comes after it.
				await waitUntil('the first poll on publish', async () => (polls.length >= 1 ? true : undefined), 60_000);
				sim.control.failNextTask({ type: 'qmstart', id: '104', message: 'start failed: QEMU exited with code 1' });
				const resources = (await call(sim, 'GET', '/cluster/resources', token)).json?.data as Array<Record<string, unknown>>;
				const guest = resources.find((resource) => resource.vmid === 104)!;
				const started = await call(sim, 'POST', `/nodes/${String(guest.node)}/${String(guest.type)}/104/status/start`, token);
				const upid = String(started.json?.data);
				expect(upid).toMatch(/^UPID:/);

				// The push: the simulated notification system delivers to main's webhook (registered on publish).
				const endpoints = async () => ((await call(sim, 'GET', '/cluster/notifications/endpoints/webhook', token)).json?.data as Array<Record<string, unknown>>).filter((e) => String(e.name).startsWith(`n8n-${pushWorkflow}-`));
				await waitUntil('the webhook target registered on publish', async () => ((await endpoints()).length === 1 ? true : undefined), 60_000);
				await sim.control.emitNotification({ type: 'fencing', severity: 'error', fields: { hostname: 'pve2' } });
				const pushed = await waitForItems(cluster, pushWorkflow, 'Proxmox Trigger', 1, 3 * 60_000);
				expect(pushed).toHaveLength(1);
				expect((pushed[0].event as Record<string, unknown>).notificationType).toBe('fencing');
				const [pushExecution] = await cluster.finishedExecutionIds(pushWorkflow);
				await waitUntil('a worker to log the push execution', async () => (cluster.executionsByWorker().some((set) => set.has(pushExecution)) ? true : undefined), 60_000);
				expect(cluster.executionsByWorker().filter((set) => set.has(pushExecution))).toHaveLength(1);

				const failed = await waitForItems(cluster, pollWorkflow, 'Proxmox Poll Trigger', 1, 4 * 60_000);
				expect(failed).toHaveLength(1);
				expect(failed[0]).toMatchObject({ id: upid, severity: 'error' });
				expect(failed[0].event).toMatchObject({ type: 'task.failed', vmid: 104 });
				// One more cycle after the delivery: the task is not delivered again.
				const cyclesAtDelivery = polls.length;
				await waitUntil('one more poll cycle', async () => (polls.length > cyclesAtDelivery ? true : undefined), 3 * 60_000);
				await new Promise((wake) => setTimeout(wake, 3000));
				expect(triggerItems(await finishedWithData(cluster, pollWorkflow), 'Proxmox Poll Trigger')).toHaveLength(1);
				const [pollExecution] = await cluster.finishedExecutionIds(pollWorkflow);
				await waitUntil('a worker to log the poll execution', async () => (cluster.executionsByWorker().some((set) => set.has(pollExecution)) ? true : undefined), 60_000);

				sampling = false;
				await sampler;
				// One request per cycle, and no more cycles than the publish poll plus one per minute.
				expect(polls.map((poll) => poll.count)).toEqual(polls.map(() => 1));
				const minutes = Math.ceil((Date.now() - publishedAt) / 60_000);
				expect(polls.length).toBeLessThanOrEqual(1 + minutes);
				for (let index = 2; index < polls.length; index++) expect(polls[index].at - polls[index - 1].at).toBeGreaterThan(50_000);
			} finally {
				sampling = false;
				await sampler;
				await cluster.client.unpublish(pollWorkflow);
				await cluster.client.unpublish(pushWorkflow);
			}
		}, 10 * 60_000);
	});

	describe('with Dovecot', () => {
		let dovecot: Dovecot;

		beforeAll(async () => {
			dovecot = await startDovecot({ users: { reports: 'pw-reports' } });
		}, 60_000);

		afterAll(async () => {
			await dovecot?.close();
		});

		it('Mail Trigger: one IMAP connection, from main; a mail delivered once, run on a worker', async () => {
			const data = { host: '127.0.0.1', port: dovecot.imapsPort, security: 'tls', user: 'reports', authentication: 'password', password: 'pw-reports', tlsMode: 'fingerprint', fingerprint: dovecot.fingerprint };
			const credential = await cluster.client.createCredential({ name: 'scale IMAP', type: 'proxmoxMcpImapApi', data });
			const workflowId = await cluster.client.createWorkflow(
				triggerWorkflow('scale: Mail Trigger', {
					name: 'Proxmox Mail Trigger',
					type: `${PACKAGE_NAME}.proxmoxMailTrigger`,
					parameters: { mailbox: 'INBOX', afterProcessing: 'markSeen', filters: {} },
					credentials: { proxmoxMcpImapApi: {} },
				}),
				{ proxmoxMcpImapApi: { id: credential, name: 'scale IMAP' } },
			);
			await cluster.client.publish(workflowId);
			try {
				// n8n saves the trigger's static data once activation finished: the cursor is then set.
				await waitUntil('the mail trigger to start', async () => {
					const saved = await cluster.client.api<{ staticData?: Record<string, { uidValidity?: string }> | null }>('GET', `/workflows/${workflowId}`);
					return saved.staticData?.['node:Proxmox Mail Trigger']?.uidValidity ? true : undefined;
				}, 60_000);
				// The test's own appends use the plain IMAP port; the trigger uses IMAPS, so every client of
				// the IMAPS port is the trigger's: one connection, held by main.
				expect(await connectionsTo(dovecot.imapsPort)).toEqual([cluster.main.child.pid]);
				await dovecot.append(['From: pve@sim.local', 'To: reports@example.test', 'Subject: scale mail once', 'Message-ID: <scale-once@sim.local>', '', 'one mail'].join('\r\n'), { user: 'reports' });
				const items = await waitForItems(cluster, workflowId, 'Proxmox Mail Trigger', 1, 3 * 60_000);
				expect(items.map((item) => item.subject)).toEqual(['scale mail once']);
				await waitUntil('the mail marked as read', async () => ((await dovecot.messages('INBOX', 'reports')).every((mail) => mail.flags.includes('\\Seen')) ? true : undefined), 60_000);
				const [execution] = await cluster.finishedExecutionIds(workflowId);
				await waitUntil('a worker to log the mail execution', async () => (cluster.executionsByWorker().some((set) => set.has(execution)) ? true : undefined), 60_000);
				expect(triggerItems(await finishedWithData(cluster, workflowId), 'Proxmox Mail Trigger')).toHaveLength(1);
				expect(await connectionsTo(dovecot.imapsPort)).toEqual([cluster.main.child.pid]);
			} finally {
				await cluster.client.unpublish(workflowId);
			}
		}, 5 * 60_000);
	});

	it('keeps its data in Postgres: main created no SQLite database', () => {
		expect(existsSync(join(cluster.main.state.userFolder, '.n8n', 'database.sqlite'))).toBe(false);
	});
});
