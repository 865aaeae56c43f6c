/** The shared event renderer: escaping per format, Unicode-safe limits, each channel's rendering. */
import { severityFromGotifyPriority, severityFromNtfyPriority, SEVERITY_NAMES, type EventSeverity } from '../../../nodes/shared/events';
import {
	codePointLength,
	escapeHtml,
	escapeMarkdownInline,
	eventView,
	EventShapeError,
	gotifyPriority,
	headline,
	markdownCodeBlock,
	ntfyPriority,
	passesMinimum,
	proxmoxLink,
	renderDiscordEmbed,
	renderEmail,
	renderGotify,
	renderMarkdown,
	renderNtfy,
	splitText,
	truncate,
} from '../../../nodes/shared/render';
import { analysis, backupFailure } from './fixtures';

describe('escaping', () => {
	it('Markdown inline: markup, links, HTML and mentions are shown, not rendered', () => {
		const hostile = '**bold** [click](https://evil.example) <img src=x> @everyone <@123> https://evil.example/x _i_ `code` # h';
		const escaped = escapeMarkdownInline(hostile);
		expect(escaped).not.toMatch(/(^|[^\\])[*_[\]()<>@`#]/);
		expect(escaped).toContain('https\\://evil.example');
		expect(escapeMarkdownInline('see www.evil.example or a@b.example')).toBe('see www\\.evil.example or a\\@b.example');
		expect(escapeMarkdownInline('- item')).toBe('\\- item');
		expect(escapeMarkdownInline('1. item')).toBe('1\\. item');
		expect(escapeMarkdownInline('2026-11-30T03:12:44Z pve1.example.com')).toBe('2026-11-30T03:12:44Z pve1.example.com');
		expect(escaped.replace(/\\(.)/g, '$1')).toBe(hostile);
		expect(escapeMarkdownInline('a\nb\r\nc')).toBe('a b c');
	});

	it('Markdown code block: the content cannot close the fence', () => {
		const block = markdownCodeBlock('line\n```\n[x](https://evil)\n```');
		expect(block.startsWith('```\n')).toBe(true);
		expect(block.endsWith('\n```')).toBe(true);
		expect(block.slice(4, -4)).not.toContain('```');
	});

	it('HTML: tags and attributes are escaped', () => {
		expect(escapeHtml('<a href="x" onclick=\'y\'>&</a>')).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
	});
});

describe('Unicode-safe limits', () => {
	it('counts code points and never cuts inside a grapheme', () => {
		expect(codePointLength('a😀b')).toBe(3);
		const family = '👨‍👩‍👧‍👦';
		const cut = truncate(`${'x'.repeat(5)}${family}${family}`, 10);
		expect(cut).toBe(`xxxxx${'…'}`);
		expect(codePointLength(truncate('é'.repeat(3000), 2000))).toBeLessThanOrEqual(2000);
		expect(truncate('short', 10)).toBe('short');
	});

	it('splits at line breaks first, each chunk within the limit, nothing lost', () => {
		const text = Array.from({ length: 50 }, (_, i) => `line ${i} ${'😀'.repeat(30)}`).join('\n');
		const chunks = splitText(text, 200);
		expect(chunks.every((chunk) => codePointLength(chunk) <= 200)).toBe(true);
		expect(chunks.join('\n')).toBe(text);
		const noBreaks = '😀'.repeat(450);
		const parts = splitText(noBreaks, 200);
		expect(parts.map(codePointLength)).toEqual([200, 200, 50]);
	});
});

describe('severity mappings', () => {
	it.each(SEVERITY_NAMES.map((s) => [s]))('%s round-trips through Gotify where the scale allows', (severity) => {
		const back = severityFromGotifyPriority(gotifyPriority(severity as EventSeverity));
		const expected = ['emergency', 'alert'].includes(severity) ? 'critical' : severity;
		expect(back).toBe(expected);
	});

	it('ntfy priorities grow with severity', () => {
		expect(SEVERITY_NAMES.map((s) => ntfyPriority(s))).toEqual([5, 5, 5, 4, 4, 3, 2, 1]);
		expect(severityFromNtfyPriority(ntfyPriority('warning'))).toBe('warning');
	});
});

describe('event view', () => {
	it('reads facts, analysis and the deep link; drops what is not selected', () => {
		const view = eventView({ ...backupFailure, event: { ...backupFailure.event, guestType: 'qemu' }, analysis }, {}, { guiUrl: 'https://pve1.example.com:8006' });
		expect(view.facts.map((fact) => [fact.label, fact.value])).toEqual([
			['Host', 'pve1'],
			['Guest', 'VM 100'],
			['Event', 'backup.guest.failed'],
			['Time', '2026-11-30T03:12:44.000Z'],
		]);
		expect(view.link).toBe('https://pve1.example.com:8006/#v1:0:=qemu%2F100:4');
		expect(view.analysis?.recommendedActions?.[0]).toBe('Retry the backup (Proxmox > backup > runNow {"vmid":100})');
		const bare = eventView(backupFailure, {}, { fields: ['type'] });
		expect(bare.facts).toEqual([{ key: 'type', label: 'Event', value: 'backup.guest.failed' }]);
		expect(bare.message).toBeNull();
		expect(bare.link).toBeNull();
	});

	it('links to the node when the guest type is unknown, and never uses a non-http base', () => {
		expect(proxmoxLink('https://pve:8006/#old', { type: 'backup.guest.failed', vmid: 100 }, 'pve1')).toBe('https://pve:8006/#v1:0:=node%2Fpve1:4');
		expect(proxmoxLink('javascript:alert(1)', null, 'pve1')).toBeNull();
		expect(proxmoxLink('https://pve:8006', null, 'a/b?c')).toBe('https://pve:8006/#v1:0:=node%2Fa%2Fb%3Fc:4');
	});

	it('names the field when the item is not an event', () => {
		expect(() => eventView({ foo: 1 })).toThrow(EventShapeError);
		expect(() => eventView({ foo: 1 })).toThrow('"message" nor "title"');
		expect(() => eventView({ message: 'x', severity: 'loud' })).toThrow('severity "loud" is not one of');
		expect(() => eventView({ message: 'x', analysis: [1] })).toThrow('analysis must be an object');
		expect(() => eventView({ wrapped: { message: 'x' } }, { eventPath: 'other' })).toThrow('no event at "other"');
		expect(eventView({ wrapped: { message: 'x', severity: 'warn' } }, { eventPath: 'wrapped' }).severity).toBe('warning');
	});

	it('minimum severity: the event or its analysis must reach it', () => {
		const notice = eventView({ ...backupFailure, severity: 'notice' });
		expect(passesMinimum(notice, 'warning')).toBe(false);
		expect(passesMinimum(notice, 'notice')).toBe(true);
		expect(passesMinimum(eventView({ ...backupFailure, severity: 'notice', analysis: { severity: 'critical' } }), 'error')).toBe(true);
	});
});

describe('channels', () => {
	const hostile = { ...backupFailure, host: 'pve1 [x](https://evil)', message: 'oops <b>bold</b> [link](https://evil) @everyone\n```\nbreakout', analysis: { summary: '<script>alert(1)</script> **x**' } };

	it('Markdown (Gotify, ntfy): facts escaped, message in a code block, link from the GUI URL only', () => {
		const md = renderMarkdown(eventView(hostile, {}, { guiUrl: 'https://pve:8006' }));
		expect(md).toContain('- **Host:** pve1 \\[x\\]\\(https\\://evil\\)');
		expect(md).toContain('```\noops <b>bold</b> [link](https://evil) @everyone\n`\u200b`\u200b`\nbreakout\n```');
		expect(md).toContain('**Summary:** \\<script\\>alert\\(1\\)\\</script\\> \\*\\*x\\*\\*');
		expect(md.replace(/```[\s\S]*?```/g, '').match(/\]\(/g)).toHaveLength(1);
		expect(md).toContain('[Open in Proxmox](https://pve:8006/#v1:0:=node%2Fpve1%20%5Bx%5D%28https%3A%2F%2Fevil%29:4)');
	});

	it('Markdown with an AI analysis: the exact body the README shows', () => {
		const view = eventView({ ...backupFailure, event: { ...backupFailure.event, guestType: 'qemu' }, analysis }, {}, { guiUrl: 'https://pve1.example.com:8006', fields: ['guest', 'type', 'message', 'analysis', 'link'] });
		expect(renderMarkdown(view)).toBe(
			[
				'- **Guest:** VM 100',
				'- **Event:** backup.guest.failed',
				'',
				'```',
				'ERROR: Backup of VM 100 failed - job failed with err -5 - Input/output error',
				'```',
				'',
				'**AI analysis**',
				'',
				'**Summary:** The nightly backup of VM 100 failed with an I/O error on the backup storage.',
				'',
				'**Probable cause:** The NFS storage "backup-nas" went away during the backup.',
				'',
				'**Recommended actions:**',
				'',
				'1. Retry the backup \\(Proxmox \\> backup \\> runNow \\{"vmid":100\\}\\)',
				'2. Check the NAS',
				'',
				'**Evidence:**',
				'',
				'- task log: "Input/output error" at 03:12:44',
				'',
				'**Needs a human:** yes',
				'',
				'[Open in Proxmox](https://pve1.example.com:8006/#v1:0:=qemu%2F100:4)',
			].join('\n'),
		);
	});

	it('Gotify: markdown extras, priority from severity, click URL', () => {
		const gotify = renderGotify(eventView(backupFailure, {}, { guiUrl: 'https://pve:8006' }));
		expect(gotify).toMatchObject({
			title: '[ERROR] pve1: backup.guest.failed 100 on pve1',
			priority: 9,
			extras: { 'client::display': { contentType: 'text/markdown' }, 'client::notification': { click: { url: 'https://pve:8006/#v1:0:=node%2Fpve1:4' } } },
		});
	});

	it('ntfy: tags per severity and type, actions, body under 4096 bytes', () => {
		const view = eventView({ ...backupFailure, message: '😀'.repeat(3000) }, {}, { guiUrl: 'https://pve:8006', actions: [{ label: 'Approve retry', url: 'https://n8n/webhook-waiting/1', method: 'POST' }] });
		const ntfy = renderNtfy(view, 'backup.guest.failed');
		expect(ntfy.tags).toEqual(['x', 'floppy_disk', 'syslog', 'backup.guest.failed']);
		expect(ntfy.priority).toBe(4);
		expect(Buffer.byteLength(ntfy.message)).toBeLessThanOrEqual(4096);
		expect(ntfy.message.match(/^```$/gm)!.length % 2).toBe(0);
		expect(ntfy.actions).toEqual([
			{ action: 'http', label: 'Approve retry', url: 'https://n8n/webhook-waiting/1', method: 'POST', clear: true },
			{ action: 'view', label: 'Open in Proxmox', url: 'https://pve:8006/#v1:0:=node%2Fpve1:4', clear: false },
		]);
		expect(ntfy.message).not.toContain('Approve retry');
	});

	describe('Action Buttons in every channel', () => {
		const approve = { label: 'Approve: *Back up* now', url: 'https://n8n.example.com/webhook-waiting/7?signature=abc&decision=approve', method: 'POST' as const };
		const reject = { label: 'Reject', url: 'https://n8n.example.com/webhook-waiting/7?signature=abc&decision=reject', method: 'POST' as const };
		const open = { label: 'Runbook', url: 'https://wiki.example.com/backup', method: 'GET' as const };
		const view = eventView({ ...backupFailure, analysis }, {}, { guiUrl: 'https://pve:8006', actions: [approve, reject, open] });

		it('ntfy: POST as background HTTP buttons, GET as view buttons; Open in Proxmox only when a place is left (3 at most)', () => {
			expect(renderNtfy(view, 'backup.guest.failed').actions).toEqual([
				{ action: 'http', label: approve.label, url: approve.url, method: 'POST', clear: true },
				{ action: 'http', label: 'Reject', url: reject.url, method: 'POST', clear: true },
				{ action: 'view', label: 'Runbook', url: open.url, clear: false },
			]);
		});

		it('Gotify (Markdown): a GET is a link, a POST is its URL as code to copy, never a link; labels escaped', () => {
			const markdown = renderGotify(view).message;
			expect(markdown).toContain('**Actions**\n\n- Approve: \\*Back up\\* now: `POST https://n8n.example.com/webhook-waiting/7?signature=abc&decision=approve`\n- Reject: `POST https://n8n.example.com/webhook-waiting/7?signature=abc&decision=reject`\n- [Runbook](https://wiki.example.com/backup)');
			expect(markdown).not.toContain('](https://n8n.example.com');
		});

		it('Discord: an Actions field in the same form', () => {
			const field = renderDiscordEmbed(view).fields!.find((entry) => entry.name === 'Actions')!;
			expect(field.value.split('\n')).toEqual([
				'- Approve: \\*Back up\\* now: `POST https://n8n.example.com/webhook-waiting/7?signature=abc&decision=approve`',
				'- Reject: `POST https://n8n.example.com/webhook-waiting/7?signature=abc&decision=reject`',
				'- [Runbook](https://wiki.example.com/backup)',
			]);
		});

		it('e-mail: POST as a form button (no link to follow), GET as a link button; the text part lists both', () => {
			const mail = renderEmail(view);
			expect(mail.html).toContain('<form method="post" action="https://n8n.example.com/webhook-waiting/7?signature=abc&amp;decision=approve"');
			expect(mail.html).toContain('>Approve: *Back up* now</button></form>');
			expect(mail.html).not.toContain('href="https://n8n.example.com/webhook-waiting');
			expect(mail.html).toContain('<a href="https://wiki.example.com/backup"');
			expect(mail.text).toContain('Actions:\n  Approve: *Back up* now: POST https://n8n.example.com/webhook-waiting/7?signature=abc&decision=approve\n  Reject: POST');
			expect(mail.text).toContain('  Runbook: https://wiki.example.com/backup');
		});
	});

	it('Discord: embed with colour, fields, timestamp, footer and link, within the limits', () => {
		const embed = renderDiscordEmbed(eventView({ ...backupFailure, taskLog: [{ n: 1, t: 'INFO: starting' }, { n: 2, t: 'ERROR: I/O error' }], analysis }, {}, { guiUrl: 'https://pve:8006' }));
		expect(embed).toMatchObject({
			title: 'ERROR · pve1 · backup.guest.failed 100 on pve1',
			color: 0xe74c3c,
			url: 'https://pve:8006/#v1:0:=node%2Fpve1:4',
			timestamp: '2026-11-30T03:12:44.000Z',
			footer: { text: 'syslog · 4f1c2a9be0d17c33' },
		});
		expect(embed.fields!.map((field) => field.name)).toEqual(['Host', 'Guest', 'Event', 'Task log', 'Probable cause', 'Recommended actions', 'Evidence', 'Needs a human']);
		expect(embed.description).toContain('**The nightly backup of VM 100 failed');
		const huge = renderDiscordEmbed(eventView({ ...backupFailure, message: 'x'.repeat(10000), analysis: { probableCause: 'y'.repeat(5000) } }));
		expect(codePointLength(huge.description!)).toBeLessThanOrEqual(4096);
		expect(huge.fields!.every((field) => codePointLength(field.value) <= 1024)).toBe(true);
	});

	it('Email: subject with severity and host, escaped HTML, text alternative', () => {
		const mail = renderEmail(eventView({ ...hostile, analysis }, {}, { guiUrl: 'https://pve:8006' }));
		expect(mail.subject).toBe('[ERROR] pve1 [x](https://evil): backup.guest.failed 100 on pve1');
		expect(mail.html).toContain('oops &lt;b&gt;bold&lt;/b&gt;');
		expect(mail.html).not.toContain('<b>bold');
		expect(mail.html.match(/<a /g)).toHaveLength(1);
		expect(mail.html).toContain('background:#e74c3c');
		expect(mail.text).toContain('Probable cause: The NFS storage "backup-nas" went away during the backup.');
		expect(mail.text).toContain('Open in Proxmox: https://pve:8006/#v1:0:=node%2Fpve1%20%5Bx%5D%28https%3A%2F%2Fevil%29:4');
		expect(headline(eventView({ message: 'a\nb', severity: 'info' }))).toBe('[INFO] a b');
	});
});
