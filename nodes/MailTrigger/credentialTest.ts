import type { ListResponse } from 'imapflow';
import type { ICredentialDataDecryptedObject, INodeCredentialTestResult } from 'n8n-workflow';

import { createImapClient, explainImapError, readImapSettings, type ImapSettings } from './connection';

/** Logs in, lists the mailboxes and logs out. */
export async function listMailboxes(settings: ImapSettings): Promise<ListResponse[]> {
	const handle = createImapClient(settings, { connectionTimeoutMs: 15000 });
	try {
		await handle.client.connect();
		const boxes = await handle.client.list();
		await handle.client.logout().catch(() => undefined);
		return boxes;
	} catch (error) {
		handle.client.close();
		throw explainImapError(error, settings, handle.pinFailure());
	}
}

/** The credential's "Test": TLS as configured, login, and whether the server can push (IDLE). */
export async function testImapCredential(data: ICredentialDataDecryptedObject): Promise<INodeCredentialTestResult> {
	let settings: ImapSettings;
	try {
		settings = readImapSettings(data);
	} catch (error) {
		return { status: 'Error', message: explainImapError(error, { host: '', port: 0, security: 'tls', user: '', tls: { mode: 'system' } }).message };
	}
	const handle = createImapClient(settings, { connectionTimeoutMs: 15000 });
	try {
		await handle.client.connect();
		const idle = handle.client.capabilities.has('IDLE');
		const boxes = await handle.client.list();
		const encrypted = handle.client.secureConnection ? 'TLS' : 'no encryption (loopback)';
		await handle.client.logout().catch(() => undefined);
		return {
			status: 'OK',
			message: `Logged in as ${settings.user} over ${encrypted}; ${boxes.length} mailbox(es); ${idle ? 'IDLE supported (push)' : 'no IDLE: the trigger will poll'}`,
		};
	} catch (error) {
		handle.client.close();
		return { status: 'Error', message: explainImapError(error, settings, handle.pinFailure()).message };
	}
}
