/**
 * Proxmox Mail Trigger against a real Dovecot on loopback (test/simulators/mail), through n8n's
 * engine (test/helpers/engine.ts, nodes from dist/): mails per second from APPEND to emitted item
 * (live IDLE delivery and catch-up after a restart), APPEND→item latency, and memory while a mail
 * with a 10 MB attachment is turned into an item with binary data.
 * Run from the repository root after `npm run build`: `npx tsx --expose-gc bench/mail-trigger.ts`
 * (or `npm run bench -- mail`). Needs Dovecot (scripts/test-deps.sh).
 */
import type { IDataObject } from 'n8n-workflow';

import { startTrigger, type TriggerHandle } from '../test/helpers/engine';
import { startDovecot } from '../test/simulators/mail/dovecot';
import { plainMail, proxmoxMail, VZDUMP_FAILED_TEXT, withAttachment } from '../test/engine/mail/fixtures';

const MAILS = Number(process.env.MAIL_BENCH_MAILS ?? 300);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function main() {
	const dovecot = await startDovecot({ users: { bench: 'pw', memory: 'pw' }, tls: false });
	const credentials = (user: string) => ({ proxmoxMcpImapApi: { host: '127.0.0.1', port: dovecot.imapPort, security: 'none', user, password: 'pw', tlsMode: 'system' } });
	const parameters = { mailbox: 'INBOX', afterProcessing: 'markSeen', options: { maxAttachmentMb: 20 } } as never;
	try {
		// Live: IDLE push of a burst of Proxmox reports, APPENDed over one connection.
		let trigger: TriggerHandle = await startTrigger('proxmoxMailTrigger', parameters, { credentials: credentials('bench') });
		const raws = Array.from({ length: MAILS }, (_, i) => (i % 2 ? plainMail(`plain ${i}`) : proxmoxMail("vzdump backup status (pve1.example.com): backup failed: storage 'local' is full", VZDUMP_FAILED_TEXT)));
		let started = performance.now();
		await dovecot.appendMany(raws, { user: 'bench' });
		const appended = performance.now() - started;
		await trigger.waitForEmit(MAILS, 120_000);
		const live = performance.now() - started;
		console.log(`live (IDLE): ${MAILS} mails APPENDed in ${appended.toFixed(0)} ms, all emitted after ${live.toFixed(0)} ms: ${((MAILS * 1000) / live).toFixed(0)} mails/s`);

		// Latency: one mail at a time.
		const latencies: number[] = [];
		for (let i = 0; i < 20; i++) {
			const before = trigger.emitted.length;
			const t0 = performance.now();
			await dovecot.append(plainMail(`latency ${i}`), { user: 'bench' });
			await trigger.waitForEmit(before + 1, 30_000);
			latencies.push(performance.now() - t0);
		}
		latencies.sort((a, b) => a - b);
		console.log(`APPEND→item latency (20 mails, including the APPEND connection): median ${latencies[10].toFixed(0)} ms, max ${latencies[19].toFixed(0)} ms`);

		// Catch-up: stopped, MAILS arrive, started again with the saved cursor.
		await trigger.close();
		const staticData = JSON.parse(JSON.stringify(trigger.staticData)) as IDataObject;
		await dovecot.appendMany(Array.from({ length: MAILS }, (_, i) => plainMail(`while down ${i}`)), { user: 'bench' });
		started = performance.now();
		trigger = await startTrigger('proxmoxMailTrigger', parameters, { credentials: credentials('bench'), staticData });
		await trigger.waitForEmit(MAILS, 120_000);
		const catchUp = performance.now() - started;
		const subjects = trigger.emitted.map((emit) => String(emit[0][0].json.subject));
		const inOrder = subjects.every((subject, i) => subject === `while down ${i}`);
		console.log(`catch-up after restart: ${MAILS} mails in ${catchUp.toFixed(0)} ms: ${((MAILS * 1000) / catchUp).toFixed(0)} mails/s (in order, no duplicate: ${inOrder && new Set(subjects).size === MAILS})`);
		await trigger.close();

		// Memory: a 10 MB attachment against a 10 KB one, peak over the process while it is processed.
		const memory = await startTrigger('proxmoxMailTrigger', parameters, { credentials: credentials('memory') });
		const peakWhile = async (raw: string, count: number) => {
			gc();
			const base = process.memoryUsage();
			let peakRss = base.rss;
			let peakHeap = base.heapUsed + base.arrayBuffers;
			const sampler = setInterval(() => {
				const now = process.memoryUsage();
				peakRss = Math.max(peakRss, now.rss);
				peakHeap = Math.max(peakHeap, now.heapUsed + now.arrayBuffers);
			}, 5);
			await dovecot.append(raw, { user: 'memory' });
			await memory.waitForEmit(count, 60_000);
			clearInterval(sampler);
			return { rss: peakRss - base.rss, heap: peakHeap - base.heapUsed - base.arrayBuffers };
		};
		const small = await peakWhile(withAttachment('small', 'small.bin', Buffer.alloc(10 * 1024, 1)), 1);
		const big = await peakWhile(withAttachment('big', 'big.bin', Buffer.alloc(10 * 1024 * 1024, 1)), 2);
		const item = memory.emitted[1][0][0];
		console.log(
			`memory, 10 MB attachment (13.5 MB base64 mail): peak +${mb(big.heap)} MB heap+buffers, +${mb(big.rss)} MB RSS; 10 KB attachment: +${mb(small.heap)} MB heap+buffers. ` +
				`Attached as binary: ${item.binary?.attachment_0 ? 'yes' : 'no'}`,
		);
		await memory.close();
	} finally {
		await dovecot.close();
	}
}

main().then(
	() => process.exit(0),
	(error: Error) => {
		console.error(error);
		process.exit(1);
	},
);
