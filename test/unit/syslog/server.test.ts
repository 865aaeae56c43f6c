import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeListenError, growReceiveBuffer, readKernelMax } from '../../../nodes/SyslogTrigger/server';

const error = (code: string) => Object.assign(new Error(`listen ${code}`), { code });

describe('describeListenError', () => {
	it('explains a port in use', () => {
		expect(describeListenError(error('EADDRINUSE'), 'udp', '0.0.0.0', 5514)).toMatch(/^Cannot listen on UDP 0\.0\.0\.0:5514: the port is already in use/);
	});

	it('explains a privileged port', () => {
		expect(describeListenError(error('EACCES'), 'tcp', '0.0.0.0', 514)).toMatch(/TCP 0\.0\.0\.0:514: not permitted\. Ports below 1024 need root/);
	});

	it('explains an address that is not local', () => {
		expect(describeListenError(error('EADDRNOTAVAIL'), 'tcp', '192.0.2.1', 5514)).toMatch(/not on this machine/);
	});

	it('passes other errors through', () => {
		expect(describeListenError(error('EINVAL'), 'udp', 'h', 1)).toBe('Cannot listen on UDP h:1: listen EINVAL');
	});
});

describe('UDP receive buffer', () => {
	const tmp = mkdtempSync(join(tmpdir(), 'rmem-'));
	afterAll(() => rmSync(tmp, { recursive: true, force: true }));

	it('reads net.core.rmem_max, and null where it cannot be read', () => {
		const file = join(tmp, 'rmem_max');
		writeFileSync(file, '212992\n');
		expect(readKernelMax(file)).toBe(212992);
		expect(readKernelMax(join(tmp, 'missing'))).toBeNull();
	});

	it('asks for no more than the kernel allows and reports what it granted', async () => {
		const socket = createSocket('udp4');
		await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
		try {
			const before = socket.getRecvBufferSize();
			// A limit below the default: nothing is asked, the default stays.
			expect(growReceiveBuffer(socket, 4 * 1024 * 1024, 1024)).toEqual({ requestedReceiveBufferBytes: 1024, receiveBufferBytes: before, kernelMaxBytes: 1024 });
			const kernelMax = readKernelMax();
			const stats = growReceiveBuffer(socket, 4 * 1024 * 1024, kernelMax);
			expect(stats.requestedReceiveBufferBytes).toBe(Math.min(4 * 1024 * 1024, kernelMax ?? Infinity));
			expect(stats.receiveBufferBytes).toBe(socket.getRecvBufferSize());
			expect(stats.receiveBufferBytes).toBeGreaterThanOrEqual(before);
		} finally {
			socket.close();
		}
	});
});
