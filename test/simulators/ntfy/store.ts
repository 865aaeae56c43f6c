/** ntfy's message cache: global insertion order (rowid), expiry, `since` markers (protocols.md §2.8). */
import { randomBytes } from 'node:crypto';

import { ERR, NtfyHttpError } from './errors';
import type { NtfyAction } from './params';

export interface NtfyAttachment {
	name: string;
	type?: string;
	size?: number;
	expires?: number;
	url: string;
}

/** Key order follows the server's JSON encoding. */
export interface NtfyMessage {
	id: string;
	time: number;
	expires?: number;
	event: string;
	topic: string;
	title?: string;
	message?: string;
	priority?: number;
	tags?: string[];
	click?: string;
	icon?: string;
	actions?: NtfyAction[];
	attachment?: NtfyAttachment;
	content_type?: string;
	encoding?: string;
	sequence_id?: string;
}

interface Row {
	rowid: number;
	message: NtfyMessage;
	published: boolean;
}

export type SinceMarker =
	| { kind: 'all' }
	| { kind: 'none' }
	| { kind: 'latest' }
	| { kind: 'id'; id: string }
	| { kind: 'time'; time: number };

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomId(length = 12): string {
	const bytes = randomBytes(length);
	let out = '';
	for (const byte of bytes) out += ALPHANUMERIC[byte % ALPHANUMERIC.length];
	return out;
}

const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const GO_UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };

/** `all`, `latest`, `none`, a message id, a unix timestamp or a Go duration; else 400 40008. */
export function parseSince(value: string, fallback: SinceMarker, nowMs: number): SinceMarker {
	if (value === '') return fallback;
	if (value === 'all') return { kind: 'all' };
	if (value === 'none') return { kind: 'none' };
	if (value === 'latest') return { kind: 'latest' };
	if (/^\d+$/.test(value)) return { kind: 'time', time: Number(value) };
	if (/^[A-Za-z0-9]{12}$/.test(value)) return { kind: 'id', id: value };
	if (GO_DURATION.test(value)) {
		let ms = 0;
		for (const [, amount, , unit] of value.matchAll(/(\d+(\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(amount) * GO_UNIT_MS[unit];
		return { kind: 'time', time: Math.floor((nowMs - ms) / 1000) };
	}
	throw new NtfyHttpError(ERR.invalidSince);
}

export class MessageStore {
	private rows: Row[] = [];
	private nextRowId = 1;

	add(message: NtfyMessage, published: boolean): void {
		this.rows.push({ rowid: this.nextRowId++, message, published });
	}

	markPublished(id: string): void {
		const row = this.rows.find((candidate) => candidate.message.id === id);
		if (row) row.published = true;
	}

	prune(nowS: number): void {
		this.rows = this.rows.filter((row) => row.message.expires === undefined || row.message.expires > nowS);
	}

	all(): NtfyMessage[] {
		return this.rows.map((row) => row.message);
	}

	/** Cached messages of `topics` after `since`, ordered by time then insertion (message_cache.go). */
	since(topics: string[], since: SinceMarker, scheduled: boolean): NtfyMessage[] {
		const visible = this.rows.filter((row) => topics.includes(row.message.topic) && (row.published || scheduled));
		let picked: Row[];
		switch (since.kind) {
			case 'none':
				return [];
			case 'all':
				picked = visible;
				break;
			case 'latest':
				picked = topics.flatMap((topic) => visible.filter((row) => row.message.topic === topic).slice(-1));
				break;
			case 'time':
				picked = visible.filter((row) => row.message.time >= since.time);
				break;
			case 'id': {
				// An id no longer (or never) cached falls back to every cached message.
				const anchor = this.rows.find((row) => row.message.id === since.id);
				picked = anchor ? visible.filter((row) => row.rowid > anchor.rowid) : visible;
				break;
			}
		}
		return [...picked].sort((a, b) => a.message.time - b.message.time || a.rowid - b.rowid).map((row) => row.message);
	}
}
