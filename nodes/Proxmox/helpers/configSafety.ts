/**
 * Safety of a guest configuration change, from its parameters (Update Config, and API Call on
 * `/nodes/{node}/{qemu|lxc}/{vmid}/config`). Destructive: removing, replacing or adding a disk or
 * mount point (a replaced disk is detached from the running guest, a deleted `unusedN` volume is
 * destroyed: PVE::QemuServer / PVE::LXC::Config delete the volume), and shrinking memory, swap or
 * CPUs below the current value (or resetting them to the default).
 */
import { truthy } from '../../shared/actions/apiCallSafety';
import type { SafetyVerdict } from '../../shared/aiGuard';
import type { GuestKind } from './guests';

/** qemu drive keys (PVE::QemuServer::Drive) and unused volumes; lxc root and mount points. */
const DISK_KEY: Record<GuestKind, RegExp> = {
	qemu: /^(ide|sata|scsi|virtio|efidisk|tpmstate|unused)\d+$/,
	lxc: /^(rootfs|mp\d+|unused\d+)$/,
};

/** Options whose lower value takes resources away from a running guest. */
const SIZE_KEYS: Record<GuestKind, string[]> = {
	qemu: ['memory', 'balloon', 'cores', 'sockets', 'vcpus'],
	lxc: ['memory', 'swap', 'cores'],
};

export function isDiskKey(kind: GuestKind, key: string): boolean {
	return DISK_KEY[kind].test(key);
}

function listOf(value: unknown): string[] {
	return String(value ?? '')
		.split(/[,;\s\0]+/)
		.map((entry) => entry.trim())
		.filter(Boolean);
}

/** Keys the call would change in a way that needs the current value to judge (`memory` etc.). */
export function sizeKeysOf(kind: GuestKind, params: Record<string, unknown>): string[] {
	return SIZE_KEYS[kind].filter((key) => params[key] !== undefined && params[key] !== '');
}

/** The leading number of a config value (`memory: 2048`, `memory: current=2048` in PVE 9). */
function amount(value: unknown): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const match = /(?:^|=)(\d+(?:\.\d+)?)/.exec(String(value));
	return match ? Number(match[1]) : undefined;
}

/**
 * The verdict for a config change. `current` is the guest's configuration (only needed when
 * `sizeKeysOf` is not empty); without it a size change is judged a write.
 */
export function configChangeSafety(kind: GuestKind, params: Record<string, unknown>, current?: Record<string, unknown>): SafetyVerdict {
	const removed = listOf(params.delete);
	const removedDisks = removed.filter((key) => isDiskKey(kind, key));
	if (removedDisks.length) return { safety: 'destructive', reason: `removes disk(s) ${removedDisks.join(', ')}` };
	const setDisks = Object.keys(params).filter((key) => isDiskKey(kind, key));
	if (setDisks.length) return { safety: 'destructive', reason: `replaces or adds disk(s) ${setDisks.join(', ')}` };
	const resetSizes = removed.filter((key) => SIZE_KEYS[kind].includes(key));
	if (resetSizes.length) return { safety: 'destructive', reason: `resets ${resetSizes.join(', ')} to the default, which may be smaller` };
	if (current) {
		const shrunk = sizeKeysOf(kind, params).filter((key) => {
			const now = amount(current[key]);
			const next = amount(params[key]);
			return now !== undefined && next !== undefined && next < now;
		});
		if (shrunk.length) return { safety: 'destructive', reason: `shrinks ${shrunk.map((key) => `${key} (${amount(current[key])} → ${amount(params[key])})`).join(', ')}` };
	}
	return 'write';
}

/** Create/restore parameters that overwrite an existing guest (`force` with `archive`/`restore`/`ostemplate`). */
export function createSafety(params: Record<string, unknown>): SafetyVerdict {
	if (truthy(params.force)) return { safety: 'destructive', reason: 'force overwrites an existing guest' };
	return 'write';
}

/** A retention setting (`prune-backups`, legacy `maxfiles`) makes the next backup delete older ones. */
export function retentionSafety(params: Record<string, unknown>): SafetyVerdict {
	const keys = ['prune-backups', 'maxfiles'].filter((key) => params[key] !== undefined && params[key] !== '');
	if (keys.length) return { safety: 'destructive', reason: `sets ${keys.join(', ')}, which prunes older backups` };
	return 'write';
}

export { truthy };
