#!/usr/bin/env node
/**
 * `npm run sim`: starts the dev-only simulators (Proxmox VE on :8006, Proxmox Backup Server on :8007, and
 * any other simulator registered in SIMULATORS below) and prints how to connect.
 *
 *   node scripts/sim.js --help   (the usage below)
 *
 * The TypeScript sources under test/simulators are compiled once (and again when they change) with the
 * project's own tsc into .cache/sim, so no ts-node or loader is needed at run time.
 */
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const https = require('https');
const path = require('path');

const { assertPortsFree } = require('./ports');

const USAGE = `Usage: node scripts/sim.js [options]        (npm run sim -- [options])
Starts the dev-only simulators and prints how to connect; Ctrl+C stops them.

Options:
  --only <keys>          start only these, comma-separated: pve,pbs,gotify,ntfy,openai,discord,smtp (default: all)
  --host <address>       address to listen on (default 127.0.0.1)
  --pve-port <port>      Proxmox VE simulator port (default 8006)
  --pbs-port <port>      Proxmox Backup Server simulator port (default 8007)
  --gotify-port <port>   Gotify simulator port (default 8070)
  --ntfy-port <port>     ntfy simulator port (default 8071)
  --openai-port <port>   OpenAI-compatible model simulator port (default 8072)
  --discord-port <port>  Discord webhook simulator port (default 8073)
  --smtp-port <port>     SMTP receiver port (default 2525; mail is printed and saved to .cache/sim/mail)
  --pve-version <8|9>    Proxmox VE API version to simulate (default 9)
  --standalone           one PVE node instead of a three-node cluster
  --seed empty           start without guests, storages and jobs
  --task-speed <factor>  run simulated tasks this many times faster (default 1)
  --help, -h             print this and exit

Control a running simulator:
  node scripts/sim.js control <operation> ['<json array of arguments>'] [--pbs]
  e.g. control failNextBackup '[100, "disk full"]'     control getState
  (operations: test/simulators/proxmox/README.md)

npm start passes the same simulator options through: npm start -- --pve-port 18006`;

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, '.cache', 'sim');
const RUNFILE = path.join(OUT, 'running.json');

/**
 * Every simulator `npm run sim` starts. Each entry is compiled from `entry`; `assets` are copied beside it;
 * `n8nCredential(instance)` (optional) is the n8n credential `npm start` imports to reach it.
 */
