/**
 * Recognises the mails Proxmox VE and Proxmox Backup Server send (notification system and legacy
 * paths) by their subjects, and reads the data their bodies carry. Subjects come from the vendor
 * templates (reference/protocols.md §5.3-5.4, reference/proxmox.md §3.3-3.4): pve-manager and
 * pve-ha-manager `templates/default/*-subject.txt.hbs`, proxmox-backup `templates/default/*`.
 * Unknown mails give null. The event types are those of the Syslog Trigger and the Gotify/ntfy
 * triggers (`node.fence`, `replication.failed`, `verify.failed`, `gc.failed`,
 * `notification.test`), extended with the outcomes only mails report.
 */
import { correlationKey, type EventSeverity, type ProxmoxEventInfo } from '../../shared/events';
import { parseBackupReport } from './vzdump';

export { parseBackupReport, parseDuration, parseSize, type BackupGuest, type BackupReport } from './vzdump';

export interface MailInput {
	subject: string;
	text: string;
	fromAddress: string | null;
	fromName: string | null;
}

export interface RecognisedMail {
	event: ProxmoxEventInfo;
	severity: EventSeverity;
	/** Short host name of the sender, when the mail says. */
	host: string | null;
}

/** Every type this parser can produce (README table, node filter). */
export const MAIL_EVENT_TYPES = [
	'backup.job.finish',
	'backup.job.failed',
	'gc.finish',
	'gc.failed',
	'verify.finish',
	'verify.failed',
	'prune.finish',
	'prune.failed',
	'sync.finish',
	'sync.failed',
	'tape-backup.finish',
	'tape-backup.failed',
	'tape.load',
	'acme.failed',
	'package.updates',
	'node.fence',
	'replication.failed',
	'notification.test',
] as const;

const shortHost = (fqdn: string) => fqdn.split('.')[0];

/** `Key: value` lines of PBS bodies (`Datastore: store1`, `Removed garbage: 1.2 GiB`). */
function keyValues(text: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const match of text.matchAll(/^([A-Z][A-Za-z ]{1,40}):[ \t]+(\S.*)$/gm)) out[match[1].trim()] = match[2].trim();
	return out;
}

/** The error after `<what> failed: ` in a body. */
function failure(text: string, what: RegExp): string | null {
	const match = new RegExp(`(?:${what.source})[^\\n:]*failed:?\\s*(.+)`, 'i').exec(text);
	return match ? match[1].trim() : null;
}

/** The host of the GUI link PBS puts in its mails (`<https://pbs1.example.com:8007/#...>`). */
function linkHost(text: string): string | null {
	const match = /https:\/\/([A-Za-z0-9.-]+):\d+\//.exec(text);
	return match ? shortHost(match[1]) : null;
}

/** root@pve1.example.com → pve1; "Proxmox Backup Server - pbs1" → pbs1. */
function senderHost(input: MailInput): string | null {
	const named = /Proxmox Backup Server - (\S+)/.exec(input.fromName ?? '');
	if (named) return shortHost(named[1]);
	const domain = /@([A-Za-z0-9-]+)\.[A-Za-z0-9.-]+$/.exec(input.fromAddress ?? '');
	return domain ? domain[1] : null;
}

type Outcome = 'ok' | 'failed';
const outcome = (word: string): Outcome => (word === 'successful' ? 'ok' : 'failed');
const severityOf = (result: Outcome): EventSeverity => (result === 'ok' ? 'info' : 'error');
/** PBS job outcomes as the Proxmox Trigger names them for the same notifications (`gc.finish` / `gc.failed`). */
const jobOutcome = (result: Outcome) => (result === 'ok' ? 'finish' : 'failed');

interface Rule {
	pattern: RegExp;
	build(match: RegExpExecArray, input: MailInput): RecognisedMail;
}

