/**
 * `npm run editor-check`: opens every node of the package in the real n8n 2.41.1 editor, as a user
 * meets it, and fails on what a user would trip over. Same machinery as `npm run screenshots`
 * (throwaway n8n with the packed package installed like Community Nodes, the simulators on free
 * ports, headless Debian chromium over the DevTools protocol).
 *
 * For every node and every resource/operation (actions), every mode (triggers), and every action
 * node as an AI tool under an AI Agent, it opens the node's parameter panel through the
 * /workflow/<id>/<nodeId> route, and checks:
 *   - no error in the page's console (Runtime.consoleAPICalled, Log.entryAdded, exceptions);
 *   - every resource locator shown opens a list from the simulators with at least one entry
 *     (`expectEmptyList` names the ones that depend on a value the case does not set);
 *   - every loadOptions dropdown of the node answers with options;
 *   - every credential passes its test against the simulators, and its form opens.
 * Screenshots and each panel's text go to .cache/editor-check/out/ (not committed).
 *
 *   npm run editor-check [-- --only proxmox,gotify] [--cases proxmox-vm-,gotifyTrigger] [--keep]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { WebSocketServer } from 'ws';

import { N8nClient } from '../test/e2e/client';
import { installN8n, installPackageLikeCommunityNodes, packPackage, PACKAGE_ROOT, startN8n, stopProcess } from '../test/e2e/n8n';
import { startDiscordSimulator } from '../test/simulators/discord';
import { startDovecot } from '../test/simulators/mail/dovecot';
import { startSmtpReceiver } from '../test/simulators/mail/smtpReceiver';
import { Browser, until, type CdpEvent, type Page } from './cdp';
import { chromiumBinary, login, startSimulators } from './screenshots';

const VIEWPORT = { width: 1500, height: 1600 };
const WORK = join(PACKAGE_ROOT, '.cache', 'editor-check');
const OUT = join(WORK, 'out');
const KEEP = process.argv.includes('--keep');
const onlyArg = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const ONLY = onlyArg ? onlyArg.split(',') : undefined;
const casesArg = process.argv.includes('--cases') ? process.argv[process.argv.indexOf('--cases') + 1] : undefined;
/** Panels whose label (file name in out/) starts with one of these, e.g. proxmox-vm-,gotifyTrigger. */
const CASES = casesArg ? casesArg.split(',') : undefined;
const PACKAGE = 'n8n-nodes-proxmox-mcp';

interface Case {
	label: string;
	node: INodeTypeDescription;
	parameters: Record<string, unknown>;
	tool?: boolean;
}

interface Finding {
	label: string;
	problem: string;
}

function step(text: string) {
	console.log(`\n== ${text}`);
}

function descriptions(): INodeTypeDescription[] {
	const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };
	return pkg.n8n.nodes.map((file) => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const Node = Object.values(require(join(PACKAGE_ROOT, file)) as Record<string, new () => { description: INodeTypeDescription }>)[0];
		return new Node().description;
	});
}

/** Every resource/operation of an action node; every value of each always-shown option of a trigger. */
function casesOf(node: INodeTypeDescription): Case[] {
	const props = node.properties;
	const cases: Case[] = [];
	const resource = props.find((p) => p.name === 'resource');
	const operations = props.filter((p) => p.name === 'operation');
	if (operations.length) {
		const resources = resource?.options?.map((o) => (o as { value: string }).value) ?? [undefined];
		for (const r of resources) {
			const op = operations.find((p) => !r || (p.displayOptions?.show?.resource as string[] | undefined)?.includes(r));
			for (const o of op?.options ?? []) {
				const value = (o as { value: string }).value;
				cases.push({ label: `${node.name}-${r ? `${r}-` : ''}${value}`, node, parameters: { ...(r ? { resource: r } : {}), operation: value } });
			}
		}
		if (node.usableAsTool) {
			// As a tool: each resource's first operation (its AI-only fields, $fromAI hints).
			const firsts = cases.filter((c, index) => index === 0 || c.parameters.resource !== cases[index - 1].parameters.resource);
			for (const first of firsts) cases.push({ ...first, label: `${node.name}Tool-${first.label.slice(node.name.length + 1)}`, tool: true });
		}
		return cases;
	}
	cases.push({ label: `${node.name}-default`, node, parameters: {} });
	const selectors = props.filter((p: INodeProperties) => p.type === 'options' && !p.displayOptions && p.options?.length);
	for (const selector of selectors) {
		for (const option of selector.options ?? []) {
			const value = (option as { value: string }).value;
			if (value === selector.default) continue;
			cases.push({ label: `${node.name}-${selector.name}-${value}`, node, parameters: { [selector.name]: value } });
		}
	}
	return cases;
}

