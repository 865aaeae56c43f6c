import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TriggerHandle } from '../../helpers/engine';
import { delay, emittedItems, logger } from './helpers';

const CANDIDATES = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'];
/** Debian puts rsyslog's plugins under /usr/lib/<multiarch triplet>/rsyslog/. */
const hasGtls = () =>
	readdirSync('/usr/lib')
		.filter((entry) => entry.includes('-linux-'))
		.some((triplet) => existsSync(join('/usr/lib', triplet, 'rsyslog', 'lmnsd_gtls.so')));
let installAttempted = false;

/** rsyslogd, installed through the project's scripts/test-deps.sh when missing (CI runs it before the tests). */
export function findRsyslogd(needTls = false): string | null {
	const found = () => {
		const path = CANDIDATES.find((candidate) => existsSync(candidate)) ?? null;
		return path && (!needTls || hasGtls()) ? path : null;
	};
	if (!found() && !installAttempted) {
		installAttempted = true;
		spawnSync('bash', [resolve(__dirname, '../../../scripts/test-deps.sh')], { stdio: 'ignore', timeout: 240_000 });
	}
	return found();
}

export interface RsyslogDaemon {
	workDir: string;
	inputPort: number;
	stop(): Promise<void>;
}

/**
 * Runs Debian's rsyslogd in the foreground, unprivileged, with an imudp input on `inputPort` and
 * the given forwarding rules; resolves once a `probe` message sent to it reached the trigger.
 */
export async function startRsyslog(
	rsyslogd: string,
	inputPort: number,
	rules: (workDir: string) => string[],
	trigger: TriggerHandle,
	globalExtra = '',
): Promise<RsyslogDaemon> {
	const workDir = mkdtempSync(join(tmpdir(), 'rsyslog-test-'));
	const config = [
		`global(workDirectory="${workDir}" net.enableDNS="off"${globalExtra ? ` ${globalExtra.replaceAll('WORKDIR', workDir)}` : ''})`,
		'module(load="imudp")',
		`input(type="imudp" address="127.0.0.1" port="${inputPort}")`,
		...rules(workDir),
		'',
	].join('\n');
	writeFileSync(join(workDir, 'rsyslog.conf'), config);
	const daemon: ChildProcess = spawn(rsyslogd, ['-n', '-f', join(workDir, 'rsyslog.conf'), '-i', join(workDir, 'rsyslog.pid')], { stdio: 'ignore' });
	const stop = async () => {
		if (daemon.exitCode === null && daemon.signalCode === null) {
			const exited = new Promise((resolveExit) => daemon.once('exit', resolveExit));
			daemon.kill('SIGTERM');
			await exited;
		}
		rmSync(workDir, { recursive: true, force: true });
	};
	const deadline = Date.now() + 15_000;
	while (!emittedItems(trigger.emitted).some((item) => item.appName === 'probe')) {
		if (Date.now() > deadline || daemon.exitCode !== null) {
			await stop();
			throw new Error('rsyslogd did not start forwarding within 15 s');
		}
		await logger(['-n', '127.0.0.1', '-P', String(inputPort), '-d', '--rfc3164', '-t', 'probe', 'ready?']);
		await delay(200);
	}
	return { workDir, inputPort, stop };
}
