/**
 * TCP framing (RFC 6587), chosen per frame as rsyslog does: a frame starting with a digit is
 * octet-counted (`LEN SP MSG`), anything else ends at LF (or NUL). Memory per connection stays
 * below `maxMessageBytes` plus one chunk: bytes past the limit are skipped, and the message is
 * flagged as truncated.
 */

export interface Frame {
	bytes: Buffer;
	truncated: boolean;
}

const MAX_LENGTH_DIGITS = 10;

type State = 'start' | 'length' | 'octets' | 'line';

export class FrameDecoder {
	private state: State = 'start';
	private parts: Buffer[] = [];
	private kept = 0;
	private truncated = false;
	private lengthDigits = '';
	private remaining = 0;
	/** Bytes not decoded yet because the consumer asked to stop (at most one chunk). */
	private held: Buffer | null = null;

	constructor(
		private readonly maxMessageBytes: number,
		private readonly onFrame: (frame: Frame) => void,
		/** Checked after each frame: true stops decoding until resume(), keeping the rest of the chunk. */
		private readonly blocked: () => boolean = () => false,
	) {}

	/** Decodes what was held back while blocked. */
	resume(): void {
		const held = this.held;
		this.held = null;
		if (held) this.decode(held, true);
	}

	/** Bytes of the frame in progress (for tests and stats). */
	get bufferedBytes(): number {
		return this.kept + (this.held?.length ?? 0);
	}

	push(chunk: Buffer): void {
		this.decode(chunk, true);
	}

	private decode(chunk: Buffer, honourBlock: boolean): void {
		if (this.held) {
			chunk = Buffer.concat([this.held, chunk]);
			this.held = null;
		}
		let at = 0;
		while (at < chunk.length) {
			if (honourBlock && this.state === 'start' && this.blocked()) {
				this.held = Buffer.from(chunk.subarray(at));
				return;
			}
			switch (this.state) {
				case 'start': {
					const code = chunk[at];
					// A leading space (Cisco), stray CR/LF and NUL between frames are skipped.
					if (code === 32 || code === 10 || code === 13 || code === 0) {
						at++;
					} else if (code >= 49 && code <= 57) {
						this.state = 'length';
						this.lengthDigits = '';
					} else {
						this.state = 'line';
					}
					break;
				}
				case 'length': {
					const code = chunk[at];
					if (code >= 48 && code <= 57 && this.lengthDigits.length < MAX_LENGTH_DIGITS) {
						this.lengthDigits += String.fromCharCode(code);
						at++;
					} else if (code === 32) {
						at++;
						this.remaining = Number(this.lengthDigits);
						this.state = 'octets';
					} else {
						// Not `LEN SP`: the digits begin an LF-framed message.
						this.keep(Buffer.from(this.lengthDigits, 'latin1'));
						this.state = 'line';
					}
					break;
				}
				case 'octets': {
					const take = Math.min(this.remaining, chunk.length - at);
					this.keep(chunk.subarray(at, at + take));
					at += take;
					this.remaining -= take;
					if (this.remaining === 0) this.finish(true);
					break;
				}
				case 'line': {
					let end = chunk.indexOf(10, at);
					if (end === -1) end = chunk.length;
					const nul = chunk.subarray(at, end).indexOf(0);
					if (nul !== -1) end = at + nul;
					this.keep(chunk.subarray(at, end));
					if (end < chunk.length) {
						this.finish(false);
						at = end + 1;
					} else {
						at = end;
					}
					break;
				}
			}
		}
	}

	/** The connection ended: a partial frame is delivered, flagged as truncated when it was cut short. */
	end(): void {
		const held = this.held;
		this.held = null;
		// Nothing can wait any more: decode what was held back.
		if (held) this.decode(held, false);
		if (this.state === 'line') {
			this.finish(false);
		} else if (this.state === 'octets') {
			this.truncated = true;
			this.finish(true);
		} else if (this.state === 'length') {
			this.keep(Buffer.from(this.lengthDigits, 'latin1'));
			this.finish(false);
		}
		this.reset();
	}

	private keep(bytes: Buffer): void {
		const room = this.maxMessageBytes - this.kept;
		if (bytes.length > room) {
			this.truncated = true;
			if (room <= 0) return;
			bytes = bytes.subarray(0, room);
		}
		if (bytes.length === 0) return;
		// Copy: the chunk's memory would otherwise stay referenced by a long-lived frame.
		this.parts.push(Buffer.from(bytes));
		this.kept += bytes.length;
	}

	private finish(octetCounted: boolean): void {
		let bytes = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.kept);
		if (bytes.length > 0 && bytes[bytes.length - 1] === 10 && octetCounted) {
			// rsyslog counts its template's trailing LF in the octet count.
			bytes = bytes.subarray(0, bytes.length - 1);
		}
		if (bytes.length > 0 && bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1);
		const truncated = this.truncated;
		this.reset();
		if (bytes.length > 0 || octetCounted) this.onFrame({ bytes, truncated });
	}

	private reset(): void {
		this.state = 'start';
		this.parts = [];
		this.kept = 0;
		this.truncated = false;
		this.lengthDigits = '';
		this.remaining = 0;
	}
}
