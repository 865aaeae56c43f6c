import { createSocket } from 'dgram';
import { connect } from 'net';
import type { SyslogTarget } from './types';

/** RFC 3164 lines as rsyslog forwards them from a Proxmox node (`<PRI>Mmm dd hh:mm:ss host tag[pid]: msg`). */
export function formatSyslog(node: string, line: string, at: Date, facility = 3, severity = 6): string {
	const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
	const stamp = `${months[at.getUTCMonth()]} ${String(at.getUTCDate()).padStart(2, ' ')} ${at.toISOString().slice(11, 19)}`;
	const withTag = /^[\w.-]+(\[\d+\])?: /.test(line) ? line : `pvedaemon[1234]: ${line}`;
	return `<${facility * 8 + severity}>${stamp} ${node} ${withTag}`;
}

export async function sendSyslog(target: SyslogTarget, messages: string[]): Promise<void> {
	if (target.transport === 'udp') {
		const socket = createSocket(target.host.includes(':') ? 'udp6' : 'udp4');
		try {
			for (const m of messages) await new Promise<void>((resolve, reject) => socket.send(Buffer.from(m), target.port, target.host, (e) => (e ? reject(e) : resolve())));
		} finally {
			socket.close();
		}
		return;
	}
	await new Promise<void>((resolve, reject) => {
		const socket = connect(target.port, target.host, () => {
			// RFC 6587 octet counting, as rsyslog's omfwd TCP framing does with the default template.
			socket.end(messages.map((m) => `${Buffer.byteLength(m)} ${m}`).join(''), () => resolve());
		});
		socket.on('error', reject);
	});
}
