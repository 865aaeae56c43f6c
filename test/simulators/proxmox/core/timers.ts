/** Tracks every timer a simulator starts so close() leaves nothing behind (jest must exit cleanly). */
export class Timers {
	private readonly handles = new Set<NodeJS.Timeout>();
	private closed = false;

	after(ms: number, fn: () => void): NodeJS.Timeout | undefined {
		if (this.closed) return undefined;
		const handle = setTimeout(() => {
			this.handles.delete(handle);
			fn();
		}, Math.max(0, ms));
		this.handles.add(handle);
		return handle;
	}

	every(ms: number, fn: () => void): NodeJS.Timeout | undefined {
		if (this.closed) return undefined;
		const handle = setInterval(fn, ms);
		handle.unref?.();
		this.handles.add(handle);
		return handle;
	}

	cancel(handle: NodeJS.Timeout | undefined): void {
		if (!handle) return;
		clearTimeout(handle);
		clearInterval(handle);
		this.handles.delete(handle);
	}

	sleep(ms: number): Promise<void> {
		return new Promise((resolve) => {
			if (!this.after(ms, resolve)) resolve();
		});
	}

	close(): void {
		this.closed = true;
		for (const h of this.handles) {
			clearTimeout(h);
			clearInterval(h);
		}
		this.handles.clear();
	}
}
