/**
 * Executions per second with the Syslog Trigger feeding n8n 2.41.1: queue mode (main + 2 workers,
 * Redis, Postgres) against one regular instance (SQLite) on the same machine, in the same run.
 * One execution per message, so the figure is n8n's execution throughput, not the trigger's.
 *
 *   npx tsx bench/queue-mode.ts [messages=600] [linesPerSecond=200]
 */
import { freePort, PACKAGE_NAME } from '../test/e2e/n8n';
import { startQueueCluster, type QueueCluster } from '../test/scale/cluster';
import { sendSyslogBurst } from '../test/scale/syslogLoad';

const MESSAGES = Number(process.argv[2] ?? 600);
const PER_SECOND = Number(process.argv[3] ?? 200);

async function measure(label: string, cluster: QueueCluster): Promise<number> {
	const port = await freePort();
	const workflowId = await cluster.client.createWorkflow({
		name: `bench: ${label}`,
		nodes: [
			{
				id: '0a0b0c0d-0000-4000-8000-00000000be01',
				name: 'Syslog Trigger',
				type: `${PACKAGE_NAME}.syslogTrigger`,
				typeVersion: 1,
				position: [0, 0],
				// Pacing off: the point is how fast n8n runs executions, not the trigger's protection.
				parameters: { protocol: 'tcp', host: '127.0.0.1', port, output: 'message', options: { rateLimit: 0, includeRaw: false } },
			},
		],
		connections: {},
	});
	await cluster.client.publish(workflowId);
	try {
		const deadline = Date.now() + 60_000;
		for (;;) {
			try {
				await sendSyslogBurst({ port, count: 0, perSecond: 1 });
				break;
			} catch (error) {
				if (Date.now() > deadline) throw error;
				await new Promise((wake) => setTimeout(wake, 200));
			}
		}
		const started = Date.now();
		await sendSyslogBurst({ port, count: MESSAGES, perSecond: PER_SECOND });
		let finished = 0;
		while (finished < MESSAGES) {
			if (Date.now() - started > 20 * 60_000) throw new Error(`${label}: ${finished} of ${MESSAGES} executions after 20 min`);
			await new Promise((wake) => setTimeout(wake, 1000));
			finished = (await cluster.client.finishedExecutions(workflowId, false)).length;
		}
		const seconds = (Date.now() - started) / 1000;
		const rate = MESSAGES / seconds;
		console.log(`${label}: ${MESSAGES} executions in ${seconds.toFixed(1)} s = ${rate.toFixed(1)} executions/s`);
		return rate;
	} finally {
		await cluster.client.unpublish(workflowId);
	}
}

async function main(): Promise<void> {
	console.log(`${MESSAGES} syslog lines at ${PER_SECOND} lines/s, one execution per line`);
	const regular = await startQueueCluster({ regular: true });
	let baseline: number;
	try {
		baseline = await measure('regular (1 process, SQLite)', regular);
	} finally {
		await regular.stop();
	}
	const queue = await startQueueCluster({ workers: 2, concurrency: 10 });
	try {
		const rate = await measure('queue (main + 2 workers, Redis, Postgres)', queue);
		console.log(`ratio queue / regular: ${(rate / baseline).toFixed(2)}x`);
	} finally {
		await queue.stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