const SIMULATORS = [
	{
		key: 'pve',
		title: 'Proxmox VE',
		portOption: 'pve-port',
		defaultPort: 8006,
		entry: 'test/simulators/proxmox/index.ts',
		assets: ['test/simulators/proxmox/schemas'],
		start: (mod, args) =>
			mod.startProxmoxSimulator({
				product: 'pve',
				host: args.host,
				port: portOf(SIMULATORS[0], args),
				pveVersion: args['pve-version'] === '8' ? 8 : 9,
				nodes: args.standalone ? ['pve'] : undefined,
				seed: args.seed === 'empty' ? 'empty' : 'estate',
				taskSpeed: Number(args['task-speed'] ?? 1),
			}),
		// The n8n credential `npm start` imports to reach this simulator (certificate pinned).
		n8nCredential: (instance) => ({
			name: 'Proxmox VE (simulator)',
			type: 'proxmoxMcpApi',
			data: {
				hosts: new URL(instance.url).hostname,
				port: Number(new URL(instance.url).port),
				authMethod: 'token',
				tokenId: instance.token.id,
				tokenSecret: instance.token.secret,
				tlsMode: 'fingerprint',
				fingerprint: instance.fingerprint,
			},
		}),
	},
	{
		key: 'pbs',
		title: 'Proxmox Backup Server',
		portOption: 'pbs-port',
		defaultPort: 8007,
		entry: 'test/simulators/proxmox/index.ts',
		assets: ['test/simulators/proxmox/schemas'],
		start: (mod, args) =>
			mod.startProxmoxSimulator({
				product: 'pbs',
				host: args.host,
				port: portOf(SIMULATORS[1], args),
				seed: args.seed === 'empty' ? 'empty' : 'estate',
				taskSpeed: Number(args['task-speed'] ?? 1),
			}),
		n8nCredential: (instance) => ({
			name: 'Proxmox Backup Server (simulator)',
			type: 'proxmoxMcpPbsApi',
			data: {
				hosts: new URL(instance.url).hostname,
				port: Number(new URL(instance.url).port),
				authMethod: 'token',
				tokenId: instance.token.id,
				tokenSecret: instance.token.secret,
				tlsMode: 'fingerprint',
				fingerprint: instance.fingerprint,
			},
		}),
	},
	{
		key: 'gotify',
		title: 'Gotify',
		portOption: 'gotify-port',
		defaultPort: 8070,
		entry: 'test/simulators/gotify/index.ts',
		start: async (mod, args) => {
			const sim = await mod.startGotifySimulator({ host: args.host, port: portOf(SIMULATORS[2], args) });
			const app = sim.createApplication('admin', 'Proxmox', { description: 'Notification target of the simulated cluster' });
			const client = sim.createClient('admin', 'n8n');
			return Object.assign(sim, { appToken: app.token, clientToken: client.token, notes: [`  application token: ${app.token}  client token: ${client.token}  login: admin / admin`] });
		},
		n8nCredential: (instance) => ({
			name: 'Gotify (simulator)',
			type: 'proxmoxMcpGotifyApi',
			data: { serverUrl: instance.url, appToken: instance.appToken, clientToken: instance.clientToken, tlsMode: 'system' },
		}),
	},
	{
		key: 'ntfy',
		title: 'ntfy',
		portOption: 'ntfy-port',
		defaultPort: 8071,
		entry: 'test/simulators/ntfy/index.ts',
		start: async (mod, args) => {
			const sim = await mod.startNtfySimulator({ host: args.host, port: portOf(SIMULATORS[3], args), attachments: true });
			return Object.assign(sim, { notes: ['  anonymous access to every topic; attachments enabled'] });
		},
		n8nCredential: (instance) => ({
			name: 'ntfy (simulator)',
			type: 'proxmoxMcpNtfyApi',
			data: { serverUrl: instance.url, authentication: 'none', tlsMode: 'system' },
		}),
	},
	{
		key: 'openai',
		title: 'OpenAI-compatible model',
		portOption: 'openai-port',
		defaultPort: 8072,
		entry: 'test/simulators/openai/index.ts',
		start: async (mod, args) => {
			const sim = await mod.startOpenAiSimulator({ host: args.host, port: portOf(SIMULATORS[4], args) });
			return Object.assign(sim, { notes: [`  API key: ${sim.apiKey}  models: ${sim.models.join(', ')}  (scripted Proxmox triage model)`] });
		},
		n8nCredential: (instance) => ({
			name: 'OpenAI (simulator)',
			type: 'openAiApi',
			data: { apiKey: instance.apiKey, url: instance.url },
		}),
	},
	{
		key: 'discord',
		title: 'Discord webhook',
		portOption: 'discord-port',
		defaultPort: 8073,
		entry: 'test/simulators/discord/index.ts',
		start: async (mod, args) => {
			const sim = await mod.startDiscordSimulator({
				host: args.host,
				port: portOf(simulator('discord'), args),
				onMessage: (message) => console.log(`[discord] ${message.embeds.map((embed) => embed.title).filter(Boolean).join(' | ') || message.content.slice(0, 120)}`),
			});
			const hook = sim.createWebhook('Proxmox');
			const webhookUrl = sim.webhookUrl(hook);
			return Object.assign(sim, { webhookUrl, notes: [`  webhook URL: ${webhookUrl}  (each message is printed here as [discord] <title>)`] });
		},
		n8nCredential: (instance) => ({
			name: 'Discord webhook (simulator)',
			type: 'proxmoxMcpDiscordWebhookApi',
			data: { webhookUrl: instance.webhookUrl, tlsMode: 'system' },
		}),
	},
	{
		key: 'smtp',
		title: 'SMTP receiver',
		portOption: 'smtp-port',
		defaultPort: 2525,
		entry: 'test/simulators/mail/smtpReceiver.ts',
		start: async (mod, args) => {
			const dir = path.join(OUT, 'mail');
			fs.mkdirSync(dir, { recursive: true });
			let count = 0;
			const sim = await mod.startSmtpReceiver({
				host: args.host,
				port: portOf(simulator('smtp'), args),
				onMessage: (mail) => {
					const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${++count}.eml`);
					fs.writeFileSync(file, mail.raw);
					console.log(`[mail] to ${mail.envelope.to.join(', ')}: ${mail.parsed.subject ?? '(no subject)'}  (${path.relative(ROOT, file)})`);
				},
			});
			return Object.assign(sim, { url: `smtp://${sim.host}:${sim.listenPort}`, notes: ['  no login, no TLS (loopback only); every message is printed here and saved as .eml under .cache/sim/mail'] });
		},
		n8nCredential: (instance) => ({
			name: 'SMTP (simulator)',
			type: 'proxmoxMcpSmtpApi',
			data: { host: '127.0.0.1', port: instance.listenPort, security: 'none', user: '', password: '' },
		}),
	},
];

function simulator(key) {
	return SIMULATORS.find((sim) => sim.key === key);
}

function portOf(sim, args) {
	const value = args[sim.portOption];
	if (value === undefined) return sim.defaultPort;
	const port = Number(value);
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--${sim.portOption} must be a port number (1-65535), got "${value}"`);
	return port;
}

/** Simulators selected by `--only` (all by default). */
function selectedSimulators(args) {
	const only = args.only ? String(args.only).split(',').map((key) => key.trim()) : null;
	const unknown = (only ?? []).filter((key) => !SIMULATORS.some((s) => s.key === key));
	if (unknown.length) throw new Error(`--only: unknown simulator ${unknown.join(', ')} (known: ${SIMULATORS.map((s) => s.key).join(', ')})`);
	return SIMULATORS.filter((s) => !only || only.includes(s.key));
}

/** The port checks for the selected simulators, for assertPortsFree. */
function portChecks(args, commands = ['npm run sim', 'npm start']) {
	return selectedSimulators(args).map((sim) => ({
		port: portOf(sim, args),
		host: args.host ?? '127.0.0.1',
		what: `the ${sim.title} simulator`,
		option: `--${sim.portOption}`,
		commands,
	}));
}

function parseArgs(argv) {
	const args = { _: [] };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (!a.startsWith('--')) {
			args._.push(a);
			continue;
		}
		const [key, inline] = a.slice(2).split('=');
		if (inline !== undefined) args[key] = inline;
		else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) args[key] = argv[++i];
		else args[key] = true;
	}
	return args;
}

function newestMtime(dir) {
	let newest = 0;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
		else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
	}
	return newest;
}

/** Compiles the simulator entries with the project's TypeScript when the sources changed. */
function compile(simulators) {
	const stamp = path.join(OUT, '.stamp');
	const sourcesChanged = newestMtime(path.join(ROOT, 'test', 'simulators'));
	const builtAt = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
	if (builtAt < sourcesChanged) {
		const entries = [...new Set(simulators.map((s) => s.entry))];
		const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
		execFileSync(process.execPath, [tsc, '--outDir', OUT, '--rootDir', ROOT, '--module', 'commonjs', '--target', 'es2022', '--moduleResolution', 'node', '--esModuleInterop', '--skipLibCheck', '--resolveJsonModule', '--types', 'node', '--strict', ...entries.map((e) => path.join(ROOT, e))], { stdio: 'inherit', cwd: ROOT });
		fs.writeFileSync(stamp, new Date().toISOString());
	}
	for (const sim of simulators) {
		for (const asset of sim.assets ?? []) fs.cpSync(path.join(ROOT, asset), path.join(OUT, asset), { recursive: true });
	}
}

function load(sim) {
	return require(path.join(OUT, sim.entry.replace(/\.ts$/, '.js')));
}

async function startAll(args) {
	const selected = selectedSimulators(args);
	// Say which port is taken, and how to pick another, before compiling anything.
	await assertPortsFree(portChecks(args));
	const t0 = Date.now();
	compile(selected);
	const compiledMs = Date.now() - t0;
	const running = [];
	for (const sim of selected) {
		try {
			running.push({ sim, instance: await sim.start(load(sim), args) });
		} catch (error) {
			await Promise.all(running.map(({ instance }) => instance.close()));
			// Taken between the check and the start.
			if (error.code === 'EADDRINUSE' || error.code === 'EACCES') await assertPortsFree(portChecks(args).filter((check) => check.option === `--${sim.portOption}`));
			throw error;
		}
	}
	const mem = process.memoryUsage();
	const lines = [`Simulators ready (compile ${compiledMs} ms; rss ${(mem.rss / 1048576).toFixed(0)} MiB, heap ${(mem.heapUsed / 1048576).toFixed(0)} MiB)`];
	const runInfo = {};
	for (const { sim, instance } of running) {
		lines.push('', `${sim.title}: ${instance.url}  (started in ${instance.startupMs ?? '?'} ms)`);
		if (instance.fingerprint) lines.push(`  certificate SHA-256 fingerprint: ${instance.fingerprint}`);
		if (instance.token) lines.push(`  API token: ${instance.token.id}  secret ${instance.token.secret}`, `  password login: root@pam / ${instance.password}`);
		if (instance.product === 'pve') lines.push('  CA certificate (pve-root-ca.pem): GET /_sim/ca or .cache/sim/running.json');
		if (instance.notes) lines.push(...instance.notes);
		runInfo[sim.key] = { url: instance.url, fingerprint: instance.fingerprint, caPem: instance.caPem, credential: sim.n8nCredential?.(instance) };
	}
	fs.writeFileSync(RUNFILE, JSON.stringify(runInfo, null, 2));
	lines.push('', 'Control: node scripts/sim.js control <operation> \'[args]\' [--pbs]   (see test/simulators/proxmox/README.md)');
	console.log(lines.join('\n'));
	const stop = async () => {
		await Promise.all(running.map(({ instance }) => instance.close()));
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

function control(args) {
	const [, op, json] = args._;
	if (!op) throw new Error('usage: node scripts/sim.js control <operation> [json-args] [--pbs]');
	const info = JSON.parse(fs.readFileSync(RUNFILE, 'utf8'))[args.pbs ? 'pbs' : 'pve'];
	const url = new URL(`/_sim/${op === 'getState' ? 'state' : `control/${op}`}`, info.url);
	const body = op === 'getState' ? undefined : json ?? '[]';
	return new Promise((resolve, reject) => {
		// Trust exactly the simulator's own CA: TLS verification stays on.
		const req = https.request(url, { method: body === undefined ? 'GET' : 'POST', ca: info.caPem, headers: body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {} }, (res) => {
			let text = '';
			res.on('data', (c) => (text += c));
			res.on('end', () => {
				console.log(text);
				resolve();
			});
		});
		req.on('error', reject);
		if (body) req.write(body);
		req.end();
	});
}

module.exports = { SIMULATORS, USAGE, parseArgs, portChecks };

if (require.main === module) {
	const args = parseArgs(process.argv.slice(2));
	if (args.help || args._.includes('-h') || args._[0] === 'help') {
		console.log(USAGE);
		process.exit(0);
	}
	(args._[0] === 'control' ? control(args) : startAll(args)).catch((e) => {
		console.error(e.message ?? e);
		process.exit(1);
	});
}
