/** Splits a byte stream into UTF-8 lines (LF or CRLF), bounded so a line without end cannot grow forever. */
export class LineSplitter {
	private pending = '';
	private readonly decoder = new TextDecoder('utf-8');

	constructor(
		private readonly onLine: (line: string) => void,
		private readonly maxLineBytes = 1024 * 1024,
	) {}

	push(chunk: Uint8Array): void {
		this.pending += this.decoder.decode(chunk, { stream: true });
		let index: number;
		while ((index = this.pending.indexOf('\n')) >= 0) {
			const line = this.pending.slice(0, index).replace(/\r$/, '');
			this.pending = this.pending.slice(index + 1);
			if (line.length > 0) this.onLine(line);
		}
		if (this.pending.length > this.maxLineBytes) {
			throw new Error(`A stream line exceeded ${this.maxLineBytes} bytes`);
		}
	}

	/** Emits a last line that had no newline (end of stream). */
	end(): void {
		this.pending += this.decoder.decode();
		const line = this.pending.replace(/\r$/, '');
		this.pending = '';
		if (line.length > 0) this.onLine(line);
	}
}
