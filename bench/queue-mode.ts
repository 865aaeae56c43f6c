/**
 * Executions per second through n8n 2.41.1 in queue mode (main + 2 workers on Redis and Postgres,
 * `test/scale/cluster.ts`) against one regular n8n (SQLite, executions in its own process) on the
 * same machine, in the same run. The Syslog Trigger feeds both: N syslog lines over TCP as fast as
 * the listener reads them, one execution per line, at most `QUEUE_BENCH_IN_FLIGHT` executions at
 * once (its Max Concurrent Executions option; rate limit off). The figure is N divided by the
 * time from the first line sent to the last execution finished; the ratio is queue / regular.
 * Needs `scripts/test-deps.sh` (postgresql, redis-server) and a build (`npm run bench -- queue`).
 */
import { freePort, PACKAGE_NAME } from '../test/e2e/n8n';
import { waitForPort } from '../test/helpers/ports';
import { startQueueCluster, type QueueCluster } from '../test/scale/cluster';
import { sendSyslogBurst } from '../test/scale/syslogLoad';

const MESSAGES = Number(process.env.QUEUE_BENCH_MESSAGES ?? 1000);
const IN_FLIGHT = Number(process.env.QUEUE_BENCH_IN_FLIGHT ?? 20);
const WORKER_CONCURRENCY = Number(process.env.QUEUE_BENCH_WORKER_CONCURRENCY ?? 10);

interface Figure {
	setup: string;
	seconds: number;
	perSecond: number;
}

/**
 * Finished executions of the workflow. In queue mode from Postgres: n8n 2.41.1's executions API
 * leaves out a job whose end main missed (it stays "running" on main; README "Scale-out").
 */
async function finishedCount(cluster: QueueCluster, workflowId: string): Promise<number> {
	if (cluster.postgresPort !== undefined) return (await cluster.finishedExecutionIds(workflowId)).length;
	return (await cluster.client.finishedExecutions(workflowId, false)).length;
}

async function measure(setup: string, cluster: QueueCluster): Promise<Figure> {
	const port = await freePort();
	const workflowId = await cluster.client.createWorkflow({
		name: `bench: ${setup}`,
		nodes: [
			{
				id: '0a0b0c0d-0000-4000-8000-00000000be01',
				name: 'Syslog Trigger',
				type: `${PACKAGE_NAME}.syslogTrigger`,
				typeVersion: 1,
				position: [0, 0],
				parameters: { protocol: 'tcp', host: '127.0.0.1', port, output: 'message', options: { includeRaw: false, rateLimit: 0, maxConcurrentExecutions: IN_FLIGHT } },
			},
		],
		connections: {},
	});
	await cluster.client.publish(workflowId);
	try {
		await waitForPort(port, { what: 'The Syslog Trigger', timeoutMs: 60_000, log: () => '' });
		const started = Date.now();
		// Far above what either setup runs: the trigger's queue (10,000) holds the difference.
		await sendSyslogBurst({ port, count: MESSAGES, perSecond: 100_000 });
		let finished = 0;
		while (finished < MESSAGES) {
			await new Promise((wake) => setTimeout(wake, 500));
			finished = await finishedCount(cluster, workflowId).catch(() => finished);
			if (Date.now() - started > 30 * 60_000) throw new Error(`${setup}: only ${finished} of ${MESSAGES} executions finished in 30 min`);
		}
		const seconds = (Date.now() - started) / 1000;
		return { setup, seconds, perSecond: MESSAGES / seconds };
	} finally {
		await cluster.client.unpublish(workflowId);
	}
}

async function run(setup: string, start: () => Promise<QueueCluster>): Promise<Figure> {
	const cluster = await start();
	try {
		return await measure(setup, cluster);
	} finally {
		await cluster.stop();
	}
}

async function main() {
	console.log(`${MESSAGES} syslog lines, one execution each, at most ${IN_FLIGHT} at once (Max Concurrent Executions)`);
	const regular = await run('regular (one process, SQLite)', () => startQueueCluster({ regular: true }));
	const queue = await run(`queue (main + 2 workers --concurrency=${WORKER_CONCURRENCY}, Redis, Postgres)`, () =>
		startQueueCluster({ workers: 2, concurrency: WORKER_CONCURRENCY }),
	);
	for (const figure of [regular, queue]) {
		console.log(`${figure.setup}: ${figure.perSecond.toFixed(1)} executions/s (${MESSAGES} in ${figure.seconds.toFixed(1)} s)`);
	}
	console.log(`queue / regular: ${(queue.perSecond / regular.perSecond).toFixed(2)}×`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
