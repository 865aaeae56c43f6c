/** ntfy publish requests built from node parameters. */
import { headerValue } from '../../../nodes/Ntfy/transport';
import { ntfyEvent } from '../../../nodes/Ntfy/event';
import { parseTagList, publishHeaders, publishJsonBody, validateTopic } from '../../../nodes/Ntfy/publish';
import { decodeRfc2047 } from '../../simulators/ntfy/params';

describe('ntfy publish builders', () => {
	it('leaves defaults out of the JSON body and maps the switches to ntfy values', () => {
		expect(publishJsonBody({ topic: 't', message: 'm', priority: 3, cache: true, firebase: true, tags: [] })).toEqual({ topic: 't', message: 'm' });
		expect(
			publishJsonBody({ topic: 't', message: 'm', priority: 5, cache: false, firebase: false, markdown: true, sequenceId: 's1', delay: '1h', email: 'a@b.c' }),
		).toEqual({ topic: 't', message: 'm', priority: 5, cache: 'no', firebase: 'no', markdown: true, sequence_id: 's1', delay: '1h', email: 'a@b.c' });
	});

	it('keeps only the fields each action type uses', () => {
		const body = publishJsonBody({
			topic: 't',
			message: 'm',
			actions: [
				{ action: 'view', label: 'Open', url: 'https://x/', method: 'POST', body: 'ignored' },
				{ action: 'http', label: 'Call', url: 'https://y/', method: 'put', headers: {}, body: '' },
				{ action: 'broadcast', label: 'Cast', url: 'https://ignored/', intent: 'i', extras: { a: '1' } },
			],
		});
		expect(body.actions).toEqual([
			{ action: 'view', label: 'Open', clear: false, url: 'https://x/' },
			{ action: 'http', label: 'Call', clear: false, url: 'https://y/', method: 'PUT' },
			{ action: 'broadcast', label: 'Cast', clear: false, intent: 'i', extras: { a: '1' } },
		]);
	});

	it('builds header publishing with literal \\n for newlines and RFC 2047 for non-ASCII', () => {
		const headers = publishHeaders({ topic: 't', message: 'a\nb', title: 'Übersicht', tags: ['x', 'y'], filename: 'f.png' });
		expect(headers).toMatchObject({ 'X-Message': 'a\\nb', 'X-Title': 'Übersicht', 'X-Tags': 'x,y', 'X-Filename': 'f.png' });
		const encoded = headerValue('Übersicht ✅');
		expect(encoded).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
		expect(decodeRfc2047(encoded)).toBe('Übersicht ✅');
		expect(headerValue('plain')).toBe('plain');
	});

	it('validates topics and splits tags', () => {
		expect(validateTopic('proxmox-alerts_1')).toBeUndefined();
		expect(validateTopic('a b')).toContain('not valid');
		expect(validateTopic('x'.repeat(65))).toContain('not valid');
		expect(parseTagList(' a, ,b ,')).toEqual(['a', 'b']);
	});

	it('turns a stream message into a TriggerEvent with ntfy fields', () => {
		const item = ntfyEvent({ id: 'abc123def456', time: 1_700_000_000, event: 'message', topic: 't', message: 'm', tags: ['warning'] }, new Date('2026-01-01T00:00:00Z'));
		expect(item).toEqual({
			source: 'ntfy',
			id: 'abc123def456',
			timestamp: '2023-11-14T22:13:20.000Z',
			receivedAt: '2026-01-01T00:00:00.000Z',
			severity: 'notice',
			host: null,
			title: null,
			message: 'm',
			event: null,
			topic: 't',
			priority: 3,
			tags: ['warning'],
			click: null,
			icon: null,
			actions: [],
			attachment: null,
			contentType: 'text/plain',
			sequenceId: null,
			expires: null,
		});
	});
});
