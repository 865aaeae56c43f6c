/**
 * Throwaway Postgres and Redis for the queue-mode tests: Debian's binaries (installed by
 * scripts/test-deps.sh), started on loopback on free ports with their data in a temp folder, and
 * removed when stopped. Postgres refuses to run as root, so under root it runs as the `postgres`
 * system user the Debian package creates.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { stopProcess } from '../e2e/n8n';
import { freePort, waitForPort } from '../helpers/ports';

const run = promisify(execFile);

export interface Service {
	port: number;
	child: ChildProcess;
	stop(): Promise<void>;
}

function postgresBin(): string {
	const root = '/usr/lib/postgresql';
	const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
	const found = versions.map((version) => join(root, version, 'bin')).find((dir) => existsSync(join(dir, 'postgres')));
	if (!found) throw new Error('Postgres is not installed: run `bash scripts/test-deps.sh` (Debian package postgresql)');
	return found;
}

/** Wraps a command so it runs as `postgres` when we are root, as ourselves otherwise. */
function asPostgresUser(command: string, args: string[]): [string, string[]] {
	return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function captured(child: ChildProcess): () => string {
	let text = '';
	const keep = (chunk: Buffer) => {
		text = (text + chunk.toString()).slice(-8000);
	};
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	return () => text;
}

/** A new Postgres cluster with trust auth for user `n8n` and database `n8n`. */
export async function startPostgres(): Promise<Service & { database: string; user: string }> {
	const bin = postgresBin();
	const dir = mkdtempSync(join(tmpdir(), 'n8n-scale-pg-'));
	if (process.getuid?.() === 0) {
		const { stdout } = await run('id', ['-u', 'postgres']);
		const { stdout: gid } = await run('id', ['-g', 'postgres']);
		chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
	}
	const data = join(dir, 'data');
	const [initCommand, initArgs] = asPostgresUser(join(bin, 'initdb'), ['-D', data, '-U', 'n8n', '-A', 'trust', '-E', 'UTF8', '--no-instructions']);
	await run(initCommand, initArgs, { cwd: dir });
	const port = await freePort();
	const [command, args] = asPostgresUser(join(bin, 'postgres'), [
		'-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
		// A throwaway cluster: durability settings off, enough connections for main + workers.
		'-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200',
	]);
	const child = spawn(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
	const output = captured(child);
	await waitForPort(port, { what: 'postgres', timeoutMs: 60_000, log: output, child });
	const [createCommand, createArgs] = asPostgresUser(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', 'n8n']);
	await run(createCommand, createArgs, { cwd: dir });
	return {
		port,
		child,
		database: 'n8n',
		user: 'n8n',
		stop: async () => {
			await stopProcess(child);
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

export async function startRedis(): Promise<Service> {
	const dir = mkdtempSync(join(tmpdir(), 'n8n-scale-redis-'));
	const port = await freePort();
	const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const output = captured(child);
	child.once('error', () => undefined);
	await waitForPort(port, { what: 'redis-server', timeoutMs: 60_000, log: output, child });
	return {
		port,
		child,
		stop: async () => {
			await stopProcess(child);
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** Runs one SQL statement with psql on a cluster started by startPostgres; rows as arrays of columns. */
export async function queryPostgres(port: number, sql: string): Promise<string[][]> {
	const { stdout } = await run(join(postgresBin(), 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', '-d', 'n8n', '-At', '-F', '\t', '-c', sql]);
	return stdout
		.split('\n')
		.filter((line) => line !== '')
		.map((line) => line.split('\t'));
}
