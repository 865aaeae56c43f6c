/**
 * Watches one IMAP mailbox and hands every new message to the trigger exactly once, in UID order:
 * - the cursor (UIDVALIDITY + last UID, plus recent Message-IDs and the last INTERNALDATE) lives in
 *   the workflow's static data, so mail that arrived while n8n was down is caught up on start;
 * - a UIDVALIDITY change re-reads the mailbox from the last INTERNALDATE and skips what the recent
 *   Message-IDs say was already delivered;
 * - IDLE (RFC 2177) with mailboxOpen + an explicit idle(): imapflow's auto-IDLE never runs while a
 *   mailbox lock is held and waits 15 s (reference/mail.md §D). IDLE is broken and re-issued every
 *   keepalive interval with a NOOP that must answer within a timeout, so a dead connection (a peer
 *   that vanished without a FIN) is noticed; servers without IDLE are polled;
 * - dropped connections reconnect with backoff; authentication and TLS failures stop it.
 * imapflow holds one connection per instance (a second connect() throws), so each (re)connect
 * builds a new client (reference/protocols.md §5.1).
 */
import { createHash } from 'node:crypto';

import type { FetchMessageObject, ImapFlow } from 'imapflow';
import type { IDataObject } from 'n8n-workflow';

import { Backoff } from '../shared/transport/backoff';
import { createImapClient, explainImapError, ImapFatalError, type ImapSettings } from './connection';

export interface MailCursor {
	uidValidity?: string;
	lastUid?: number;
	/** INTERNALDATE (ms) of the last message handled, for a resync after a UIDVALIDITY change. */
	lastDate?: number;
	/** Identities (Message-ID, else a digest) of recently handled messages. */
	recentIds?: string[];
}

export interface MailCounters {
	/** New messages read from the mailbox. */
	received: number;
	emitted: number;
	/** Received but not emitted (filters). */
	filtered: number;
	connects: number;
	reconnects: number;
	uidValidityChanges: number;
	/** 'idle' or 'poll' once connected. */
	mode: 'idle' | 'poll' | null;
	lastError: string | null;
}

export type AfterAction = { kind: 'seen' } | { kind: 'move'; folder: string } | { kind: 'leave' };

export interface WatcherOptions {
	settings: ImapSettings;
	mailbox: string;
	/** The node's static data. */
	store: IDataObject;
	/** False in manual runs: only mail arriving from now on, cursor untouched. */
	resume: boolean;
	/** Break and re-issue IDLE (and check the link with NOOP) this often. */
	keepaliveMs: number;
	/** A NOOP unanswered for this long means the connection is dead. */
	noopTimeoutMs: number;
	/** Without IDLE: look for new mail this often. */
	pollIntervalMs: number;
	afterAction: AfterAction;
	/** Stop after the first emitted message (manual "Test step" runs). */
	once?: boolean;
	/** Handles one message (already past the cursor); resolves true when it was emitted. */
	handle(message: FetchMessageObject): Promise<boolean>;
	/** A fatal error; the watcher has stopped. */
	fail(error: Error): void;
	log(message: string): void;
	backoff?: Backoff;
}

const RECENT_LIMIT = 500;
/** Fetch sources in batches this big, so a catch-up of large mails stays bounded in memory. */
const BATCH_COUNT = 20;
const BATCH_BYTES = 32 * 1024 * 1024;

/** Identity of a message across UIDVALIDITY changes: the Message-ID, else a digest of its envelope. */
export function messageIdentity(message: Pick<FetchMessageObject, 'envelope' | 'internalDate' | 'size'>): string {
	const id = message.envelope?.messageId;
	if (id) return id;
	const envelope = message.envelope;
	const date = message.internalDate ? new Date(message.internalDate).getTime() : 0;
	return `digest:${createHash('sha256')
		.update(JSON.stringify([date, message.size ?? 0, envelope?.subject ?? '', envelope?.from?.map((a) => a.address) ?? []]))
		.digest('hex')
		.slice(0, 32)}`;
}

function timeOf(message: Pick<FetchMessageObject, 'internalDate'>): number {
	return message.internalDate ? new Date(message.internalDate).getTime() : 0;
}

class Deferred {
	promise: Promise<void>;
	resolve!: () => void;
	constructor() {
		this.promise = new Promise((resolve) => (this.resolve = resolve));
	}
}

export class MailboxWatcher {
	readonly counters: MailCounters = { received: 0, emitted: 0, filtered: 0, connects: 0, reconnects: 0, uidValidityChanges: 0, mode: null, lastError: null };
	private stopped = false;
	private client: ImapFlow | undefined;
	private retryTimer: NodeJS.Timeout | undefined;
	private wake = new Deferred();
	private readonly backoff: Backoff;
	/** Manual runs: the last UID seen, in memory only. */
	private liveCursor: MailCursor = {};

	constructor(private readonly options: WatcherOptions) {
		this.backoff = options.backoff ?? new Backoff({ initialMs: 1000, maxMs: 60000 });
	}

