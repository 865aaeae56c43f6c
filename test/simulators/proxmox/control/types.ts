import type { FaultSpec } from '../core/faults';

export interface SyslogTarget {
	host: string;
	port: number;
	transport: 'udp' | 'tcp';
}

/** Levers tests and the demo pull on the simulated world (in process, or over `/_sim/control/<op>`). */
export interface SimulatorControl {
	createUser(user: string, password?: string): void;
	createToken(user: string, id: string, opts?: { privsep?: boolean; acl?: Array<{ path: string; roleid: string }>; secret?: string }): { tokenid: string; secret: string };
	setAcl(path: string, roleid: string, ugid: string): void;
	takeNodeOffline(node: string): void;
	bringNodeOnline(node: string): void;
	stopGuestUnexpectedly(vmid: number): void;
	/** PVE: a guest's vmid or 'all'. PBS: a datastore name or 'all' (next gc/verify/prune/sync there). */
	failNextBackup(target: number | string, message: string): void;
	fillStorage(node: string, storage: string, percent: number): void;
	lockGuest(vmid: number, lock: string | null): void;
	injectFault(spec: FaultSpec): void;
	clearFaults(): void;
	advanceClock(seconds: number): void;
	emitSyslog(opts: { node: string; target: SyslogTarget; lines: string[]; facility?: number; severity?: number }): Promise<void>;
	refreshStats(): void;
	/** Forwards every journal line of the PVE nodes to a syslog receiver from now on, like rsyslog (null stops). */
	forwardSyslog(target: SyslogTarget | null): void;
	/** The guest agent inside a running VM starts or stops answering. */
	setAgentRunning(vmid: number, running: boolean): void;
	/** The next task of that type (and worker id) fails with the message as its exit status. */
	failNextTask(spec: { type?: string; id?: string; message: string }): void;
	/** Runs a backup job now, as the scheduler would (job-id set in notifications). */
	runBackupJob(id: string): string[];
	/** Sends a notification event through matchers and targets (package-updates, fencing, replication...). */
	emitNotification(event: { type: string; severity?: 'info' | 'notice' | 'warning' | 'error' | 'unknown'; title?: string; message?: string; fields?: Record<string, string> }): Promise<void>;
	/** API requests answered since the start or the last reset, by `METHOD /path`. */
	requestCounts(): Record<string, number>;
	resetRequestCounts(): void;
	getState(): Record<string, unknown>;
	/** Holds scheduled reactions (HA, fencing, task steps) until the returned function is called; see Timers.hold. */
	holdTimers(): () => void;
}
