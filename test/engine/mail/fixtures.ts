/**
 * Raw mails for the Mail Trigger tests, shaped like Proxmox sends them
 * (proxmox-sys email.rs: multipart/alternative, text/plain then text/html, 8bit UTF-8,
 * `Auto-Submitted: auto-generated;`; reference/protocols.md §5.3).
 */
let counter = 0;

export function plainMail(subject: string, options: { from?: string; to?: string; body?: string; messageId?: string | null; date?: Date } = {}): string {
	counter += 1;
	const id = options.messageId === undefined ? `<t${Date.now()}.${counter}.${Math.random().toString(36).slice(2)}@example.test>` : options.messageId;
	return [
		`From: ${options.from ?? 'Someone <someone@example.test>'}`,
		`To: ${options.to ?? 'reports@example.test'}`,
		`Subject: ${subject}`,
		`Date: ${(options.date ?? new Date()).toUTCString().replace('GMT', '+0000')}`,
		...(id ? [`Message-ID: ${id}`] : []),
		'MIME-Version: 1.0',
		'Content-Type: text/plain; charset="UTF-8"',
		'',
		options.body ?? `Body of ${subject}`,
		'',
	].join('\r\n');
}

export function proxmoxMail(subject: string, text: string, options: { author?: string; from?: string; to?: string } = {}): string {
	counter += 1;
	const boundary = `----_=_NextPart_001_${Math.floor(Date.now() / 1000)}${counter}`;
	const html = `<html><body><pre>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</pre></body></html>`;
	return [
		'Content-Type: multipart/alternative;',
		`\tboundary="${boundary}"`,
		'MIME-Version: 1.0',
		`Subject: ${subject}`,
		`From: ${options.author ?? 'Proxmox VE'} <${options.from ?? 'root@pve1.example.com'}>`,
		`To: ${options.to ?? 'reports@example.test'}`,
		`Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
		`Message-ID: <pve.${Date.now()}.${counter}@pve1.example.com>`,
		'Auto-Submitted: auto-generated;',
		'',
		'This is a multi-part message in MIME format.',
		'',
		`--${boundary}`,
		'Content-Type: text/plain;',
		'\tcharset="UTF-8"',
		'Content-Transfer-Encoding: 8bit',
		'',
		text,
		`--${boundary}`,
		'Content-Type: text/html;',
		'\tcharset="UTF-8"',
		'Content-Transfer-Encoding: 8bit',
		'',
		html,
		`--${boundary}--`,
		'',
	].join('\r\n');
}

export const VZDUMP_FAILED_TEXT = `backup failed: storage 'local' is full

Details
=======
VMID    Name    Status    Time      Size         Filename
100     web     ok        1m 12s    1.203 GiB    vzdump-qemu-100-2026_11_30-02_00_01.vma.zst
101     db      err       3s        0 B          null

Total running time: 1m 16s
Total size: 1.203 GiB

Logs
====
vzdump 100 101 --storage local --mode snapshot

100: 2026-11-30 02:00:01 INFO: Starting Backup of VM 100 (qemu)
101: 2026-11-30 02:01:16 ERROR: Backup of VM 101 failed - storage 'local' is full
`;

export function withAttachment(subject: string, fileName: string, content: Buffer, contentType = 'application/octet-stream'): string {
	counter += 1;
	const boundary = `b${Date.now()}${counter}`;
	const base64 = content.toString('base64').replace(/.{76}/g, '$&\r\n');
	return [
		'From: pbs@example.test',
		'To: reports@example.test',
		`Subject: ${subject}`,
		`Message-ID: <att.${Date.now()}.${counter}@example.test>`,
		'MIME-Version: 1.0',
		`Content-Type: multipart/mixed; boundary="${boundary}"`,
		'',
		`--${boundary}`,
		'Content-Type: text/plain; charset=utf-8',
		'',
		'see attachment',
		`--${boundary}`,
		`Content-Type: ${contentType}; name="${fileName}"`,
		`Content-Disposition: attachment; filename="${fileName}"`,
		'Content-Transfer-Encoding: base64',
		'',
		base64,
		`--${boundary}--`,
		'',
	].join('\r\n');
}