/** A workflow holding the case's node (as a tool: under an AI Agent with a chat model). */
function workflowOf(testCase: Case, credentials: Record<string, { id: string; name: string }>) {
	const attached: Record<string, { id: string; name: string }> = {};
	for (const credential of testCase.node.credentials ?? []) if (credentials[credential.name]) attached[credential.name] = credentials[credential.name];
	const version = Array.isArray(testCase.node.version) ? Math.max(...testCase.node.version) : testCase.node.version;
	const subject = {
		id: 'subject',
		name: testCase.node.defaults.name ?? testCase.node.displayName,
		type: `${PACKAGE}.${testCase.node.name}${testCase.tool ? 'Tool' : ''}`,
		typeVersion: version,
		position: [400, 300],
		parameters: testCase.parameters,
		credentials: attached,
	};
	if (!testCase.tool) return { name: `QA ${testCase.label}`, nodes: [subject], connections: {} };
	return {
		name: `QA ${testCase.label}`,
		nodes: [
			{ id: 'chat', name: 'When chat message received', type: '@n8n/n8n-nodes-langchain.chatTrigger', typeVersion: 1.1, position: [0, 0], parameters: {} },
			{ id: 'agent', name: 'AI Agent', type: '@n8n/n8n-nodes-langchain.agent', typeVersion: 3.1, position: [250, 0], parameters: {} },
			{ id: 'model', name: 'OpenAI Chat Model', type: '@n8n/n8n-nodes-langchain.lmChatOpenAi', typeVersion: 1.3, position: [200, 250], parameters: { model: { __rl: true, mode: 'list', value: 'gpt-4o-mini' } }, credentials: credentials.openAiApi ? { openAiApi: credentials.openAiApi } : {} },
			{ ...subject, position: [450, 250] },
		],
		connections: {
			'When chat message received': { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
			[subject.name]: { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
	};
}

/** Console errors, warnings and exceptions of the page, collected from the protocol events. */
function consoleProblems(event: CdpEvent): string | undefined {
	if (event.method === 'Runtime.exceptionThrown') {
		const details = event.params.exceptionDetails as { text: string; exception?: { description?: string } };
		return `exception: ${details.exception?.description ?? details.text}`;
	}
	if (event.method === 'Runtime.consoleAPICalled' && (event.params.type === 'error' || event.params.type === 'assert')) {
		const args = event.params.args as Array<{ value?: unknown; description?: string }>;
		return `console.${event.params.type as string}: ${args.map((arg) => (arg.value !== undefined ? String(arg.value) : arg.description)).join(' ')}`;
	}
	if (event.method === 'Log.entryAdded') {
		const entry = event.params.entry as { level: string; text: string; url?: string };
		if (entry.level === 'error') return `log: ${entry.text}${entry.url ? ` (${entry.url})` : ''}`;
	}
	return undefined;
}

/** A real mouse click (the editor's dropdowns open on pointer events, not on element.click()). */
async function click(page: Page, x: number, y: number) {
	await page.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x, y });
	await page.send('Input.dispatchMouseEvent', { type: 'mousePressed', x, y, button: 'left', clickCount: 1 });
	await page.send('Input.dispatchMouseEvent', { type: 'mouseReleased', x, y, button: 'left', clickCount: 1 });
}

/** Opens every resource locator of the open panel and returns what each list showed. */
async function checkLocators(page: Page): Promise<Array<{ name: string; items: number; error?: string; text: string }>> {
	const names = await page.evaluate<string[]>(`[...document.querySelectorAll('[data-test-id="ndv"] [data-test-id^="resource-locator-"]')]
		.map((el) => el.getAttribute('data-test-id').slice('resource-locator-'.length)).filter((name) => name !== 'dropdown')`);
	const results = [];
	for (const name of names) {
		const at = await page.evaluate<{ x: number; y: number } | false>(`(() => {
			const box = document.querySelector('[data-test-id="ndv"] [data-test-id="resource-locator-${name}"]');
			if (!box) return false;
			const mode = box.querySelector('[data-test-id="rlc-mode-selector"] input');
			if (mode && !/list/i.test(mode.value)) return false;
			const input = box.querySelector('[data-test-id="rlc-input"]');
			if (!input) return false;
			input.scrollIntoView({ block: 'center' });
			const rect = input.getBoundingClientRect();
			return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
		})()`);
		const opened = at !== false;
		if (at) await click(page, at.x, at.y);
		if (!opened) continue;
		const result = await until(
			`the ${name} list`,
			() =>
				page.evaluate<{ items: number; error?: string; text: string } | false>(`(() => {
					const visible = (el) => el.getBoundingClientRect().height > 0;
					const items = [...document.querySelectorAll('[data-test-id="rlc-item"]')].filter(visible);
					const error = [...document.querySelectorAll('[data-test-id="rlc-error-container"]')].find(visible);
					const popover = (items[0] || error) ? (items[0] || error).closest('[data-reka-popper-content-wrapper], [role="dialog"], [data-test-id="resource-locator-dropdown"]') : [...document.querySelectorAll('[data-reka-popper-content-wrapper]')].find((el) => visible(el) && /No results|No .* found/i.test(el.innerText));
					if (!items.length && !error && !popover) return false;
					return { items: items.length, error: error ? error.innerText.trim() : undefined, text: ((popover || error || items[0].parentElement).innerText || '').trim().slice(0, 300) };
				})()`),
			20000,
			300,
		).catch(async (error: Error) => {
			const seen = await page.evaluate<string>(`[...document.querySelectorAll('[data-test-id="resource-locator-dropdown"]')].map((el) => el.getBoundingClientRect().height + ':' + el.innerText.slice(0, 200)).join(' | ') || 'no dropdown element'`);
			return { items: 0, error: `${error.message}; ${seen}`, text: '' };
		});
		results.push({ name, ...result });
		// Picks the first entry, as a user would: lists that depend on it (a guest's snapshots) load next.
		const first = result.items
			? await page.evaluate<{ x: number; y: number } | false>(`(() => {
				const item = [...document.querySelectorAll('[data-test-id="rlc-item"]')].find((el) => el.getBoundingClientRect().height > 0);
				if (!item) return false;
				const rect = item.getBoundingClientRect();
				return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
			})()`)
			: false;
		const stillOpen = () => page.evaluate<boolean>(`[...document.querySelectorAll('[data-test-id="rlc-item"], [data-test-id="rlc-error-container"], [data-test-id="rlc-search"]')].some((el) => el.getBoundingClientRect().height > 0)`);
		if (first) {
			await click(page, first.x, first.y);
			await until('the list to close on the pick', async () => !(await stillOpen()), 3000, 200).catch(() => undefined);
		}
		// Escape only while a list is still open: on the panel itself it would close the panel.
		if (await stillOpen()) {
			await page.send('Input.dispatchKeyEvent', { type: 'keyDown', key: 'Escape', code: 'Escape', windowsVirtualKeyCode: 27 });
			await page.send('Input.dispatchKeyEvent', { type: 'keyUp', key: 'Escape', code: 'Escape', windowsVirtualKeyCode: 27 });
		}
		await until('the list to close', async () => !(await stillOpen()), 5000, 200).catch(() => undefined);
	}
	return results;
}

/** The simulators a credential of each type points at. */
async function startServices() {
	const sims = await startSimulators();
	const discord = await startDiscordSimulator();
	const hook = discord.createWebhook('Proxmox');
	const dovecot = await startDovecot({ users: { reports: 'pw-reports' } });
	const smtp = await startSmtpReceiver({});
	// An event stream relay: a plain WebSocket server (what the Proxmox Stream Trigger connects to).
	const relay = new WebSocketServer({ host: '127.0.0.1', port: 0 });
	await new Promise((listening) => relay.once('listening', listening));
	const relayUrl = `ws://127.0.0.1:${(relay.address() as { port: number }).port}/events`;
	const certDir = join(WORK, 'cert');
	mkdirSync(certDir, { recursive: true });
	execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=syslog.local', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem')], { stdio: 'ignore' });
	const credentials = Object.values(sims.info)
		.map((info) => info.credential)
		.filter((credential): credential is NonNullable<typeof credential> => !!credential);
	credentials.push(
		{ name: 'Discord (simulator)', type: 'proxmoxMcpDiscordWebhookApi', data: { webhookUrl: discord.webhookUrl(hook), tlsMode: 'system' } },
		{ name: 'IMAP (Dovecot)', type: 'proxmoxMcpImapApi', data: { host: '127.0.0.1', port: dovecot.imapsPort, security: 'tls', user: 'reports', authentication: 'password', password: 'pw-reports', tlsMode: 'fingerprint', fingerprint: dovecot.fingerprint } },
		{ name: 'SMTP (receiver)', type: 'proxmoxMcpSmtpApi', data: { host: '127.0.0.1', port: smtp.listenPort, security: 'none', user: '', password: '', tlsMode: 'system', timeoutSeconds: 10 } },
		{ name: 'Syslog TLS (self-signed)', type: 'proxmoxMcpSyslogTlsApi', data: { certificate: readFileSync(join(certDir, 'cert.pem'), 'utf8'), privateKey: readFileSync(join(certDir, 'key.pem'), 'utf8') } },
		{ name: 'WebSocket (relay)', type: 'proxmoxMcpWebSocketApi', data: { url: relayUrl, tlsMode: 'system' } },
	);
	const close = async () => {
		await Promise.all(Object.values(sims.running).map((sim) => sim.close()));
		await Promise.all([discord.close(), dovecot.close(), smtp.close()].map((closing) => closing.catch(() => undefined)));
		for (const socket of relay.clients) socket.terminate();
		await new Promise((closed) => relay.close(closed));
	};
	return { credentials, close };
}

