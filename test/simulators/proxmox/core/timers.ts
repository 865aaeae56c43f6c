/** Tracks every timer a simulator starts so close() leaves nothing behind (jest must exit cleanly). */
export class Timers {
	private readonly handles = new Set<NodeJS.Timeout>();
	private closed = false;
	/** While held, `after` callbacks that come due wait here (in due order) until release. */
	private held: Array<() => void> | null = null;

	after(ms: number, fn: () => void): NodeJS.Timeout | undefined {
		if (this.closed) return undefined;
		const handle = setTimeout(() => {
			this.handles.delete(handle);
			if (this.held) this.held.push(fn);
			else fn();
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

	/**
	 * Holds the world's scheduled reactions (HA restarts, fencing, task steps) so a test can look at
	 * the state between an event and the reaction, however slow the machine; the returned function
	 * releases them, running those that came due meanwhile.
	 */
	hold(): () => void {
		this.held ??= [];
		return () => {
			const due = this.held ?? [];
			this.held = null;
			for (const fn of due) if (!this.closed) fn();
		};
	}

	close(): void {
		this.closed = true;
		this.held = null;
		for (const h of this.handles) {
			clearTimeout(h);
			clearInterval(h);
		}
		this.handles.clear();
	}
}
