/**
 * n8n 2.41.1 in queue mode as the docs describe it: one main (triggers, pollers, webhooks, editor,
 * API), workers that run the executions, Redis as the queue, Postgres as the database. Every
 * instance has its own user folder with the package installed the way Community Nodes installs
 * it (the "manual install on every instance" path of the README), and all share one encryption key.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { N8nClient } from '../e2e/client';
import {
	installN8n,
	installPackageLikeCommunityNodes,
	makeUserFolder,
	packPackage,
	startN8n,
	startN8nWorker,
	stopProcess,
	type N8nState,
} from '../e2e/n8n';
import { queryPostgres, startPostgres, startRedis, type Service } from './services';

export interface Worker {
	child: ChildProcess;
	logFile: string;
	userFolder: string;
}

export interface QueueCluster {
	main: { state: N8nState; child: ChildProcess };
	workers: Worker[];
	client: N8nClient;
	/** Loopback port of the cluster's Postgres (undefined in regular mode), for pg_stat_activity. */
	postgresPort?: number;
	/** Stops the main instance and starts it again on the same port, database and queue. */
	restartMain(): Promise<void>;
	/**
	 * Ids of the workflow's finished executions, read from Postgres: n8n's executions API leaves
	 * out those main still counts as running, which includes a job whose end main missed (see
	 * nodes/shared/pacing/emit.ts), though it finished. Queue mode only.
	 */
	finishedExecutionIds(workflowId: string): Promise<string[]>;
	/** Execution ids each worker logged as started ("Worker started execution N"). */
	executionsByWorker(): Array<Set<string>>;
	stop(): Promise<void>;
}

export interface QueueClusterOptions {
	workers?: number;
	/** Executions one worker runs at once (n8n warns below 5). */
	concurrency?: number;
	/** Regular mode on SQLite instead (one process), as the baseline of the benchmark. */
	regular?: boolean;
	/** Extra environment of every queue-mode instance (overrides the defaults below). */
	env?: Record<string, string>;
}

/** Environment of every instance of the cluster: the queue, the database and the log level. */
function queueEnv(redis: Service, postgres: Service): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: 'n8n',
		DB_POSTGRESDB_USER: 'n8n',
		DB_POSTGRESDB_PASSWORD: '',
		// n8n's defaults (a pool of 2 connections, 20 s to get one) starve main under a burst: each
		// event saves the trigger's cursor while executions are created and read.
		DB_POSTGRESDB_POOL_SIZE: '10',
		DB_POSTGRESDB_CONNECTION_TIMEOUT: '60000',
		// "Worker started execution N" is logged at info: the tests read where each execution ran.
		N8N_LOG_LEVEL: 'info',
	};
}

export async function startQueueCluster(options: QueueClusterOptions = {}): Promise<QueueCluster> {
	const n8nDir = await installN8n();
	const encryptionKey = randomBytes(24).toString('hex');
	const mainFolder = makeUserFolder('n8n-scale-main-');
	const tarball = await packPackage(join(mainFolder, 'pack'));
	await installPackageLikeCommunityNodes(tarball, mainFolder);
	const services: Service[] = [];
	const folders = [mainFolder];
	try {
		let env: Record<string, string> = { N8N_LOG_LEVEL: 'info' };
		let postgresPort: number | undefined;
		if (!options.regular) {
			const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
			services.push(postgres, redis);
			env = { ...queueEnv(redis, postgres), ...options.env };
			postgresPort = postgres.port;
		}
		let main = await startN8n({ n8nDir, userFolder: mainFolder, encryptionKey, env });
		const workers: Worker[] = [];
		for (let index = 0; index < (options.regular ? 0 : (options.workers ?? 2)); index++) {
			const userFolder = makeUserFolder(`n8n-scale-worker${index + 1}-`);
			folders.push(userFolder);
			await installPackageLikeCommunityNodes(tarball, userFolder);
			const worker = await startN8nWorker({ n8nDir, userFolder, encryptionKey, env, concurrency: options.concurrency ?? 5 });
			workers.push({ ...worker, userFolder });
		}
		const cluster: QueueCluster = {
			main,
			workers,
			client: new N8nClient(main.state),
			postgresPort,
			async restartMain() {
				await stopProcess(main.child, 30_000);
				main = await startN8n({ n8nDir, userFolder: mainFolder, encryptionKey, env, port: main.state.port });
				cluster.main = main;
				cluster.client = new N8nClient(main.state);
			},
			async finishedExecutionIds(workflowId: string) {
				if (postgresPort === undefined) throw new Error('finishedExecutionIds needs queue mode (Postgres)');
				if (!/^[A-Za-z0-9]+$/.test(workflowId)) throw new Error(`Unexpected workflow id ${workflowId}`);
				const rows = await queryPostgres(postgresPort, `SELECT id FROM execution_entity WHERE "workflowId" = '${workflowId}' AND finished OR "workflowId" = '${workflowId}' AND status IN ('error', 'crashed', 'canceled')`);
				return rows.map(([id]) => id);
			},
			executionsByWorker() {
				return workers.map((worker) => {
					const started = readFileSync(worker.logFile, 'utf8').matchAll(/Worker started execution (\d+)/g);
					return new Set([...started].map((match) => match[1]));
				});
			},
			async stop() {
				await Promise.all([main.child, ...workers.map((worker) => worker.child)].map((child) => stopProcess(child, 30_000)));
				await Promise.all(services.map((service) => service.stop()));
				if (!process.env.KEEP_E2E_N8N) for (const folder of folders) rmSync(folder, { recursive: true, force: true });
			},
		};
		return cluster;
	} catch (error) {
		await Promise.all(services.map((service) => service.stop()));
		throw error;
	}
}
