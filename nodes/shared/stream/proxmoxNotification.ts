/**
 * Recognises Proxmox VE / PBS notifications pushed through Gotify or ntfy by their subject
 * (Proxmox's Gotify target sends the rendered subject as the title; see the vendor templates
 * named in reference/proxmox.md §3.3-3.4). Only subjects known from the templates are matched.
 */
import type { ProxmoxEventInfo } from '../events';

export interface RecognisedNotification {
	event: ProxmoxEventInfo;
	/** Node name (short host name) when the subject names it. */
	host: string | null;
}

interface Rule {
	pattern: RegExp;
	build(match: RegExpExecArray): RecognisedNotification;
}

const shortHost = (fqdn: string) => fqdn.split('.')[0];

const RULES: Rule[] = [
	{
		// vzdump-subject.txt.hbs: "vzdump backup status ({{fqdn}}): {{status-text}}"
		pattern: /^vzdump backup status \(([^)]+)\): (.+)$/,
		build: ([, fqdn, status]) => ({
			host: shortHost(fqdn),
			event: {
				type: status.startsWith('backup successful') ? 'backup.job.finish' : 'backup.job.failed',
				node: shortHost(fqdn),
				fqdn,
				status,
			},
		}),
	},
	{
		pattern: /^Successfully fenced node '([^']+)'/,
		build: ([, node]) => ({ host: null, event: { type: 'node.fence', node, state: 'fenced' } }),
	},
	{
		pattern: /^Trying to fence node '([^']+)'/,
		build: ([, node]) => ({ host: null, event: { type: 'node.fence', node, state: 'fencing' } }),
	},
	{
		// Replication job ids are "<vmid>-<n>".
		pattern: /^Replication Job: '((\d+)-\d+)' failed/,
		build: ([, jobId, vmid]) => ({ host: null, event: { type: 'replication.failed', jobId, vmid: Number(vmid) } }),
	},
	{
		pattern: /^Verify Datastore '([^']+)' failed/,
		build: ([, store]) => ({ host: null, event: { type: 'verify.failed', storage: store } }),
	},
	{
		pattern: /^Garbage Collect Datastore '([^']+)' failed/,
		build: ([, store]) => ({ host: null, event: { type: 'gc.failed', storage: store } }),
	},
	{
		// A target test: "This is a test of the notification target '<name>'."
		pattern: /^Test notification$/,
		build: () => ({ host: null, event: { type: 'notification.test' } }),
	},
];

export function recogniseProxmoxNotification(title: string | null | undefined, message: string): RecognisedNotification | null {
	if (!title) return null;
	for (const rule of RULES) {
		const match = rule.pattern.exec(title.trim());
		if (!match) continue;
		const recognised = rule.build(match);
		if (recognised.event.type === 'notification.test') {
			const target = /notification target '([^']+)'/.exec(message);
			if (!target) return null;
			recognised.event.target = target[1];
		}
		return recognised;
	}
	return null;
}

/** Proxmox's Gotify target wraps the plain-text body in a Markdown code fence; this removes it. */
export function unwrapCodeFence(message: string): string {
	const match = /^```\n([\s\S]*)\n```$/.exec(message);
	return match ? match[1] : message;
}
