export interface IntakeOptions {
	/** Datagrams held at most before they are processed. */
	maxItems: number;
	/** Payload bytes held at most. */
	maxBytes: number;
	/** Datagrams parsed in a turn of the event loop in which new ones arrived (the socket is busy). */
	perBusyTurn: number;
	/** Datagrams parsed in a turn in which none arrived (catching up after the burst). */
	perIdleTurn: number;
}

interface Pending {
	bytes: Buffer;
	address: string;
	port: number;
}

/**
 * Takes datagrams off the UDP socket at once and parses them one per event-loop turn while more
 * keep arriving, so during a burst the loop spends its time emptying the kernel's receive buffer
 * (where excess is lost uncounted), and many per turn once the burst is over. Bounded: when full, datagrams are processed as they come,
 * which slows reading back to the pipeline's own pace instead of dropping anything here.
 */
export class UdpIntake {
	private items: Pending[] = [];
	private head = 0;
	private bytes = 0;
	private scheduled: NodeJS.Immediate | undefined;
	private closed = false;
	private arrived = 0;

	constructor(
		private readonly options: IntakeOptions,
		private readonly process: (bytes: Buffer, address: string, port: number) => void,
	) {}

	/** Datagrams read but not processed yet. */
	get pending(): number {
		return this.items.length - this.head;
	}

	push(bytes: Buffer, address: string, port: number): void {
		if (this.closed) return;
		if (this.pending >= this.options.maxItems || this.bytes + bytes.length > this.options.maxBytes) {
			// Full: keep the order, make room by processing the oldest first.
			this.drain(1);
			if (this.pending >= this.options.maxItems || this.bytes + bytes.length > this.options.maxBytes) {
				this.process(bytes, address, port);
				return;
			}
		}
		this.items.push({ bytes, address, port });
		this.bytes += bytes.length;
		this.arrived++;
		this.schedule();
	}

	close(): void {
		this.closed = true;
		if (this.scheduled) clearImmediate(this.scheduled);
		this.scheduled = undefined;
		this.items = [];
		this.head = 0;
		this.bytes = 0;
	}

	private schedule(): void {
		if (this.scheduled || this.closed) return;
		this.scheduled = setImmediate(() => {
			this.scheduled = undefined;
			// libuv reads up to 32 datagrams per turn: while they keep coming, reading gets the turn.
			const busy = this.arrived > 0;
			this.arrived = 0;
			this.drain(busy ? this.options.perBusyTurn : this.options.perIdleTurn);
			if (this.pending > 0) this.schedule();
		});
	}

	private drain(count: number): void {
		for (let n = 0; n < count && this.head < this.items.length && !this.closed; n++) {
			const item = this.items[this.head];
			this.items[this.head++] = undefined as unknown as Pending;
			this.bytes -= item.bytes.length;
			this.process(item.bytes, item.address, item.port);
		}
		if (this.head === this.items.length) {
			this.items = [];
			this.head = 0;
		} else if (this.head > 4096 && this.head * 2 > this.items.length) {
			this.items = this.items.slice(this.head);
			this.head = 0;
		}
	}
}