const RULES: Rule[] = [
	{
		// PVE ≥ 8.1 "vzdump backup status ({{fqdn}}): {{status-text}}"; ≤ 8.0 has a space before the colon.
		pattern: /^vzdump backup status \(([^)]+)\) ?: (backup (successful|failed)(?:: (.*))?)$/,
		build: ([, fqdn, statusText, word, error], input) => {
			const result = outcome(word);
			const report = parseBackupReport(input.text);
			const node = shortHost(fqdn);
			const event: ProxmoxEventInfo = { type: `backup.job.${jobOutcome(result)}`, node, fqdn, status: statusText, error: error ?? report?.error ?? null };
			if (report) {
				event.format = report.format;
				event.guests = report.guests;
				event.vmids = report.guests.map((guest) => guest.vmid);
				event.failedVmids = report.guests.filter((guest) => !guest.ok).map((guest) => guest.vmid);
				if (report.guests.length === 1) event.vmid = report.guests[0].vmid;
				event.totalTime = report.totalTime;
				event.totalSeconds = report.totalSeconds;
				event.totalSize = report.totalSize;
				event.totalBytes = report.totalBytes;
			}
			return { event, severity: severityOf(result), host: node };
		},
	},
	{
		pattern: /^Garbage Collect Datastore '([^']+)' (successful|failed)$/,
		build: ([, store, word], input) => pbsJob('gc', store, outcome(word), input, /Garbage collection/),
	},
	{
		pattern: /^Verify Datastore '([^']+)' (successful|failed)$/,
		build: ([, store, word], input) => {
			const recognised = pbsJob('verify', store, outcome(word), input, /Verification/);
			if (recognised.event.type === 'verify.failed') {
				const list = /failed on these snapshots\/groups:\s*\n([\s\S]*?)(?:\n\s*\n|$)/.exec(input.text);
				recognised.event.failedSnapshots = list ? list[1].split('\n').map((line) => line.trim()).filter(Boolean) : [];
			}
			return recognised;
		},
	},
	{
		pattern: /^Pruning datastore '([^']+)' (successful|failed)$/,
		build: ([, store, word], input) => pbsJob('prune', store, outcome(word), input, /Pruning/),
	},
	{
		pattern: /^Sync remote '([^']+)' datastore '([^']+)' (successful|failed)$/,
		build: ([, remote, remoteStore, word], input) => {
			const recognised = pbsJob('sync', null, outcome(word), input, /Synchronization|Sync/);
			Object.assign(recognised.event, { remote, remoteStore });
			return recognised;
		},
	},
	{
		pattern: /^Sync local datastore '([^']+)' (successful|failed)$/,
		build: ([, remoteStore, word], input) => {
			const recognised = pbsJob('sync', null, outcome(word), input, /Synchronization|Sync/);
			Object.assign(recognised.event, { remote: null, remoteStore });
			return recognised;
		},
	},
	{
		pattern: /^Tape Backup (?:'([^']+)' )?datastore '([^']+)' (successful|failed)$/,
		build: ([, id, store, word], input) => {
			const recognised = pbsJob('tape-backup', store, outcome(word), input, /Tape Backup/);
			if (id) recognised.event.jobId = id;
			return recognised;
		},
	},
	{
		pattern: /^Load Media '([^']+)' request for (\S+) '([^']+)'$/,
		build: ([, label, deviceType, device], input) => ({
			event: { type: 'tape.load', label, deviceType, device, node: linkHost(input.text) ?? senderHost(input) ?? undefined },
			severity: 'notice',
			host: linkHost(input.text) ?? senderHost(input),
		}),
	},
	{
		pattern: /^Could not renew certificate$/,
		build: (_match, input) => {
			const host = linkHost(input.text) ?? senderHost(input);
			return { event: { type: 'acme.failed', node: host ?? undefined, error: failure(input.text, /renew|Renewal/) ?? (input.text.trim() || null) }, severity: 'error', host };
		},
	},
	{
		pattern: /^New software packages available \(([^)]+)\)$/,
		build: ([, hostname], input) => {
			const node = shortHost(hostname);
			return { event: { type: 'package.updates', node, updates: packageTable(input.text) }, severity: 'info', host: node };
		},
	},
	{
		pattern: /^(Successfully fenced|Trying to fence) node '([^']+)'$/,
		build: ([, what, node], input) => ({
			event: { type: 'node.fence', node, state: what.startsWith('Successfully') ? 'fenced' : 'fencing' },
			severity: 'error',
			host: senderHost(input),
		}),
	},
	{
		// Replication job ids are "<vmid>-<n>" (pve-guest-common ReplicationConfig).
		pattern: /^Replication Job: '((\d+)-\d+)' failed$/,
		build: ([, jobId, vmid], input) => {
			const target = /with target '([^']+)'/.exec(input.text)?.[1] ?? null;
			const error = /^Error:\s*\n?([\s\S]+?)\s*$/m.exec(input.text)?.[1]?.trim() ?? null;
			const host = senderHost(input);
			return { event: { type: 'replication.failed', jobId, vmid: Number(vmid), target, error, node: host ?? undefined }, severity: 'error', host };
		},
	},
	{
		pattern: /^Test notification$/,
		build: (_match, input) => {
			const target = /notification target '([^']+)'/.exec(input.text);
			return { event: { type: 'notification.test', target: target ? target[1] : null }, severity: 'info', host: senderHost(input) };
		},
	},
];

