import { UdpIntake } from '../../../nodes/SyslogTrigger/floodGuard/intake';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('UdpIntake', () => {
	it('reads a burst at once, parses one per turn while datagrams arrive and more once they stop, in order', async () => {
		const processed: string[] = [];
		const intake = new UdpIntake({ maxItems: 1000, maxBytes: 1e9, perBusyTurn: 1, perIdleTurn: 8 }, (bytes) => processed.push(bytes.toString()));
		for (let i = 0; i < 100; i++) intake.push(Buffer.from(`m${i}`), '127.0.0.1', 514);
		// Nothing is parsed while the burst is being read.
		expect(processed).toEqual([]);
		expect(intake.pending).toBe(100);
		// Datagrams arrived before this turn: reading keeps priority, one is parsed.
		await nextTurn();
		expect(processed).toHaveLength(1);
		// None arrived since: the intake catches up eight per turn.
		await nextTurn();
		expect(processed).toHaveLength(9);
		while (intake.pending > 0) await nextTurn();
		expect(processed).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
		intake.close();
	});

	it('is bounded by count and bytes: when full it processes the oldest first and loses nothing', async () => {
		const processed: string[] = [];
		const intake = new UdpIntake({ maxItems: 10, maxBytes: 1e9, perBusyTurn: 1, perIdleTurn: 8 }, (bytes) => processed.push(bytes.toString()));
		for (let i = 0; i < 25; i++) intake.push(Buffer.from(`m${i}`), '127.0.0.1', 514);
		expect(intake.pending).toBe(10);
		expect(processed).toEqual(Array.from({ length: 15 }, (_, i) => `m${i}`));
		while (intake.pending > 0) await nextTurn();
		expect(processed).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`));

		const bytes: number[] = [];
		const bounded = new UdpIntake({ maxItems: 1000, maxBytes: 3000, perBusyTurn: 1, perIdleTurn: 8 }, (payload) => bytes.push(payload.length));
		for (let i = 0; i < 10; i++) bounded.push(Buffer.alloc(1000), '127.0.0.1', 514);
		expect(bounded.pending).toBe(3);
		expect(bytes).toHaveLength(7);
		bounded.close();
		expect(bounded.pending).toBe(0);
	});

	it('passes the sender through and stops on close', async () => {
		const seen: Array<[string, number]> = [];
		const intake = new UdpIntake({ maxItems: 10, maxBytes: 1e9, perBusyTurn: 1, perIdleTurn: 8 }, (_bytes, address, port) => seen.push([address, port]));
		intake.push(Buffer.from('a'), '192.0.2.1', 40000);
		await nextTurn();
		expect(seen).toEqual([['192.0.2.1', 40000]]);
		intake.push(Buffer.from('b'), '192.0.2.1', 40000);
		intake.close();
		intake.push(Buffer.from('c'), '192.0.2.1', 40000);
		await nextTurn();
		expect(seen).toHaveLength(1);
	});
});