	/** Connects and catches up once. Fatal errors reject; others reject in manual runs and are retried otherwise. */
	async start(): Promise<void> {
		const connected = new Deferred();
		const first = this.session(() => connected.resolve());
		const outcome = await Promise.race([first.then(() => 'ended' as const, (error: Error) => error), connected.promise.then(() => 'connected' as const)]);
		if (outcome === 'connected') {
			void first.then(
				() => this.onSessionEnd(new Error('The IMAP connection closed')),
				(error: Error) => this.onSessionEnd(error),
			);
			return;
		}
		const error = outcome === 'ended' ? new Error('The IMAP connection closed') : outcome;
		if (this.stopped) return;
		if (error instanceof ImapFatalError || !this.options.resume) {
			this.stop();
			throw error;
		}
		this.scheduleReconnect(error);
	}

	stop(): void {
		this.stopped = true;
		clearTimeout(this.retryTimer);
		this.wake.resolve();
		const client = this.client;
		this.client = undefined;
		if (client) void client.logout().catch(() => client.close());
	}

	get store(): MailCursor {
		if (!this.options.resume) return this.liveCursor;
		const data = this.options.store;
		return {
			uidValidity: typeof data.uidValidity === 'string' ? data.uidValidity : undefined,
			lastUid: typeof data.lastUid === 'number' ? data.lastUid : undefined,
			lastDate: typeof data.lastDate === 'number' ? data.lastDate : undefined,
			recentIds: Array.isArray(data.recentIds) ? (data.recentIds as string[]) : undefined,
		};
	}

	/** Assigning whole values marks n8n's static data as changed. */
	private write(cursor: MailCursor): void {
		const target: IDataObject = this.options.resume ? this.options.store : (this.liveCursor as IDataObject);
		for (const [key, value] of Object.entries(cursor)) if (value !== undefined) target[key] = value as never;
	}

	private onSessionEnd(error: Error): void {
		if (this.stopped) return;
		if (error instanceof ImapFatalError) {
			this.counters.lastError = error.message;
			this.stop();
			this.options.fail(error);
			return;
		}
		this.scheduleReconnect(error);
	}

	private scheduleReconnect(error: Error): void {
		if (this.stopped) return;
		this.counters.lastError = error.message;
		const delay = this.backoff.next();
		this.options.log(`${error.message}; reconnecting in ${delay} ms`);
		clearTimeout(this.retryTimer);
		this.retryTimer = setTimeout(() => {
			if (this.stopped) return;
			this.counters.reconnects += 1;
			this.session(() => undefined).then(
				() => this.onSessionEnd(new Error('The IMAP connection closed')),
				(failure: Error) => this.onSessionEnd(failure),
			);
		}, delay);
	}

	/** One connection: connect, select, catch up, then IDLE or poll until it ends. Always rejects or resolves when the connection is gone. */
	private async session(onReady: () => void): Promise<void> {
		const { settings, mailbox } = this.options;
		const handle = createImapClient(settings);
		const client = handle.client;
		this.client = client;
		let closed = false;
		let newMail = false;
		const signal = () => this.wake.resolve();
		client.on('exists', () => {
			newMail = true;
			signal();
		});
		client.on('close', () => {
			closed = true;
			signal();
		});
		const alive = () => !this.stopped && !closed && this.client === client;
		try {
			await client.connect();
			if (this.stopped) return;
			await client.mailboxOpen(mailbox).catch((error: Error & { path?: string }) => {
				error.path ??= mailbox;
				throw error;
			});
			if (this.options.afterAction.kind === 'move') await this.checkFolder(client, this.options.afterAction.folder);
			this.counters.connects += 1;
			const idle = client.capabilities.has('IDLE');
			this.counters.mode = idle ? 'idle' : 'poll';
			await this.sync(client);
			this.counters.lastError = null;
			this.backoff.reset();
			onReady();
			while (alive()) {
				if (!newMail) {
					this.wake = new Deferred();
					if (idle) void client.idle().catch(() => undefined);
					const timer = setTimeout(signal, idle ? this.options.keepaliveMs : this.options.pollIntervalMs);
					await this.wake.promise;
					clearTimeout(timer);
				}
				if (!alive()) break;
				newMail = false;
				// Ends IDLE (DONE) and proves the link works; in poll mode it also fetches EXISTS updates.
				await this.withTimeout(client, client.noop(), 'NOOP');
				if (!alive()) break;
				await this.sync(client);
			}
			if (!this.stopped && this.client === client) throw new Error(`The IMAP connection to ${settings.host}:${settings.port} closed`);
		} catch (error) {
			if (this.client === client) this.client = undefined;
			client.close();
			if (this.stopped) return;
			throw explainImapError(error, settings, handle.pinFailure());
		}
	}

	private async withTimeout<T>(client: ImapFlow, promise: Promise<T>, what: string): Promise<T> {
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<never>((_resolve, reject) => {
			timer = setTimeout(() => {
				client.close();
				reject(new Error(`No answer to ${what} within ${Math.round(this.options.noopTimeoutMs / 1000)} s: the connection is considered dead`));
			}, this.options.noopTimeoutMs);
		});
		try {
			return await Promise.race([promise, timeout]);
		} finally {
			clearTimeout(timer);
		}
	}

