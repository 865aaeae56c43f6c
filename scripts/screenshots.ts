/**
 * `npm run screenshots`: the README's pictures, taken from the real editor. Builds the package,
 * installs it into a throwaway n8n 2.41.1 like Community Nodes does (the e2e / `npm start` harness),
 * starts the simulators in this process on free ports, imports their credentials and the shipped
 * workflows exactly as `npm start` does (scripts/start.ts importOnce), logs the owner in inside a
 * headless Chromium (Debian's `chromium`, installed with apt-get when missing) and saves
 *
 *   docs/screenshots/<workflow file name>.png      each workflow in workflows/, on the canvas
 *   docs/screenshots/proxmox-incident-agent-execution.png
 *       a finished run of the incident agent: a failed backup reported by syslog, analysed by the
 *       simulated model, its proposed retry approved through the ntfy button (the Wait node's
 *       resume URL) and run.
 *
 * docs/ is not in package.json `files`: the pictures stay out of the npm tarball.
 *
 *   npm run screenshots [-- --keep]    (--keep leaves the n8n folder in .cache/screenshots)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

import { N8nClient, type ExecutionSummary, type WorkflowJson } from '../test/e2e/client';
import { installN8n, installPackageLikeCommunityNodes, listWorkflowFiles, OWNER, packPackage, PACKAGE_ROOT, startN8n, stopProcess } from '../test/e2e/n8n';
import { freePort, portIsFree } from '../test/helpers/ports';
import { Browser, FatalError, until, type Page } from './cdp';
import { importOnce, type SimulatorInfo } from './start';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SIMULATORS } = require('./sim.js') as {
	SIMULATORS: Array<{
		key: string;
		title: string;
		portOption: string;
		entry: string;
		start(mod: unknown, args: Record<string, unknown>): Promise<RunningSimulator>;
		n8nCredential?(instance: RunningSimulator): SimulatorInfo['credential'];
	}>;
};

export interface RunningSimulator {
	url: string;
	close(): Promise<void>;
	[key: string]: unknown;
}

const VIEWPORT = { width: 1400, height: 850 };
const OUT = join(PACKAGE_ROOT, 'docs', 'screenshots');
const WORK = join(PACKAGE_ROOT, '.cache', 'screenshots');
const INCIDENT_AGENT = 'proxmox-incident-agent';
const KEEP = process.argv.includes('--keep');

function step(text: string) {
	console.log(`\n== ${text}`);
}

/** Debian's chromium, installed with apt-get (as root, or through sudo) when it is missing. */
export function chromiumBinary(): string {
	const find = () => {
		for (const candidate of [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[]) if (existsSync(candidate)) return candidate;
		return undefined;
	};
	const found = find();
	if (found) return found;
	const asRoot = process.getuid?.() === 0 ? [] : ['sudo'];
	console.log(`chromium is missing: ${[...asRoot, 'apt-get', 'install', '-y', 'chromium'].join(' ')}`);
	const aptGet = (...args: string[]) =>
		execFileSync(asRoot.length ? 'sudo' : 'apt-get', [...(asRoot.length ? ['apt-get'] : []), ...args], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
	aptGet('update');
	aptGet('install', '-y', '--no-install-recommends', 'chromium');
	const installed = find();
	if (!installed) throw new Error('apt-get install chromium ran but no chromium binary is in /usr/bin (set CHROMIUM=/path/to/chromium)');
	return installed;
}

/** The simulators `npm run sim` starts (scripts/sim.js), in this process, each on a free port. */
export async function startSimulators(): Promise<{ running: Record<string, RunningSimulator>; info: Record<string, SimulatorInfo> }> {
	const args: Record<string, unknown> = { host: '127.0.0.1', 'task-speed': '20' };
	const running: Record<string, RunningSimulator> = {};
	const info: Record<string, SimulatorInfo> = {};
	for (const sim of SIMULATORS) {
		// Picked just before the start: a port freePort released can come back for the next call.
		args[sim.portOption] = String(await freePort());
		// tsx loads the TypeScript entry directly.
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const instance = await sim.start(require(join(PACKAGE_ROOT, sim.entry)), args);
		running[sim.key] = instance;
		info[sim.key] = { url: instance.url, credential: sim.n8nCredential?.(instance) };
		console.log(`${sim.title}: ${instance.url}`);
	}
	return { running, info };
}

/** The (first) Syslog Trigger of a workflow and its port. */
function syslogTriggerOf(workflow: WorkflowJson) {
	const node = workflow.nodes.find((entry) => String(entry.type).endsWith('.syslogTrigger') && !entry.disabled);
	return node ? { workflow: workflow.name, node, port: Number((node.parameters as { port?: number }).port ?? 5514), host: String((node.parameters as { host?: string }).host ?? '0.0.0.0') } : undefined;
}

/** The shipped port when it is free over TCP and UDP, else a free one. */
async function syslogPortFor(trigger: ReturnType<typeof syslogTriggerOf>): Promise<number> {
	if (!trigger) return await freePort();
	const free = (await portIsFree(trigger.port, { host: trigger.host })) && (await portIsFree(trigger.port, { host: trigger.host, protocol: 'udp' }));
	if (free) return trigger.port;
	const port = await freePort();
	console.log(`port ${trigger.port} is taken: the Syslog Trigger of "${trigger.workflow}" listens on ${port} for this run`);
	return port;
}

/** Logs the owner in from inside the page, with the browser-id header the editor itself sends. */
export async function login(page: Page, url: string) {
	await page.goto(`${url}/signin`);
	const status = await page.evaluate<number>(`(async () => {
		let id = localStorage.getItem('n8n-browserId');
		if (!id) { id = crypto.randomUUID(); localStorage.setItem('n8n-browserId', id); }
		const response = await fetch('/rest/login', {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': id },
			body: JSON.stringify({ emailOrLdapLoginId: ${JSON.stringify(OWNER.email)}, password: ${JSON.stringify(OWNER.password)} }),
		});
		return response.status;
	})()`);
	if (status !== 200) throw new Error(`login in the browser answered ${status}`);
}

/**
 * An expression that is the canvas viewport's transform once the canvas (of the page, or of the
 * execution preview's iframe) shows `nodeCount` measured nodes and every image has loaded; false
 * before.
 */
function canvasReady(nodeCount: number): string {
	return `(() => {
		const documents = [document, ...[...document.querySelectorAll('iframe')].map((frame) => { try { return frame.contentDocument; } catch { return null; } })].filter(Boolean);
		for (const doc of documents) {
			const nodes = [...doc.querySelectorAll('.vue-flow__node')];
			if (nodes.length < ${nodeCount}) continue;
			if (nodes.some((node) => doc.defaultView.getComputedStyle(node).visibility === 'hidden' || node.getBoundingClientRect().width === 0)) return false;
			if ([...doc.images].some((image) => !image.complete)) return false;
			if (doc.querySelector('.el-loading-mask')) return false;
			const viewport = doc.querySelector('.vue-flow__viewport');
			return viewport ? viewport.style.transform || 'none' : false;
		}
		return false;
	})()`;
}

/** Waits for the canvas, then until its zoom-to-fit has settled (the same transform twice in a row). */
async function waitForCanvas(page: Page, nodeCount: number, what: string) {
	await page.waitFor('fonts', 'document.fonts.ready.then(() => true)');
	let previous: string | undefined;
	await until(
		`${what}: ${nodeCount} nodes on the canvas, images loaded, view settled`,
		async () => {
			const transform = await page.evaluate<string | false>(canvasReady(nodeCount));
			const settled = transform !== false && transform === previous;
			previous = transform || undefined;
			return settled;
		},
		120000,
		400,
	);
}

/**
 * Hides what would cover the canvas: toasts, and popovers such as the *Production Checklist* n8n
 * opens by itself on a workflow's first publication.
 */
export async function hideOverlays(page: Page) {
	await page.evaluate(`(() => {
		const style = document.createElement('style');
		style.textContent = '.el-notification, .el-message, [data-reka-popper-content-wrapper] { display: none !important; }';
		document.head.appendChild(style);
		return true;
	})()`);
}

async function shoot(page: Page, file: string) {
	const png = await page.screenshotPng();
	writeFileSync(file, png);
	console.log(`wrote ${relative(PACKAGE_ROOT, file)} (${VIEWPORT.width}x${VIEWPORT.height}, ${(png.length / 1024).toFixed(0)} KiB)`);
	return file;
}

/**
 * A failed backup of VM 100 reported by syslog as vzdump does, analysed, its proposed retry approved
 * through the ntfy Approve button; returns the execution that ran the approved operation.
 */
async function runIncident(client: N8nClient, sims: Record<string, RunningSimulator>, workflowId: string, syslogPort: number): Promise<ExecutionSummary> {
	const pve = sims.pve as RunningSimulator & {
		control: {
			failNextBackup(vmid: number, message: string): void;
			runBackupJob(id: string): unknown;
			getState(): { guests: Array<{ vmid: number; node: string }> };
			emitSyslog(options: { node: string; target: { host: string; port: number; transport: 'udp' | 'tcp' }; lines: string[]; severity: number }): Promise<void>;
		};
	};
	const ntfy = sims.ntfy as RunningSimulator & { store: { all(): Array<{ title?: string; actions?: Array<{ label?: string; url?: string; method?: string }> }> } };
	const node = pve.control.getState().guests.find((guest) => guest.vmid === 100)?.node ?? 'pve1';
	pve.control.failNextBackup(100, 'No space left on device');
	await pve.control.runBackupJob('backup-daily');
	// What vzdump logs at err level when a guest's backup fails (pve-manager PVE/VZDump.pm).
	await pve.control.emitSyslog({
		node,
		target: { host: '127.0.0.1', port: syslogPort, transport: 'tcp' },
		lines: ['vzdump[4242]: ERROR: Backup of VM 100 failed - No space left on device'],
		severity: 3,
	});
	const workflow = await client.api<{ nodes: Array<{ name: string; type: string }> }>('GET', `/workflows/${workflowId}`);
	const named = (suffix: string) => workflow.nodes.filter((entry) => entry.type.endsWith(suffix)).map((entry) => entry.name);
	const [agents, waits, syslogTriggers] = [named('.agent'), named('.wait'), named('.syslogTrigger')];
	const ran = (execution: ExecutionSummary, names: string[]) => names.some((name) => execution.data?.resultData.runData[name]);
	let approved: string | undefined;
	// The run this syslog line started: analysed, then either waiting for approval (approved here
	// through the ntfy Approve button, as a person's tap would) or done.
	return await until(
		'the incident agent to analyse the failed backup and finish',
		async () => {
			const executions = (await client.executions(workflowId, true)).filter((execution) => ran(execution, syslogTriggers));
			const failed = executions.find((execution) => execution.status === 'error' || execution.status === 'crashed');
			if (failed) throw new FatalError(`execution ${failed.id} of the incident agent failed: ${failed.data?.resultData.error?.message ?? failed.status}`);
			const waiting = executions.find((execution) => execution.status === 'waiting');
			if (waiting && !approved) {
				const approve = ntfy.store.all().flatMap((message) => message.actions ?? []).find((action) => action.label?.startsWith('Approve') && action.url);
				if (!approve) return undefined;
				const answer = await fetch(approve.url!, { method: approve.method ?? 'POST' });
				if (!answer.ok) throw new FatalError(`approving through ${approve.url} answered ${answer.status}: ${await answer.text()}`);
				approved = approve.label;
				console.log(`approved "${approve.label}"`);
				return undefined;
			}
			if (waiting) return undefined;
			return executions.find((execution) => execution.status === 'success' && ran(execution, agents) && (!approved || ran(execution, waits)));
		},
		300000,
		1000,
	);
}

async function main() {
	const started = Date.now();
	step('chromium');
	const chromium = chromiumBinary();
	console.log(execFileSync(chromium, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());

	step('build');
	execFileSync('npm', ['run', 'build'], { cwd: PACKAGE_ROOT, stdio: 'inherit' });

	step('n8n 2.41.1 (cached install) with the packed package');
	const n8nDir = await installN8n();
	rmSync(WORK, { recursive: true, force: true });
	mkdirSync(WORK, { recursive: true });
	const userFolder = join(WORK, 'n8n');
	mkdirSync(userFolder);
	await installPackageLikeCommunityNodes(await packPackage(join(WORK, 'pack')), userFolder);

	const stops: Array<() => Promise<unknown>> = [];
	let succeeded = false;
	try {
		step('simulators (free ports)');
		const sims = await startSimulators();
		stops.push(() => Promise.all(Object.values(sims.running).map((sim) => sim.close())));

		step('n8n');
		const { state, child } = await startN8n({ n8nDir, userFolder });
		stops.push(() => stopProcess(child));
		console.log(`n8n: ${state.url} (log ${relative(PACKAGE_ROOT, state.logFile)})`);
		const client = new N8nClient(state);
		// The incident agent is published (npm start publishes it): its Syslog Trigger keeps its port
		// (shown on the canvas) unless another n8n on this machine holds it, then it gets a free one.
		const incidentAgent = listWorkflowFiles().find((file) => basename(file, '.json') === INCIDENT_AGENT);
		const shipped = incidentAgent ? syslogTriggerOf(JSON.parse(readFileSync(incidentAgent, 'utf8')) as WorkflowJson) : undefined;
		const syslogPort = await syslogPortFor(shipped);
		const ids = await importOnce(client, sims.info, {
			tokenFile: join(WORK, 'mcp-token'),
			adapt: (workflow) => {
				const trigger = syslogTriggerOf(workflow);
				if (workflow.name === shipped?.workflow && trigger && syslogPort !== trigger.port) Object.assign(trigger.node.parameters as object, { port: syslogPort });
			},
		});

		step('browser');
		const browser = await Browser.launch(chromium, join(WORK, 'chromium'), VIEWPORT);
		stops.push(() => browser.close());
		const page = await browser.newPage(VIEWPORT);
		await login(page, state.url);

		mkdirSync(OUT, { recursive: true });
		const written: string[] = [];
		const files = listWorkflowFiles().sort();
		for (const file of files) {
			const { name } = JSON.parse(readFileSync(file, 'utf8')) as { name: string };
			const id = ids[name];
			if (!id) throw new Error(`workflow "${name}" (${relative(PACKAGE_ROOT, file)}) was not imported`);
			const { nodes } = await client.api<{ nodes: unknown[] }>('GET', `/workflows/${id}`);
			await page.goto(`${state.url}/workflow/${id}`);
			await hideOverlays(page);
			await waitForCanvas(page, nodes.length, name);
			written.push(await shoot(page, join(OUT, `${basename(file, '.json')}.png`)));
		}

		if (files.some((file) => basename(file, '.json') === INCIDENT_AGENT)) {
			step('an execution of the incident agent');
			const { name } = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'workflows', `${INCIDENT_AGENT}.json`), 'utf8')) as { name: string };
			const id = ids[name];
			const execution = await runIncident(client, sims.running, id, syslogPort);
			console.log(`execution ${execution.id}: ${execution.status}, ${Object.keys(execution.data?.resultData.runData ?? {}).length} nodes ran`);
			const { nodes } = await client.api<{ nodes: unknown[] }>('GET', `/workflows/${id}`);
			await page.goto(`${state.url}/workflow/${id}/executions/${execution.id}`);
			await hideOverlays(page);
			await waitForCanvas(page, nodes.length, `execution ${execution.id}`);
			written.push(await shoot(page, join(OUT, `${INCIDENT_AGENT}-execution.png`)));
		}

		console.log(`\n${written.length} screenshots in ${relative(PACKAGE_ROOT, OUT)}/ (${((Date.now() - started) / 1000).toFixed(0)} s):`);
		for (const file of written) console.log(`  ${relative(PACKAGE_ROOT, file)}`);
		succeeded = true;
	} finally {
		for (const stop of stops.reverse()) await stop().catch(() => undefined);
		// Kept after a failure: n8n's log (n8n/n8n.log) and the browser profile tell what went wrong.
		if (succeeded && !KEEP) rmSync(WORK, { recursive: true, force: true });
		else console.log(`kept ${relative(PACKAGE_ROOT, WORK)} (n8n log: ${relative(PACKAGE_ROOT, join(WORK, 'n8n', 'n8n.log'))})`);
	}
}

if (require.main === module) {
	main().catch((error) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	});
}
