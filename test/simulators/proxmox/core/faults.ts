export type FaultKind = 'latency' | 'status' | 'html502' | 'malformedJson' | 'hang' | 'reset' | 'expireTicket';

export interface FaultSpec {
	method?: string;
	/** Regular expression matched against the API path (without `/api2/json`). */
	path?: string;
	kind: FaultKind;
	ms?: number;
	status?: number;
	/** How many requests it applies to; unlimited when absent. */
	times?: number;
	message?: string;
}

interface ActiveFault extends FaultSpec {
	re?: RegExp;
	remaining: number;
}

/** Per-route or global faults, consumed in the order they were injected. */
export class FaultInjector {
	private faults: ActiveFault[] = [];

	inject(spec: FaultSpec): void {
		this.faults.push({ ...spec, re: spec.path ? new RegExp(spec.path) : undefined, remaining: spec.times ?? Infinity });
	}

	clear(): void {
		this.faults = [];
	}

	list(): FaultSpec[] {
		return this.faults.map((f) => ({ method: f.method, path: f.path, kind: f.kind, ms: f.ms, status: f.status, message: f.message, times: Number.isFinite(f.remaining) ? f.remaining : undefined }));
	}

	/** Every fault matching this request (each consumes one of its `times`). */
	take(method: string, path: string): FaultSpec[] {
		const hits: FaultSpec[] = [];
		for (const f of this.faults) {
			if (f.method && f.method.toUpperCase() !== method) continue;
			if (f.re && !f.re.test(path)) continue;
			f.remaining--;
			hits.push(f);
		}
		this.faults = this.faults.filter((f) => f.remaining > 0);
		return hits;
	}
}