async function main() {
	const started = Date.now();
	const chromium = chromiumBinary();
	step('build');
	execFileSync('npm', ['run', 'build'], { cwd: PACKAGE_ROOT, stdio: 'inherit' });
	const nodes = descriptions();
	const cases = nodes.flatMap(casesOf).filter((testCase) => (!ONLY || ONLY.includes(testCase.node.name)) && (!CASES || CASES.some((prefix) => testCase.label.startsWith(prefix))));
	console.log(`${cases.length} panels to open`);

	step('n8n 2.41.1 (cached install) with the packed package');
	const n8nDir = await installN8n();
	rmSync(WORK, { recursive: true, force: true });
	mkdirSync(OUT, { recursive: true });
	const userFolder = join(WORK, 'n8n');
	mkdirSync(userFolder);
	await installPackageLikeCommunityNodes(await packPackage(join(WORK, 'pack')), userFolder);

	const findings: Finding[] = [];
	const stops: Array<() => Promise<unknown>> = [];
	// Ctrl+C stops n8n, the browser and the simulators too.
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.once(signal, () => {
			void (async () => {
				for (const stop of stops.reverse()) await stop().catch(() => undefined);
				process.exit(130);
			})();
		});
	}
	let succeeded = false;
	try {
		step('simulators');
		const services = await startServices();
		stops.push(services.close);
		step('n8n');
		const { state, child } = await startN8n({ n8nDir, userFolder });
		stops.push(() => stopProcess(child));
		const client = new N8nClient(state);
		const credentialIds: Record<string, { id: string; name: string }> = {};
		for (const credential of services.credentials) {
			credentialIds[credential.type] = { id: await client.createCredential(credential), name: credential.name };
			const tested = await client.testCredential({ id: credentialIds[credential.type].id, ...credential });
			console.log(`credential ${credential.type}: ${tested.status} ${tested.message}`);
			if (tested.status !== 'OK' && credential.type !== 'openAiApi') findings.push({ label: `credential ${credential.type}`, problem: `test: ${tested.status} ${tested.message}` });
		}

		step('dropdowns that load their options');
		for (const node of new Set(cases.map((testCase) => testCase.node))) {
			for (const property of node.properties.filter((p) => p.typeOptions?.loadOptionsMethod)) {
				const methodName = property.typeOptions!.loadOptionsMethod as string;
				const credentials = Object.fromEntries((node.credentials ?? []).filter((c) => credentialIds[c.name]).map((c) => [c.name, credentialIds[c.name]]));
				const response = await fetch(`${state.url}/rest/dynamic-node-parameters/options`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', ...state.session },
					body: JSON.stringify({ path: `parameters.${property.name}`, nodeTypeAndVersion: { name: `${PACKAGE}.${node.name}`, version: 1 }, currentNodeParameters: {}, methodName, credentials }),
				});
				const body = (await response.json().catch(() => ({}))) as { data?: Array<{ name: string }>; message?: string };
				const what = `${node.name} ${property.displayName} (${methodName})`;
				if (!response.ok || !body.data?.length) findings.push({ label: what, problem: `no options: ${response.status} ${body.message ?? JSON.stringify(body).slice(0, 200)}` });
				console.log(`${what}: ${response.status}, ${body.data?.length ?? 0} options (${(body.data ?? []).map((o) => o.name).slice(0, 5).join(', ')})`);
			}
		}

		step('browser');
		const browser = await Browser.launch(chromium, join(WORK, 'chromium'), VIEWPORT);
		stops.push(() => browser.close());
		const page = await browser.newPage(VIEWPORT);
		await page.send('Log.enable');
		let problems: string[] = [];
		page.onEvent((event) => {
			// "Leave the page? Changes you made may not be saved" (a list pick made the workflow dirty).
			if (event.method === 'Page.javascriptDialogOpening') void page.send('Page.handleJavaScriptDialog', { accept: true }).catch(() => undefined);
			const problem = consoleProblems(event);
			if (problem) problems.push(problem);
		});
		await login(page, state.url);

		for (const testCase of cases) {
			const id = await client.createWorkflow(workflowOf(testCase, credentialIds) as never);
			problems = [];
			await page.goto(`${state.url}/workflow/${id}/subject`);
			// Toasts only: the lists are popovers too (screenshots' hideOverlays would hide them).
			await page.evaluate(`(() => { const style = document.createElement('style'); style.textContent = '.el-notification, .el-message { display: none !important; }'; document.head.appendChild(style); return true; })()`);
			await page.waitFor(`${testCase.label}: the parameter panel`, `!!document.querySelector('[data-test-id="ndv"] [data-test-id="node-parameters"]')`, 60000);
			// Settles: no loading indicator in the panel, the same text twice.
			let previous = '';
			await until(
				`${testCase.label}: the panel to settle`,
				async () => {
					const text = await page.evaluate<string>(`(document.querySelector('[data-test-id="ndv"]') || document.body).innerText`);
					const same = text === previous;
					previous = text;
					return same && !/Loading/.test(text);
				},
				30000,
				700,
			).catch(() => undefined);
			writeFileSync(join(OUT, `${testCase.label}.png`), await page.screenshotPng());
			const locators = await checkLocators(page);
			const text = await page.evaluate<string>(`(document.querySelector('[data-test-id="node-parameters"]') || document.body).innerText`);
			writeFileSync(join(OUT, `${testCase.label}.txt`), `${text}\n\n-- lists --\n${locators.map((l) => `${l.name}: ${l.items} items${l.error ? `, error ${l.error}` : ''} | ${l.text.replace(/\n/g, ' / ')}`).join('\n')}\n\n-- console --\n${problems.join('\n')}\n`);
			for (const [index, locator] of locators.entries()) {
				if (locator.items) continue;
				const problem = `list ${locator.name} is empty${locator.error ? `: ${locator.error}` : ''} (${locator.text.replace(/\n/g, ' / ')})`;
				// A list that follows an earlier pick (the first guest's snapshots) may be empty by data; an error never is.
				if (index === 0 || locator.error) findings.push({ label: testCase.label, problem });
				else console.log(`  note: ${problem}, after picking the first entry of the lists above`);
			}
			for (const problem of problems) findings.push({ label: testCase.label, problem });
			console.log(`${testCase.label}: ${locators.length} lists, ${problems.length} console problems`);
		}

		step('credential forms');
		for (const [type, { id }] of Object.entries(credentialIds)) {
			problems = [];
			await page.goto(`${state.url}/home/credentials/${id}`);
			await page.waitFor(`the ${type} form`, `!!document.querySelector('[data-test-id="credential-edit-dialog"]')`, 60000);
			await new Promise((wake) => setTimeout(wake, 1500));
			writeFileSync(join(OUT, `credential-${type}.png`), await page.screenshotPng());
			const text = await page.evaluate<string>(`document.querySelector('[data-test-id="credential-edit-dialog"]').innerText`);
			writeFileSync(join(OUT, `credential-${type}.txt`), `${text}\n\n-- console --\n${problems.join('\n')}\n`);
			for (const problem of problems) findings.push({ label: `credential ${type}`, problem });
		}

		console.log(`\n${cases.length} panels in ${((Date.now() - started) / 1000).toFixed(0)} s; screenshots and panel texts in .cache/editor-check/out/`);
		if (findings.length) {
			console.log(`\n${findings.length} findings:`);
			for (const finding of findings) console.log(`  ${finding.label}: ${finding.problem}`);
			process.exitCode = 1;
		}
		succeeded = true;
	} finally {
		for (const stop of stops.reverse()) await stop().catch(() => undefined);
		if (!succeeded || KEEP) console.log(`kept ${WORK}`);
		else rmSync(join(WORK, 'n8n'), { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
