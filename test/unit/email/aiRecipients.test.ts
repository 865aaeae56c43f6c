/**
 * "AI Allowed Recipients" of the Email (SMTP) node (nodes/Email/aiRecipients.ts): the owner's list
 * and the check of every To / CC / BCC address, parsed as Nodemailer parses them for the envelope.
 */
import MailComposer from 'nodemailer/lib/mail-composer';

import { parseAllowedRecipients, recipientRefusal, recipientsOf } from '../../../nodes/Email/aiRecipients';

const list = parseAllowedRecipients('ops@example.com\nAlice@Corp.Example, @lab.example; @bücher.example');

describe('AI Allowed Recipients: the list', () => {
	it('reads addresses and @domains separated by lines, commas or semicolons, in lower case', () => {
		expect([...list.addresses].sort()).toEqual(['alice@corp.example', 'ops@example.com']);
		expect([...list.domains].sort()).toEqual(['lab.example', 'xn--bcher-kva.example']);
	});

	it('an empty list allows nothing', () => {
		expect(parseAllowedRecipients(' \n , ')).toEqual({ addresses: new Set(), domains: new Set() });
		expect(recipientRefusal([{ field: 'To', value: 'ops@example.com' }], parseAllowedRecipients(''))).toBe(
			'To "ops@example.com" is not on the node\'s "AI Allowed Recipients" (the list is empty)',
		);
	});

	it.each([
		['example.com', '"example.com" is neither an address (ops@example.com) nor a domain (@example.com)'],
		['Ops <ops@example.com>', '"Ops <ops@example.com>" is neither an address (ops@example.com) nor a domain (@example.com)'],
		['@', '"@" is not a domain (write it as @example.com)'],
		['@exa mple.com', '"@exa mple.com" is not a domain (write it as @example.com)'],
		['@@example.com', '"@@example.com" is not a domain (write it as @example.com)'],
	])('refuses the entry %p, naming it', (entry, message) => {
		expect(() => parseAllowedRecipients(`ops@example.com\n${entry}`)).toThrow(message);
	});
});

describe('AI Allowed Recipients: the check', () => {
	const check = (to: string, cc = '', bcc = '') =>
		recipientRefusal(
			[
				{ field: 'To', value: to },
				{ field: 'CC', value: cc },
				{ field: 'BCC', value: bcc },
			],
			list,
		);

	it('allows listed addresses, whatever their case, and any address of a listed domain', () => {
		expect(check('ops@example.com')).toBeUndefined();
		expect(check('OPS@EXAMPLE.COM, alice@corp.EXAMPLE')).toBeUndefined();
		expect(check('anyone@lab.example', 'Someone Else <x@LAB.example>', 'y@bücher.example')).toBeUndefined();
		expect(check('z@xn--bcher-kva.example')).toBeUndefined();
	});

	it('refuses an address outside the list, naming the field and the address', () => {
		expect(check('ops@example.com, intruder@evil.example')).toBe('To "intruder@evil.example" is not on the node\'s "AI Allowed Recipients"');
	});

	it('checks CC and BCC too', () => {
		expect(check('ops@example.com', 'copy@evil.example')).toBe('CC "copy@evil.example" is not on the node\'s "AI Allowed Recipients"');
		expect(check('ops@example.com', 'alice@corp.example', 'hidden@evil.example')).toBe('BCC "hidden@evil.example" is not on the node\'s "AI Allowed Recipients"');
	});

	it('a listed domain does not allow its subdomains, nor a lookalike; a listed address not its domain', () => {
		expect(check('a@sub.lab.example')).toContain('"a@sub.lab.example"');
		expect(check('a@lab.example.evil')).toContain('"a@lab.example.evil"');
		expect(check('bob@example.com')).toContain('"bob@example.com"');
		expect(check('ops@example.com.evil')).toContain('"ops@example.com.evil"');
		expect(check('"a@lab.example"@evil.example')).toContain('"a@lab.example"@evil.example');
	});

	it('reads the address a display name hides and the members of a group', () => {
		expect(check('"ops@example.com" <intruder@evil.example>')).toBe('To "intruder@evil.example" is not on the node\'s "AI Allowed Recipients"');
		expect(check('Team: ops@example.com, leak@evil.example;')).toBe('To "leak@evil.example" is not on the node\'s "AI Allowed Recipients"');
		expect(check('"Ops, Example" <ops@example.com>')).toBeUndefined();
	});

	it('finds the same recipients Nodemailer puts in the SMTP envelope', async () => {
		const to = '"ops@example.com" <a@evil.example>, Team: b@lab.example, c@evil.example;, "x, y" <d@corp.example>';
		const cc = 'E <e@lab.example>';
		const envelope = new MailComposer({ from: 'n8n@example.com', to, cc, bcc: 'f@evil.example' }).compile().getEnvelope();
		expect([...recipientsOf(to), ...recipientsOf(cc), ...recipientsOf('f@evil.example')]).toEqual(envelope.to);
	});
});
