/**
 * Proxmox Stream Trigger against a local WebSocket relay (ws server): mapping of JSON and text,
 * header auth on the upgrade, reconnect after the relay drops the connection, dead-connection
 * detection when pongs stop (ws `autoPong: false`), dedupe of ids a relay repeats.
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject } from 'n8n-workflow';
import { WebSocketServer, type WebSocket } from 'ws';

import { startTrigger, testCredential } from '../../helpers/engine';
import { waitFor } from './helpers';

const STREAM = 'proxmoxStreamTrigger';

interface Relay {
	url: string;
	clients: WebSocket[];
	upgrades: IncomingMessage[];
	close(): Promise<void>;
	broadcast(data: unknown): void;
}

async function startRelay(options: { token?: string; autoPong?: boolean } = {}): Promise<Relay> {
	const upgrades: IncomingMessage[] = [];
	const server = new WebSocketServer({
		port: 0,
		host: '127.0.0.1',
		autoPong: options.autoPong ?? true,
		verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, code?: number) => void) => {
			upgrades.push(info.req);
			if (options.token && info.req.headers.authorization !== `Bearer ${options.token}`) return done(false, 401);
			done(true);
		},
	});
	await new Promise((resolve) => server.once('listening', resolve));
	const clients: WebSocket[] = [];
	server.on('connection', (ws) => clients.push(ws));
	return {
		url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
		clients,
		upgrades,
		broadcast: (data) => {
			for (const ws of server.clients) ws.send(typeof data === 'string' ? data : JSON.stringify(data));
		},
		close: async () => {
			for (const ws of server.clients) ws.terminate();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

const credentials = (relay: Relay, extra: IDataObject = {}) => ({ proxmoxMcpWebSocketApi: { url: relay.url, tlsMode: 'system', ...extra } });
const items = (emitted: Array<Array<Array<{ json: IDataObject }>>>) => emitted.map((run) => run[0][0].json);

describe('Proxmox Stream Trigger', () => {
	it('maps a Proxmox notification relayed as JSON (default paths) and sends the header on the upgrade', async () => {
		const relay = await startRelay({ token: 'relay-token' });
		const trigger = await startTrigger(STREAM, {}, { credentials: credentials(relay, { headerName: 'Authorization', headerSecret: 'Bearer relay-token' }) });
		try {
			await waitFor(() => relay.clients.length === 1, 'the connection');
			relay.broadcast({ id: 'n-1', title: 'vzdump backup status (pve1.lab): backup failed', message: 'disk full', severity: 'error', timestamp: 1767225600, fields: { type: 'vzdump', hostname: 'pve1', 'job-id': 'daily' } });
			const [item] = items(await trigger.waitForEmit(1, 10000));
			expect(item).toMatchObject({ source: 'proxmox', id: 'n-1', severity: 'error', host: 'pve1', message: 'disk full', timestamp: '2026-01-01T00:00:00.000Z' });
			expect(item.event).toMatchObject({ type: 'backup.job.failed', node: 'pve1' });
			expect((item.data as IDataObject).fields).toMatchObject({ 'job-id': 'daily' });
		} finally {
			await trigger.close();
			await relay.close();
		}
	});

	it('custom field paths, syslog severities and millisecond times; text messages; repeated ids dropped', async () => {
		const relay = await startRelay();
		const trigger = await startTrigger(STREAM, { paths: { id: 'meta.uid', message: 'body.text', severity: 'level', timestamp: 'ts', host: 'src', type: 'kind', vmid: 'guest' } }, { credentials: credentials(relay) });
		try {
			await waitFor(() => relay.clients.length === 1, 'the connection');
			const event = { meta: { uid: 'u1' }, body: { text: 'VM 100 crashed' }, level: 'crit', ts: 1767225600000, src: 'pve2', kind: 'guest.crash', guest: 100 };
			relay.broadcast(event);
			relay.broadcast(event);
			relay.broadcast('not json at all');
			const emitted = items(await trigger.waitForEmit(2, 10000));
			expect(emitted[0]).toMatchObject({ id: 'u1', severity: 'critical', host: 'pve2', message: 'VM 100 crashed', timestamp: '2026-01-01T00:00:00.000Z' });
			expect(emitted[0].event).toMatchObject({ type: 'guest.crash', node: 'pve2', vmid: 100 });
			expect(emitted[1]).toMatchObject({ message: 'not json at all', event: null });
			await new Promise((resolve) => setTimeout(resolve, 300));
			expect(trigger.emitted).toHaveLength(2);
		} finally {
			await trigger.close();
			await relay.close();
		}
	});

	it('reconnects with backoff after the relay drops the connection', async () => {
		const relay = await startRelay();
		const trigger = await startTrigger(STREAM, { format: 'text' }, { credentials: credentials(relay) });
		try {
			await waitFor(() => relay.clients.length === 1, 'the connection');
			relay.clients[0].terminate();
			await waitFor(() => relay.clients.length === 2 && relay.clients[1].readyState === 1, 'the reconnection', 20000);
			relay.broadcast('after reconnect');
			const [item] = items(await trigger.waitForEmit(1, 10000));
			expect(item.message).toBe('after reconnect');
		} finally {
			await trigger.close();
			await relay.close();
		}
	});

	it('detects a dead connection (no pong) and reconnects', async () => {
		const relay = await startRelay({ autoPong: false });
		const trigger = await startTrigger(STREAM, { format: 'text', options: { deadAfterSeconds: 1 } }, { credentials: credentials(relay) });
		try {
			await waitFor(() => relay.clients.length >= 2, 'a reconnection after the dead-connection timeout', 20000);
			expect(trigger.errors).toEqual([]);
		} finally {
			await trigger.close();
			await relay.close();
		}
	});

	it('a refused header fails the activation with the status; a bad URL names the field; the credential test connects', async () => {
		const relay = await startRelay({ token: 'right' });
		try {
			await expect(startTrigger(STREAM, {}, { credentials: credentials(relay, { headerName: 'Authorization', headerSecret: 'Bearer wrong' }) })).rejects.toMatchObject({
				message: expect.stringMatching(/401.*check the header of the credential/),
			});
			await expect(startTrigger(STREAM, {}, { credentials: { proxmoxMcpWebSocketApi: { url: 'http://x', tlsMode: 'system' } } })).rejects.toMatchObject({
				message: 'WebSocket relay credential: URL "http://x" must start with ws:// or wss://',
				description: 'Field: url',
			});
			const ok = await testCredential(STREAM, 'webSocketConnectionTest', 'proxmoxMcpWebSocketApi', { url: relay.url, tlsMode: 'system', headerName: 'Authorization', headerSecret: 'Bearer right' });
			expect(ok.status).toBe('OK');
			const bad = await testCredential(STREAM, 'webSocketConnectionTest', 'proxmoxMcpWebSocketApi', { url: relay.url, tlsMode: 'system', headerName: 'Authorization', headerSecret: 'Bearer wrong-secret' });
			expect(bad.status).toBe('Error');
			expect(bad.message).not.toContain('wrong-secret');
		} finally {
			await relay.close();
		}
	});
});
