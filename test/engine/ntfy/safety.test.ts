/**
 * ntfy as an AI tool and its transport failures in the action node: topics and sequence IDs never
 * steer a path; a server that never answers and a certificate that cannot be verified fail clearly.
 */
import { createServer, type Socket } from 'node:net';

import { closeAllPools } from '../../../nodes/shared/transport';
import { runNode } from '../../helpers/engine';
import { certificatesFor } from '../../simulators/proxmox/wire/certs';
import { startNtfySimulator, type NtfySimulator } from '../../simulators/ntfy';

let sim: NtfySimulator | undefined;

const credentials = (extra: Record<string, unknown> = {}) => ({ proxmoxMcpNtfyApi: { serverUrl: sim?.url ?? '', authentication: 'none', tlsMode: 'system', ...extra } });

afterEach(async () => {
	await sim?.close();
	sim = undefined;
	await closeAllPools();
});

describe('ntfy paths', () => {
	it('refuses hostile sequence IDs and topics from a model before sending', async () => {
		sim = await startNtfySimulator();
		const before = sim.requests.length;
		for (const sequenceId of ['..', '../other', '%2e%2e', 'a?b', 'a#b', 'x'.repeat(65)]) {
			await expect(runNode('ntfy', { operation: 'clear', topic: 'alerts', sequenceId }, { credentials: credentials(), asTool: true })).rejects.toThrow(
				`Sequence ID "${sequenceId.slice(0, 100)}" is not valid: use 1 to 64 letters, digits, "-" or "_"`,
			);
		}
		for (const topic of ['..', 'a/b', '%2e%2e', 'a?b', 'a#b']) {
			await expect(runNode('ntfy', { operation: 'publish', topic, message: 'x' }, { credentials: credentials(), asTool: true })).rejects.toThrow(
				`Topic "${topic}" is not valid: use 1 to 64 letters, digits, "-" or "_"`,
			);
		}
		expect(sim.requests.slice(before)).toEqual([]);
	});
});

describe('ntfy action node transport failures', () => {
	it('gives up after the credential timeout when the server never answers', async () => {
		const sockets: Socket[] = [];
		const silent = createServer((socket) => sockets.push(socket));
		await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
		const { port } = silent.address() as { port: number };
		try {
			const error = (await runNode('ntfy', { operation: 'publish', topic: 'alerts', message: 'x' }, { credentials: credentials({ serverUrl: `http://127.0.0.1:${port}`, timeoutSeconds: 1 }) }).catch(
				(e: Error) => e,
			)) as Error;
			expect(error.message).toBe(`127.0.0.1:${port} did not answer within 1000 ms`);
			expect(error.name).toBe('NodeOperationError');
		} finally {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => silent.close(resolve));
		}
	});

	it('fails TLS verification against an unknown CA before anything is published, and works with the CA', async () => {
		const certs = await certificatesFor('pve', '127.0.0.1', 'ntfy');
		sim = await startNtfySimulator({ tls: { certPem: certs.certPem, keyPem: certs.keyPem } });
		const before = sim.requests.length;
		const error = (await runNode('ntfy', { operation: 'publish', topic: 'alerts', message: 'x' }, { credentials: credentials() }).catch((e: Error) => e)) as Error;
		expect(error.message).toMatch(/TLS verification/);
		expect(sim.requests.length).toBe(before);
		const wrongPin = (await runNode('ntfy', { operation: 'publish', topic: 'alerts', message: 'x' }, { credentials: credentials({ tlsMode: 'fingerprint', fingerprint: 'AA'.repeat(32) }) }).catch(
			(e: Error) => e,
		)) as Error;
		expect(wrongPin.message).toContain('does not match the pinned fingerprint');
		expect(sim.requests.length).toBe(before);
		const [item] = await runNode('ntfy', { operation: 'publish', topic: 'alerts', message: 'x' }, { credentials: credentials({ tlsMode: 'customCa', caPem: certs.caPem }) });
		expect(item.json).toMatchObject({ event: 'message', topic: 'alerts', message: 'x' });
	});
});
