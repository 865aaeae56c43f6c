/**
 * Task identifiers (UPIDs) of Proxmox VE and Proxmox Backup Server. The node named in a UPID is
 * the one to poll for the task's status (pve-common PVE::UPID, proxmox-schema upid.rs).
 */
export interface Upid {
	upid: string;
	product: 'pve' | 'pbs';
	node: string;
	pid: number;
	pstart: number;
	/** PBS only. */
	taskId?: number;
	/** Start time, seconds since the epoch. */
	startTime: number;
	type: string;
	id: string;
	/** User or API token (`user@realm!token`) that started the task. */
	user: string;
}

const NODE = '([a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)';
const PVE_UPID = new RegExp(
	`^UPID:${NODE}:([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\\s/]+):([^:\\s/]*):([^:\\s/]+):$`,
);
const PBS_UPID = new RegExp(
	`^UPID:${NODE}:([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8,16}):([0-9A-Fa-f]{8}):([^:\\s]+):([^:\\s]*):([^:\\s]+):$`,
);

/** Parses a PVE or PBS UPID; returns undefined for anything else. */
export function parseUpid(value: unknown): Upid | undefined {
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	const pve = PVE_UPID.exec(text);
	if (pve) {
		return {
			upid: text,
			product: 'pve',
			node: pve[1],
			pid: parseInt(pve[2], 16),
			pstart: parseInt(pve[3], 16),
			startTime: parseInt(pve[4], 16),
			type: pve[5],
			id: pve[6],
			user: pve[7],
		};
	}
	const pbs = PBS_UPID.exec(text);
	if (pbs) {
		return {
			upid: text,
			product: 'pbs',
			node: pbs[1],
			pid: parseInt(pbs[2], 16),
			pstart: parseInt(pbs[3], 16),
			taskId: parseInt(pbs[4], 16),
			startTime: parseInt(pbs[5], 16),
			type: pbs[6],
			id: pbs[7],
			user: pbs[8],
		};
	}
	return undefined;
}

export function isUpid(value: unknown): value is string {
	return parseUpid(value) !== undefined;
}

/**
 * Task exit status semantics (PVE::UPID / PBS): `OK` and `WARNINGS: N` are success, anything else
 * (`<error message>`, `unexpected status`, `Error: ...`) is a failure.
 */
export function exitStatusIsSuccess(exitStatus: string | undefined): boolean {
	if (!exitStatus) return false;
	return exitStatus === 'OK' || /^WARNINGS: \d+$/.test(exitStatus);
}
