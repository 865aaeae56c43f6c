import { ApiError } from '../../core/errors';
import type { HandlerRegistry } from '../../core/world';
import type { Guest, PveWorld } from '../model';
import { requireGuest, type PveCall } from './common';

interface ExecRecord {
	pid: number;
	startedMs: number;
	exitcode: number;
	out: string;
	err: string;
}

const execs = new WeakMap<Guest, Map<number, ExecRecord>>();

/** The checks pveproxy runs before talking to the agent socket. */
function requireAgent(call: PveCall): Guest {
	const g = requireGuest(call, 'qemu');
	if (g.status !== 'running') throw new ApiError(500, `VM ${g.vmid} is not running`);
	if (!String(g.config.agent ?? '0').match(/^(1|enabled=1)/)) throw new ApiError(500, 'No QEMU guest agent configured');
	if (!g.agentRunning) throw new ApiError(500, 'QEMU guest agent is not running');
	return g;
}

const FILES: Record<string, (g: Guest) => string> = {
	'/etc/hostname': (g) => `${g.config.name ?? 'vm' + g.vmid}\n`,
	'/etc/os-release': () => 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nID=debian\n',
	'/proc/loadavg': () => '0.12 0.08 0.02 1/187 4242\n',
};

function runCommand(g: Guest, argv: string[]): { exitcode: number; out: string; err: string } {
	const [cmd, ...args] = argv;
	switch (cmd) {
		case 'echo':
			return { exitcode: 0, out: `${args.join(' ')}\n`, err: '' };
		case 'hostname':
			return { exitcode: 0, out: `${g.config.name ?? 'vm' + g.vmid}\n`, err: '' };
		case 'uname':
			return { exitcode: 0, out: args.includes('-a') ? `Linux ${g.config.name} 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 x86_64 GNU/Linux\n` : 'Linux\n', err: '' };
		case 'uptime':
			return { exitcode: 0, out: ' 14:30:00 up 3 days,  2:11,  0 users,  load average: 0.12, 0.08, 0.02\n', err: '' };
		case 'cat': {
			const file = FILES[args[0]];
			return file ? { exitcode: 0, out: file(g), err: '' } : { exitcode: 1, out: '', err: `cat: ${args[0]}: No such file or directory\n` };
		}
		case 'false':
			return { exitcode: 1, out: '', err: '' };
		case 'true':
			return { exitcode: 0, out: '', err: '' };
		default:
			return { exitcode: 127, out: '', err: `sh: 1: ${cmd}: not found\n` };
	}
}

export function registerAgent(reg: HandlerRegistry<PveWorld>): void {
	const base = '/nodes/{node}/qemu/{vmid}/agent';
	reg.on('POST', `${base}/ping`, (call) => {
		requireAgent(call);
		return { result: {} };
	});
	reg.on('GET', `${base}/get-osinfo`, (call) => {
		requireAgent(call);
		return { result: { id: 'debian', name: 'Debian GNU/Linux', 'pretty-name': 'Debian GNU/Linux 12 (bookworm)', 'version-id': '12', version: '12 (bookworm)', 'kernel-release': '6.1.0-28-amd64', 'kernel-version': '#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1', machine: 'x86_64' } };
	});
	reg.on('GET', `${base}/get-host-name`, (call) => ({ result: { 'host-name': String(requireAgent(call).config.name ?? '') } }));
	reg.on('GET', `${base}/network-get-interfaces`, (call) => {
		const g = requireAgent(call);
		const mac = /=([0-9A-F:]{17})/i.exec(String(g.config.net0 ?? ''))?.[1]?.toLowerCase() ?? 'bc:24:11:00:00:01';
		return {
			result: [
				{ name: 'lo', 'hardware-address': '00:00:00:00:00:00', 'ip-addresses': [{ 'ip-address': '127.0.0.1', 'ip-address-type': 'ipv4', prefix: 8 }], statistics: { 'rx-bytes': 1000, 'tx-bytes': 1000, 'rx-packets': 10, 'tx-packets': 10, 'rx-errs': 0, 'tx-errs': 0, 'rx-dropped': 0, 'tx-dropped': 0 } },
				{ name: 'eth0', 'hardware-address': mac, 'ip-addresses': [{ 'ip-address': `10.0.1.${g.vmid % 250}`, 'ip-address-type': 'ipv4', prefix: 24 }], statistics: { 'rx-bytes': 123456789, 'tx-bytes': 98765432, 'rx-packets': 100000, 'tx-packets': 90000, 'rx-errs': 0, 'tx-errs': 0, 'rx-dropped': 0, 'tx-dropped': 0 } },
			],
		};
	});
	reg.on('POST', `${base}/exec`, (call) => {
		const g = requireAgent(call);
		const raw = call.params.command;
		const argv = (Array.isArray(raw) ? raw.map(String) : String(raw).split('\0')).filter((x) => x !== '');
		if (!argv.length) throw new ApiError(400, 'Parameter verification failed.', { command: 'property is missing and it is not optional' });
		let table = execs.get(g);
		if (!table) execs.set(g, (table = new Map()));
		const pid = 1000 + table.size * 3 + (g.vmid % 7);
		table.set(pid, { pid, startedMs: Date.now(), ...runCommand(g, argv) });
		return { pid };
	});
	reg.on('GET', `${base}/exec-status`, (call) => {
		const g = requireAgent(call);
		const rec = execs.get(g)?.get(Number(call.params.pid));
		if (!rec) throw new ApiError(500, `Agent error: Invalid parameter 'pid'`);
		// A process runs for a moment before it has exited.
		if (Date.now() - rec.startedMs < 200 / Math.max(call.world.opts.taskSpeed, 0.001)) return { exited: 0 };
		const out: Record<string, unknown> = { exited: 1, exitcode: rec.exitcode };
		if (rec.out) out['out-data'] = rec.out;
		if (rec.err) out['err-data'] = rec.err;
		return out;
	});
	reg.on('GET', `${base}/file-read`, (call) => {
		const g = requireAgent(call);
		const file = FILES[String(call.params.file)];
		if (!file) throw new ApiError(500, `Agent error: Failed to open file '${call.params.file}': No such file or directory`);
		return { content: file(g), bytes: Buffer.byteLength(file(g)) };
	});
	reg.on('POST', `${base}/file-write`, (call) => {
		requireAgent(call);
		return null;
	});
	reg.on('GET', base, (call) => {
		requireGuest(call, 'qemu');
		return ['exec', 'exec-status', 'file-read', 'file-write', 'fsfreeze-freeze', 'fsfreeze-status', 'fsfreeze-thaw', 'fstrim', 'get-fsinfo', 'get-host-name', 'get-memory-block-info', 'get-memory-blocks', 'get-osinfo', 'get-time', 'get-timezone', 'get-users', 'get-vcpus', 'info', 'network-get-interfaces', 'ping', 'set-user-password', 'shutdown', 'suspend-disk', 'suspend-hybrid', 'suspend-ram'].map((name) => ({ name }));
	});
}
