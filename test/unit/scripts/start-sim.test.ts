/**
 * `npm start` (scripts/start.ts) and `npm run sim` (scripts/sim.js) on a machine where a port is
 * taken: the error names the port, what wanted it and the option that changes it, before anything
 * slow runs; simulator options pass through `npm start`; `sim.js --help` prints usage and exits.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';

import { parseStartArgs } from '../../../scripts/start';

const ROOT = join(__dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function run(command: string, args: string[], timeoutMs = 90000): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`${command} ${args.join(' ')} did not exit within ${timeoutMs} ms; output: ${stdout}${stderr}`));
		}, timeoutMs);
		child.on('exit', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
	});
}

function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const server = createServer();
		server.listen(0, () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

function canListen(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = createServer();
		server.once('error', () => resolve(false));
		server.listen(port, () => server.close(() => resolve(true)));
	});
}

let busy: Server;
let busyPort: number;
beforeAll(async () => {
	busy = createServer();
	await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
	busyPort = (busy.address() as { port: number }).port;
});
afterAll(async () => await new Promise<void>((resolve) => busy.close(() => resolve())));

describe('node scripts/sim.js', () => {
	it('--help prints the usage and exits without starting a simulator', async () => {
		const result = await run(process.execPath, ['scripts/sim.js', '--help']);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/^Usage: node scripts\/sim\.js/);
		expect(result.stdout).toContain('--pve-port <port>');
		expect(result.stdout).not.toContain('Simulators ready');
	});

	it('names a busy port and the option that changes it', async () => {
		const result = await run(process.execPath, ['scripts/sim.js', '--only', 'ntfy', '--ntfy-port', String(busyPort)]);
		expect(result.code).toBe(1);
		expect(result.stderr).toContain(`Port ${busyPort} (the ntfy simulator) is already in use`);
		expect(result.stderr).toContain('npm run sim -- --ntfy-port <port>');
		expect(result.stdout).not.toContain('Simulators ready');
	});
});

describe('npm start (scripts/start.ts)', () => {
	it('passes simulator options through and keeps its own', () => {
		expect(parseStartArgs(['--port', '5700', '--pve-port', '18006', '--only', 'pve,gotify', '--fresh', '--gotify-port=18070'])).toEqual({
			port: '5700',
			noSim: false,
			fresh: true,
			help: false,
			simArgv: ['--pve-port', '18006', '--only', 'pve,gotify', '--gotify-port=18070'],
		});
	});

	it('names the busy editor port and --port, before building anything', async () => {
		const result = await run(TSX, ['scripts/start.ts', '--port', String(busyPort), '--no-sim']);
		expect(result.code).toBe(1);
		expect(result.stderr).toContain(`Port ${busyPort} (the n8n editor) is already in use`);
		expect(result.stderr).toContain('npm start -- --port <port>');
		expect(result.stdout).not.toContain('== build');
	});

	it('names a busy simulator port and its option, passed through npm start', async () => {
		// A free editor port (and the next one), so only the simulator's port is busy.
		let editorPort = 0;
		for (let attempt = 0; attempt < 20 && !editorPort; attempt++) {
			const candidate = await freePort();
			if (await canListen(candidate + 1)) editorPort = candidate;
		}
		const busySim = await run(TSX, ['scripts/start.ts', '--port', String(editorPort), '--only', 'pve', '--pve-port', String(busyPort)]);
		expect(busySim.code).toBe(1);
		expect(busySim.stderr).toContain(`Port ${busyPort} (the Proxmox VE simulator) is already in use`);
		expect(busySim.stderr).toContain('npm start -- --pve-port <port>');
		expect(busySim.stdout).not.toContain('== build');
	});
});