	private async checkFolder(client: ImapFlow, folder: string): Promise<void> {
		const boxes = await client.list();
		if (!boxes.some((box) => box.path === folder)) {
			throw new ImapFatalError(`The folder "${folder}" to move processed mail to does not exist in the mailbox of "${this.options.settings.user}"; create it or choose another`, 'moveTo');
		}
	}

	/** Handles everything after the cursor. */
	private async sync(client: ImapFlow): Promise<void> {
		const box = client.mailbox;
		if (!box) return;
		const validity = String(box.uidValidity);
		const cursor = this.store;
		if (cursor.uidValidity === undefined) {
			// First activation (or a manual run): start from now, never replay the mailbox.
			this.write({ uidValidity: validity, lastUid: Math.max(0, box.uidNext - 1), lastDate: Date.now(), recentIds: [] });
			return;
		}
		if (cursor.uidValidity !== validity) {
			await this.resync(client, validity, cursor);
			return;
		}
		const lastUid = cursor.lastUid ?? 0;
		// imapflow keeps `exists` current from EXISTS responses; `uidNext` only from SELECT.
		if (box.exists === 0) return;
		// `N:*` also returns the highest message when its UID is below N (RFC 3501 `*`), so filter.
		const list = await client.fetchAll(`${lastUid + 1}:*`, { uid: true, size: true }, { uid: true });
		await this.process(
			client,
			list.filter((message) => message.uid > lastUid).sort((a, b) => a.uid - b.uid),
		);
	}

	/**
	 * UIDVALIDITY changed (mailbox recreated, restored or migrated): every stored UID is void.
	 * Messages from the last handled INTERNALDATE on are candidates; those whose identity is
	 * among the recently handled ones are skipped, the rest are handled as new, in UID order.
	 */
	private async resync(client: ImapFlow, validity: string, cursor: MailCursor): Promise<void> {
		this.counters.uidValidityChanges += 1;
		const since = cursor.lastDate ?? 0;
		this.options.log(`UIDVALIDITY of "${this.options.mailbox}" changed from ${cursor.uidValidity} to ${validity}: resynchronising from ${new Date(since).toISOString()}`);
		const box = client.mailbox;
		let candidates: FetchMessageObject[] = [];
		if (box && box.exists > 0) {
			// SEARCH SINCE has day granularity (RFC 3501), so ask from the day before and filter exactly.
			const uids = await client.search({ since: new Date(since - 86400000) }, { uid: true });
			if (uids && uids.length) {
				const seen = new Set(cursor.recentIds ?? []);
				const listed = await client.fetchAll(uids.join(','), { uid: true, size: true, envelope: true, internalDate: true }, { uid: true });
				candidates = listed.filter((message) => timeOf(message) >= since - 1000 && !seen.has(messageIdentity(message))).sort((a, b) => a.uid - b.uid);
			}
		}
		this.write({ uidValidity: validity, lastUid: 0 });
		await this.process(client, candidates);
		this.write({ lastUid: Math.max(this.store.lastUid ?? 0, (box ? box.uidNext : 1) - 1) });
	}

	private async process(client: ImapFlow, list: FetchMessageObject[]): Promise<void> {
		let index = 0;
		while (index < list.length) {
			const batch: FetchMessageObject[] = [];
			let bytes = 0;
			while (index < list.length && batch.length < BATCH_COUNT && (batch.length === 0 || bytes + (list[index].size ?? 0) <= BATCH_BYTES)) {
				bytes += list[index].size ?? 0;
				batch.push(list[index++]);
			}
			// Collect first, then act: commands inside a fetch loop deadlock (imapflow's fetch() doc).
			const fetched = await client.fetchAll(
				batch.map((message) => message.uid).join(','),
				{ uid: true, flags: true, envelope: true, internalDate: true, size: true, source: true },
				{ uid: true },
			);
			fetched.sort((a, b) => a.uid - b.uid);
			const handled: number[] = [];
			for (const message of fetched) {
				if (this.stopped || (this.options.once && handled.length)) break;
				const cursor = this.store;
				if (message.uid <= (cursor.lastUid ?? 0)) continue;
				this.counters.received += 1;
				// The cursor moves before the item leaves: a crash can lose at most this one, never repeat it.
				this.write({ lastUid: message.uid, lastDate: Math.max(cursor.lastDate ?? 0, timeOf(message)), recentIds: [...(cursor.recentIds ?? []), messageIdentity(message)].slice(-RECENT_LIMIT) });
				if (await this.options.handle(message)) {
					this.counters.emitted += 1;
					handled.push(message.uid);
				} else this.counters.filtered += 1;
			}
			await this.afterwards(client, handled);
			if (this.options.once && handled.length) {
				this.stop();
				return;
			}
		}
	}

	private async afterwards(client: ImapFlow, uids: number[]): Promise<void> {
		const action = this.options.afterAction;
		if (!uids.length || action.kind === 'leave') return;
		const range = uids.join(',');
		if (action.kind === 'seen') await client.messageFlagsAdd(range, ['\\Seen'], { uid: true });
		else await client.messageMove(range, action.folder, { uid: true });
	}
}
