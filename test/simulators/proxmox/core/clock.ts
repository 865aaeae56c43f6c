/** Simulated wall clock: real time plus an offset that tests advance (ticket expiry, task times, RRD). */
export class SimClock {
	private offsetMs = 0;

	nowMs(): number {
		return Date.now() + this.offsetMs;
	}

	/** Epoch seconds, as Proxmox reports times. */
	now(): number {
		return Math.floor(this.nowMs() / 1000);
	}

	advance(seconds: number): void {
		this.offsetMs += seconds * 1000;
	}
}