function pbsJob(kind: string, store: string | null, result: Outcome, input: MailInput, errorLead: RegExp): RecognisedMail {
	const fields = keyValues(input.text);
	const host = linkHost(input.text) ?? senderHost(input);
	const datastore = store ?? fields.Datastore ?? null;
	const event: ProxmoxEventInfo = { type: `${kind}.${jobOutcome(result)}`, node: host ?? undefined, datastore, storage: datastore ?? undefined };
	if (fields['Job ID']) event.jobId = fields['Job ID'];
	if (fields['Task ID']) event.upid = fields['Task ID'];
	if (result === 'failed') event.error = failure(input.text, errorLead);
	const details = { ...fields };
	delete details.Datastore;
	delete details['Job ID'];
	delete details['Task ID'];
	if (Object.keys(details).length) event.details = details;
	return { event, severity: severityOf(result), host };
}

/** The updates table of package-updates-body (`Package Name  Installed Version  Latest Version`). */
function packageTable(text: string): Array<{ package: string; installed: string | null; latest: string | null }> {
	const lines = text.split(/\r?\n/);
	const header = lines.findIndex((line) => /^Package(?: Name)?\s+Installed(?: Version)?\s+(?:Latest|New|Available)(?: Version)?\s*$/i.test(line.trim()));
	if (header < 0) return [];
	const updates: Array<{ package: string; installed: string | null; latest: string | null }> = [];
	for (const line of lines.slice(header + 1)) {
		const cells = line.trim().split(/\s+/);
		if (cells.length < 2 || /^[-=]+$/.test(cells[0])) {
			if (updates.length) break;
			continue;
		}
		updates.push({ package: cells[0], installed: cells.length > 2 ? cells[1] : null, latest: cells[cells.length - 1] });
	}
	return updates;
}

/** Recognises a Proxmox VE / PBS mail; null for anything else. Never throws. */
export function recogniseProxmoxMail(input: MailInput): RecognisedMail | null {
	// The renderer turns newlines in subjects into spaces, and {{#if}} templates can leave trailing ones.
	const subject = input.subject.replace(/\s+/g, ' ').trim();
	for (const rule of RULES) {
		const match = rule.pattern.exec(subject);
		if (!match) continue;
		try {
			return rule.build(match, input);
		} catch {
			return null;
		}
	}
	return null;
}

/**
 * `event.key`: the shared correlation key (`correlationKey` in nodes/shared/events.ts), so a
 * report mail and the Proxmox triggers' push or task event of the same happening share it.
 */
export function mailCorrelationKey(event: ProxmoxEventInfo, epochSeconds: number): string {
	return correlationKey(event, epochSeconds);
}
