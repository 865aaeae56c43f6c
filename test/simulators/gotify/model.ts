/** Gotify's data model and error answers (model/*.go, error/handler.go; protocols.md §1). */
import { STATUS_CODES } from 'node:http';

export type GotifyVersion = '2.9.1' | '3.0.0';

export interface GotifyUser {
	id: number;
	name: string;
	pass: string;
	admin: boolean;
}

export interface GotifyApplication {
	id: number;
	token: string;
	userId: number;
	name: string;
	description: string;
	internal: boolean;
	image: string;
	defaultPriority: number;
	sortKey: string;
	lastUsed: string | null;
	createdAt: string;
}

export interface GotifyClient {
	id: number;
	token: string;
	userId: number;
	name: string;
	/** v3: client sessions must be elevated for some calls (e.g. deleting an application). */
	elevated: boolean;
}

export interface GotifyMessage {
	id: number;
	appid: number;
	message: string;
	title: string;
	priority: number;
	extras?: Record<string, unknown>;
	date: string;
}

export class GotifyHttpError extends Error {
	constructor(
		readonly status: number,
		readonly description: string,
	) {
		super(description);
	}

	body(): string {
		return JSON.stringify({ error: STATUS_CODES[this.status] ?? 'Unknown', errorCode: this.status, errorDescription: this.description });
	}
}

export const UNAUTHORIZED = 'you need to provide a valid access token or user credentials to access this api';
export const FORBIDDEN = 'you are not allowed to access this api';

/** Go's RFC3339Nano: fractional seconds without trailing zeros, `Z` for UTC. */
export function goTime(date: Date): string {
	return date.toISOString().replace(/\.?0+Z$/, 'Z');
}

const TOKEN_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_';

/** v2: `A`/`C` + 14 characters; v3: `gtfy` prefix. */
export function newToken(prefix: 'A' | 'C', version: GotifyVersion): string {
	let body = '';
	for (let i = 0; i < (version === '3.0.0' ? 24 : 14); i++) body += TOKEN_CHARS[Math.floor(Math.random() * TOKEN_CHARS.length)];
	return version === '3.0.0' ? `gtfy${prefix.toLowerCase()}${body}` : `${prefix}${body}`;
}

/** The external (JSON) form of a message; key order as the server writes it, `extras` omitted when empty. */
export function externalMessage(message: GotifyMessage): Record<string, unknown> {
	return {
		id: message.id,
		appid: message.appid,
		message: message.message,
		title: message.title,
		priority: message.priority,
		...(message.extras && Object.keys(message.extras).length > 0 ? { extras: message.extras } : {}),
		date: message.date,
	};
}

export function externalApplication(app: GotifyApplication, version: GotifyVersion, withToken: boolean): Record<string, unknown> {
	return {
		id: app.id,
		...(version !== '3.0.0' || withToken ? { token: app.token } : {}),
		name: app.name,
		description: app.description,
		internal: app.internal,
		image: app.image,
		defaultPriority: app.defaultPriority,
		lastUsed: app.lastUsed,
		sortKey: app.sortKey,
		...(version === '3.0.0' ? { createdAt: app.createdAt } : {}),
	};
}
