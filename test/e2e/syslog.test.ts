/**
 * Syslog Trigger in a real n8n 2.41.1: a published workflow receives lines sent by util-linux
 * logger over UDP and TCP, and its executions contain them.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { portIsFree } from '../helpers/ports';
import { N8nClient, nodeOutput } from './client';
import { freePort, PACKAGE_NAME } from './n8n';

const run = promisify(execFile);

async function logger(args: string[], input?: string): Promise<void> {
	if (input === undefined) {
		await run('logger', args, { timeout: 10_000 });
		return;
	}
	await new Promise<void>((resolve, reject) => {
		const child = execFile('logger', args, { timeout: 10_000 }, (error) => (error ? reject(error) : resolve()));
		child.stdin?.end(input);
	});
}

describe('Syslog Trigger in a real n8n', () => {
	const client = new N8nClient();

	it('runs a published workflow for each line sent by logger', async () => {
		const port = await freePort();
		const workflowId = await client.createWorkflow({
			name: 'e2e: Syslog Trigger',
			nodes: [
				{
					id: 'a3c7d1e2-0000-4000-8000-000000005514',
					name: 'Syslog Trigger',
					type: `${PACKAGE_NAME}.syslogTrigger`,
					typeVersion: 1,
					position: [0, 0],
					parameters: { protocol: 'udpAndTcp', host: '127.0.0.1', port, options: { timezone: 'UTC' } },
				},
			],
			connections: {},
		});
		await client.publish(workflowId);
		try {
			// Activation is done when the TCP port is taken.
			const deadline = Date.now() + 15_000;
			while ((await portIsFree(port)) && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 200));
			await logger(['-n', '127.0.0.1', '-P', String(port), '-d', '--rfc3164', '-t', 'pvedaemon', '-p', 'daemon.notice', 'authentication failure; rhost=::ffff:192.0.2.55 user=root@pam msg=invalid credentials']);
			await logger(['-n', '127.0.0.1', '-P', String(port), '-T', '--octet-count', '-t', 'e2e', 'hello over tcp']);
			const executions = await client.waitForExecutions(workflowId, 2, 60_000);
			const items = executions.flatMap((execution) => nodeOutput(execution.data, 'Syslog Trigger'));
			expect(executions.every((execution) => execution.status === 'success')).toBe(true);
			expect(items).toHaveLength(2);
			const byApp = Object.fromEntries(items.map((item) => [item.appName, item]));
			expect(byApp.pvedaemon).toMatchObject({
				source: 'syslog',
				transport: 'udp',
				facility: 'daemon',
				severity: 'notice',
				event: { type: 'auth.failed', user: 'root@pam', sourceIp: '192.0.2.55' },
			});
			expect(byApp.e2e).toMatchObject({ source: 'syslog', transport: 'tcp', format: 'rfc5424', message: 'hello over tcp' });
		} finally {
			await client.unpublish(workflowId);
		}
		// Deactivation closed the listeners.
		const deadline = Date.now() + 15_000;
		while (!(await portIsFree(port)) && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 200));
		expect(await portIsFree(port)).toBe(true);
	});
	it('with Max Concurrent Executions = 1, runs executions one after another until every message is in', async () => {
		const port = await freePort();
		const workflowId = await client.createWorkflow({
			name: 'e2e: Syslog Trigger, one execution at a time',
			nodes: [
				{
					id: 'a3c7d1e2-0000-4000-8000-000000005515',
					name: 'Syslog Trigger',
					type: `${PACKAGE_NAME}.syslogTrigger`,
					typeVersion: 1,
					position: [0, 0],
					parameters: { protocol: 'tcp', host: '127.0.0.1', port, options: { maxConcurrentExecutions: 1, rateLimit: 0 } },
				},
			],
			connections: {},
		});
		await client.publish(workflowId);
		try {
			const deadline = Date.now() + 15_000;
			while ((await portIsFree(port)) && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 200));
			const lines = Array.from({ length: 5 }, (_, i) => `queued ${i}`).join('\n');
			await logger(['-n', '127.0.0.1', '-P', String(port), '-T', '--octet-count', '-t', 'seq'], `${lines}\n`);
			// n8n reports each finished execution back to the trigger; otherwise only the first would run.
			const executions = await client.waitForExecutions(workflowId, 5, 60_000);
			const messages = executions.flatMap((execution) => nodeOutput(execution.data, 'Syslog Trigger')).map((item) => item.message);
			expect(messages.sort()).toEqual(Array.from({ length: 5 }, (_, i) => `queued ${i}`));
		} finally {
			await client.unpublish(workflowId);
		}
	});

	it('at default settings, receives a burst of 401 lines whole, the authentication failure included (issue 17)', async () => {
		const port = await freePort();
		const workflowId = await client.createWorkflow({
			name: 'e2e: Syslog Trigger, burst at defaults',
			nodes: [
				{
					id: 'a3c7d1e2-0000-4000-8000-000000005516',
					name: 'Syslog Trigger',
					type: `${PACKAGE_NAME}.syslogTrigger`,
					typeVersion: 1,
					position: [0, 0],
					parameters: { host: '127.0.0.1', port },
				},
			],
			connections: {},
		});
		await client.publish(workflowId);
		try {
			const deadline = Date.now() + 15_000;
			while ((await portIsFree(port)) && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 200));
			const target = ['-n', '127.0.0.1', '-P', String(port)];
			const lines = (prefix: string) => Array.from({ length: 200 }, (_, i) => `${prefix} ${i}`).join('\n') + '\n';
			await Promise.all([logger([...target, '-d', '-t', 'burst'], lines('udp line')), logger([...target, '-T', '--octet-count', '-t', 'burst'], lines('tcp line'))]);
			await logger([...target, '-d', '--rfc3164', '-t', 'pvedaemon', '-p', 'authpriv.notice', 'authentication failure; rhost=::ffff:192.0.2.55 user=root@pam msg=invalid credentials']);
			// The default rate limit (100/s) paces the 401 executions: about 4 s; n8n needs far longer to run
			// and store them on a busy machine.
			const executions = await client.waitForExecutions(workflowId, 401, 540_000);
			expect(executions).toHaveLength(401);
			expect(executions.every((execution) => execution.status === 'success')).toBe(true);
			const items = executions.flatMap((execution) => nodeOutput(execution.data, 'Syslog Trigger'));
			const messages = new Set(items.map((item) => item.message));
			const expected = [...Array.from({ length: 200 }, (_, i) => `udp line ${i}`), ...Array.from({ length: 200 }, (_, i) => `tcp line ${i}`)];
			expect(expected.filter((message) => !messages.has(message))).toEqual([]);
			expect(items.find((item) => item.appName === 'pvedaemon')).toMatchObject({ event: { type: 'auth.failed', user: 'root@pam', sourceIp: '192.0.2.55' } });
		} finally {
			await client.unpublish(workflowId);
		}
	}, 600_000);
});
