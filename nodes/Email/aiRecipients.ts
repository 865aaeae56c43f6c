/**
 * "AI Allowed Recipients": the addresses and domains a model may mail when the Email node runs as
 * an AI tool. Recipients are read with Nodemailer's own address parser, the one its MIME composer
 * builds the SMTP envelope with, so the list is checked against the addresses the mail really goes to.
 */
import { domainToASCII } from 'node:url';

import addressparser from 'nodemailer/lib/addressparser';

export const AI_ALLOWED_RECIPIENTS = 'aiAllowedRecipients';

export interface AllowedRecipients {
	/** Whole addresses, lower case, domain in ASCII (punycode). */
	addresses: Set<string>;
	/** Domains from `@example.com` entries, lower case ASCII; subdomains are not included. */
	domains: Set<string>;
}

/** A recipient field of the node and its value (To, CC, BCC). */
export interface RecipientField {
	field: string;
	value: unknown;
}

/** A domain in lower case ASCII (punycode), or undefined when it is not one. */
function normalizeDomain(domain: string): string | undefined {
	if (!domain || /[\s<>,;@"]/.test(domain)) return undefined;
	return domainToASCII(domain.toLowerCase()) || undefined;
}

/**
 * `local@domain` in lower case with the domain in ASCII, or undefined when it is not one plain
 * address (exactly one "@": a quoted local part with an "@" is not allowed to a model).
 */
function normalize(address: string): string | undefined {
	const at = address.indexOf('@');
	if (at < 1 || at !== address.lastIndexOf('@') || /[\s<>,;"]/.test(address.slice(0, at))) return undefined;
	const domain = normalizeDomain(address.slice(at + 1));
	return domain ? `${address.slice(0, at).toLowerCase()}@${domain}` : undefined;
}

/**
 * Reads the owner's list: entries separated by lines, commas or semicolons, each an address
 * (`ops@example.com`) or a domain (`@example.com`). Throws naming the first entry that is neither.
 */
export function parseAllowedRecipients(raw: string): AllowedRecipients {
	const list: AllowedRecipients = { addresses: new Set(), domains: new Set() };
	for (const entry of raw.split(/[\n,;]/).map((part) => part.trim()).filter(Boolean)) {
		if (entry.startsWith('@')) {
			const domain = normalizeDomain(entry.slice(1));
			if (!domain) throw new Error(`"${entry.slice(0, 200)}" is not a domain (write it as @example.com)`);
			list.domains.add(domain);
			continue;
		}
		const address = normalize(entry);
		if (!address) throw new Error(`"${entry.slice(0, 200)}" is neither an address (ops@example.com) nor a domain (@example.com)`);
		list.addresses.add(address);
	}
	return list;
}

/** The addresses a field's value sends to, as Nodemailer parses them (groups flattened). */
export function recipientsOf(value: unknown): string[] {
	const text = String(value ?? '').trim();
	if (!text) return [];
	return addressparser(text, { flatten: true })
		.map((entry) => entry.address.trim())
		.filter(Boolean);
}

/** Why a model may not mail these fields' recipients with this list, or undefined when it may. */
export function recipientRefusal(fields: RecipientField[], list: AllowedRecipients): string | undefined {
	const empty = list.addresses.size === 0 && list.domains.size === 0;
	for (const { field, value } of fields) {
		for (const address of recipientsOf(value)) {
			const normalized = normalize(address);
			const allowed = normalized !== undefined && (list.addresses.has(normalized) || list.domains.has(normalized.slice(normalized.lastIndexOf('@') + 1)));
			if (!allowed) return `${field} "${address.slice(0, 200)}" is not on the node's "AI Allowed Recipients"${empty ? ' (the list is empty)' : ''}`;
		}
	}
	return undefined;
}
