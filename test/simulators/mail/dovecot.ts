/**
 * A real Dovecot 2.3 (Debian `dovecot-imapd` + `dovecot-lmtpd`, installed by scripts/test-deps.sh)
 * started rootless for one test file: its own temp dir, free loopback ports, a passwd-file with
 * the users you ask for, maildirs, IMAP (plain, and implicit TLS with a certificate signed by a
 * test CA so every TLS mode is testable) and LMTP for delivery.
 *
 * The config is the tested one from reference/protocols.md §5.2 and
 * reference/captures/dovecot-rootless-test.conf, plus an imaps and an lmtp listener. Dovecot runs
 * as `nobody` (setpriv) when the tests run as root, as the current user otherwise.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

import { ImapFlow } from 'imapflow';

import { freePort, waitForPort } from '../../helpers/ports';
import { certificatesFor } from '../proxmox/wire/certs';

export const DOVECOT_BINARY = '/usr/sbin/dovecot';

export interface DovecotOptions {
	/** user → password (default `{ alice: 'secret' }`). */
	users?: Record<string, string>;
	/** Advertise no IDLE capability (a server clients must poll). */
	withoutIdle?: boolean;
	/** Also listen with implicit TLS (imaps); the certificate is signed by `caPem`. Default true. */
	tls?: boolean;
	/**
	 * Accept OAuth2 access tokens (SASL XOAUTH2 / OAUTHBEARER) checked against this RFC 7662
	 * introspection URL (Dovecot's oauth2 passdb, `introspection_mode = post`); the answer's
	 * `active` must be true and its `username` the login.
	 */
	oauth2IntrospectionUrl?: string;
}

export interface AppendResult {
	uid: number;
	uidValidity: number;
}

export class Dovecot {
	readonly host = '127.0.0.1';
	private process: ChildProcess | undefined;
	private stderr = '';

	private constructor(
		readonly dir: string,
		readonly imapPort: number,
		readonly imapsPort: number,
		readonly lmtpPort: number,
		readonly users: Record<string, string>,
		readonly caPem: string,
		readonly certPem: string,
		/** SHA-256 of the imaps certificate, upper-case colon form. */
		readonly fingerprint: string,
		private readonly runAs: { uid: number; gid: number; user: string; group: string },
	) {}

	static async start(options: DovecotOptions = {}): Promise<Dovecot> {
		if (!existsSync(DOVECOT_BINARY)) throw new Error(`${DOVECOT_BINARY} is missing: run scripts/test-deps.sh (installs dovecot-imapd and dovecot-lmtpd)`);
		const users = options.users ?? { alice: 'secret' };
		const root = process.getuid?.() === 0;
		const me = userInfo();
		const runAs = root ? { uid: 65534, gid: 65534, user: 'nobody', group: 'nogroup' } : { uid: me.uid, gid: me.gid, user: me.username, group: groupName(me.gid) };
		const dir = mkdtempSync(join(tmpdir(), 'dovecot-test-'));
		const [imapPort, imapsPort, lmtpPort] = [await freePort(), await freePort(), await freePort()];
		const certs = await certificatesFor('pve', '127.0.0.1', 'mail');
		for (const sub of ['run', 'state', 'home']) mkdirSync(join(dir, sub));
		writeFileSync(join(dir, 'cert.pem'), certs.certPem);
		writeFileSync(join(dir, 'key.pem'), certs.keyPem, { mode: 0o600 });
		writeFileSync(join(dir, 'passwd'), Object.entries(users).map(([user, password]) => `${user}:{PLAIN}${password}::::::\n`).join(''));
		const tls = options.tls !== false;
		const oauth2 = options.oauth2IntrospectionUrl;
		if (oauth2) {
			writeFileSync(
				join(dir, 'oauth2.conf.ext'),
				`introspection_mode = post\nintrospection_url = ${oauth2}\nusername_attribute = username\nactive_attribute = active\nactive_value = true\n`,
			);
		}
		// Post-login capabilities of Dovecot 2.3 without IDLE (imap_capability replaces the list).
		const capability = options.withoutIdle
			? 'imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 LITERAL+ NOTIFY SPECIAL-USE MOVE'
			: '';
		const conf = `# Rootless Dovecot for tests (reference/captures/dovecot-rootless-test.conf + imaps + lmtp)
protocols = imap lmtp
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = dovecot-test-${imapPort}
log_path = /dev/stderr
info_log_path = /dev/stderr
ssl = ${tls ? 'yes' : 'no'}
${tls ? `ssl_cert = <${dir}/cert.pem\nssl_key = <${dir}/key.pem` : ''}
disable_plaintext_auth = no
auth_mechanisms = plain login${oauth2 ? ' xoauth2 oauthbearer' : ''}
default_internal_user = ${runAs.user}
default_internal_group = ${runAs.group}
default_login_user = ${runAs.user}
${oauth2 ? `passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = ${dir}/oauth2.conf.ext\n}\n` : ''}passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n ${dir}/passwd
  mechanisms = plain login
}
userdb {
  driver = passwd-file
  args = username_format=%n ${dir}/passwd
  default_fields = uid=${runAs.user} gid=${runAs.group} home=${dir}/home/%n
}
mail_location = maildir:~/Maildir
mail_uid = ${runAs.user}
mail_gid = ${runAs.group}
first_valid_uid = 0
${capability}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${tls ? imapsPort : 0}
  }
  chroot =
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${lmtpPort}
  }
}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-reader {
    mode = 0600
  }
  unix_listener stats-writer {
    mode = 0600
  }
}
protocol imap {
  imap_idle_notify_interval = 2 mins
}
`;
		writeFileSync(join(dir, 'dovecot.conf'), conf);
		if (root) for (const path of [dir, ...['run', 'state', 'home', 'cert.pem', 'key.pem', 'passwd', 'dovecot.conf', ...(oauth2 ? ['oauth2.conf.ext'] : [])].map((p) => join(dir, p))]) chownSync(path, runAs.uid, runAs.gid);
		const server = new Dovecot(dir, imapPort, imapsPort, lmtpPort, users, certs.caPem, certs.certPem, certs.fingerprint, runAs);
		await server.launch();
		return server;
	}

	get running(): boolean {
		return this.process !== undefined && this.process.exitCode === null && this.process.signalCode === null;
	}

	/** Dovecot's own log (stderr) so far. */
	get log(): string {
		return this.stderr;
	}

	private async launch(): Promise<void> {
		rmSync(join(this.dir, 'run', 'master.pid'), { force: true });
		const args = ['-F', '-c', join(this.dir, 'dovecot.conf')];
		const child =
			process.getuid?.() === 0
				? spawn('setpriv', [`--reuid=${this.runAs.uid}`, `--regid=${this.runAs.gid}`, '--clear-groups', DOVECOT_BINARY, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
				: spawn(DOVECOT_BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'] });
		child.stderr?.on('data', (chunk: Buffer) => {
			this.stderr = (this.stderr + chunk.toString()).slice(-20000);
		});
		this.process = child;
		await waitForPort(this.imapPort, { what: 'Dovecot', timeoutMs: 15000, log: () => this.stderr });
		await waitForPort(this.lmtpPort, { what: 'Dovecot', timeoutMs: 15000, log: () => this.stderr });
	}

	/** Stops the master (all sessions drop), keeping the mail; `start()` brings it back on the same ports. */
	async stop(): Promise<void> {
		const child = this.process;
		if (!child || !this.running) return;
		await new Promise<void>((resolve) => {
			const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
			child.once('exit', () => {
				clearTimeout(timer);
				resolve();
			});
			child.kill('SIGTERM');
		});
		this.process = undefined;
	}

	async start(): Promise<void> {
		if (this.running) return;
		await this.launch();
	}

	async close(): Promise<void> {
		await this.stop();
		rmSync(this.dir, { recursive: true, force: true });
	}

	/** An imapflow client logged in as `user` (plain IMAP, loopback), for test set-up. */
	async client(user = Object.keys(this.users)[0]): Promise<ImapFlow> {
		const client = new ImapFlow({ host: this.host, port: this.imapPort, secure: false, auth: { user, pass: this.users[user] }, logger: false, disableAutoIdle: true, doSTARTTLS: false });
		client.on('error', () => undefined);
		await client.connect();
		return client;
	}

	private async withClient<T>(user: string | undefined, work: (client: ImapFlow) => Promise<T>): Promise<T> {
		const client = await this.client(user);
		try {
			return await work(client);
		} finally {
			await client.logout().catch(() => client.close());
		}
	}

	/** IMAP APPEND (with UIDPLUS the server answers the new UID). */
	async append(raw: string | Buffer, options: { user?: string; mailbox?: string; flags?: string[] } = {}): Promise<AppendResult> {
		return await this.withClient(options.user, async (client) => {
			const result = await client.append(options.mailbox ?? 'INBOX', raw, options.flags ?? []);
			if (!result || !result.uid) throw new Error('APPEND returned no UID');
			return { uid: result.uid, uidValidity: Number(result.uidValidity) };
		});
	}

	/** Several APPENDs over one connection, in order. */
	async appendMany(raws: Array<string | Buffer>, options: { user?: string; mailbox?: string } = {}): Promise<AppendResult[]> {
		return await this.withClient(options.user, async (client) => {
			const results: AppendResult[] = [];
			for (const raw of raws) {
				const result = await client.append(options.mailbox ?? 'INBOX', raw, []);
				if (!result || !result.uid) throw new Error('APPEND returned no UID');
				results.push({ uid: result.uid, uidValidity: Number(result.uidValidity) });
			}
			return results;
		});
	}

	async createMailbox(path: string, user?: string): Promise<void> {
		await this.withClient(user, async (client) => {
			await client.mailboxCreate(path);
		});
	}

	async status(mailbox = 'INBOX', user?: string): Promise<{ messages: number; uidNext: number; uidValidity: number; unseen: number }> {
		return await this.withClient(user, async (client) => {
			const status = await client.status(mailbox, { messages: true, uidNext: true, uidValidity: true, unseen: true });
			if (!status) throw new Error(`STATUS ${mailbox} failed`);
			return { messages: status.messages ?? 0, uidNext: status.uidNext ?? 0, uidValidity: Number(status.uidValidity), unseen: status.unseen ?? 0 };
		});
	}

	/** UID, flags and subject of every message in a mailbox. */
	async messages(mailbox = 'INBOX', user?: string): Promise<Array<{ uid: number; flags: string[]; subject: string }>> {
		return await this.withClient(user, async (client) => {
			const box = await client.mailboxOpen(mailbox, { readOnly: true });
			if (!box.exists) return [];
			const all = await client.fetchAll('1:*', { uid: true, flags: true, envelope: true });
			return all.map((message) => ({ uid: message.uid, flags: [...(message.flags ?? [])].sort(), subject: message.envelope?.subject ?? '' }));
		});
	}

	/**
	 * Gives a mailbox a new UIDVALIDITY the way a restore or a migration does
	 * (`doveadm mailbox update --uid-validity`, doveadm(1)); the messages stay and keep their UIDs.
	 */
	async changeUidValidity(mailbox = 'INBOX', user = Object.keys(this.users)[0]): Promise<number> {
		const before = (await this.status(mailbox, user)).uidValidity;
		const next = before + 1000;
		const run = spawnSync('doveadm', ['-c', join(this.dir, 'dovecot.conf'), 'mailbox', 'update', '-u', user, '--uid-validity', String(next), mailbox], { encoding: 'utf8' });
		if (run.status !== 0) throw new Error(`doveadm mailbox update failed: ${run.stderr}`);
		return next;
	}

	/**
	 * Deletes and re-creates a mailbox and fills it with `raws`: a new UIDVALIDITY and UIDs that
	 * start again at 1 (what a client sees when a mailbox is recreated).
	 */
	async recreateMailbox(mailbox: string, raws: Array<string | Buffer>, user?: string): Promise<number> {
		await this.withClient(user, async (client) => {
			await client.mailboxDelete(mailbox).catch(() => undefined);
			await client.mailboxCreate(mailbox);
		});
		await this.appendMany(raws, { user, mailbox });
		return (await this.status(mailbox, user)).uidValidity;
	}
}

function groupName(gid: number): string {
	const run = spawnSync('getent', ['group', String(gid)], { encoding: 'utf8' });
	return run.stdout.split(':')[0] || String(gid);
}

export async function startDovecot(options: DovecotOptions = {}): Promise<Dovecot> {
	return await Dovecot.start(options);
}
