import { ApiError } from '../../core/errors';
import { digestOf, formatSize, type Guest, type GuestConfig } from '../model';
import { checkLock, flag, type PveCall } from './common';

const GiB = 1024 ** 3;
const CONTROL_PARAMS = new Set(['node', 'vmid', 'digest', 'delete', 'revert', 'skiplock', 'background_delay', 'force']);
/** Options a running VM takes at once (fast-plug and hotplug network/disk/usb, PVE's default hotplug set). */
const QEMU_LIVE = /^(name|description|tags|onboot|protection|startup|hookscript|lock|agent|(net|scsi|virtio|sata|usb|unused)\d+)$/;
const LXC_PENDING = /^(ostype|arch|unprivileged|features|rootfs|mp\d+|dev\d+)$/;

export function diskKeys(config: GuestConfig): string[] {
	return Object.keys(config).filter((k) => /^(scsi|virtio|sata|ide|efidisk|tpmstate|mp)\d+$|^rootfs$/.test(k) && !String(config[k]).includes('media=cdrom'));
}

export function splitDeleteList(value: unknown): string[] {
	return String(value ?? '')
		.split(/[\s,;\0]+/)
		.filter(Boolean);
}

/** The privilege each option needs (PVE's check_vm_modify_config_perm). */
function privilegeFor(g: Guest, key: string, value: unknown): string {
	if (/^(cores|sockets|cpu|cpulimit|cpuunits|vcpus|affinity|numa\d*)$/.test(key)) return 'VM.Config.CPU';
	if (/^(memory|balloon|shares|swap)$/.test(key)) return 'VM.Config.Memory';
	if (/^net\d+$/.test(key)) return 'VM.Config.Network';
	if (/^(ciuser|cipassword|ipconfig\d+|nameserver|searchdomain|sshkeys|cicustom|citype|ciupgrade)$/.test(key)) return 'VM.Config.Cloudinit';
	if (/^(ide|sata|scsi)\d+$/.test(key) && String(value ?? g.config[key] ?? '').includes('media=cdrom')) return 'VM.Config.CDROM';
	if (/^(ide|sata|scsi|virtio|efidisk|tpmstate|unused|mp)\d+$|^rootfs$/.test(key)) return 'VM.Config.Disk';
	if (/^(hostpci|usb|serial|parallel|rng|audio|virtiofs)\d*$|^(machine|bios|vga|scsihw|arch|features|dev\d+)$/.test(key)) return 'VM.Config.HWType';
	return 'VM.Config.Options';
}

function goesPending(g: Guest, key: string): boolean {
	if (g.status !== 'running') return false;
	return g.type === 'qemu' ? !QEMU_LIVE.test(key) : LXC_PENDING.test(key);
}

/** PUT/POST .../config: digest check, lock check, delete/revert lists, pending for running guests. */
export function applyConfigChange(call: PveCall, g: Guest): void {
	const w = call.world;
	if (call.params.digest !== undefined && call.params.digest !== digestOf(g.config)) {
		throw new ApiError(500, 'detected modified configuration - file changed by other user? Try again.');
	}
	const have = w.access.privileges(call.identity.authId, `/vms/${g.vmid}`);
	for (const key of [...Object.keys(call.params).filter((k) => !CONTROL_PARAMS.has(k)), ...splitDeleteList(call.params.delete), ...splitDeleteList(call.params.revert)]) {
		const priv = privilegeFor(g, key, call.params[key]);
		if (!have.has(priv)) throw new ApiError(403, `Permission check failed (/vms/${g.vmid}, ${priv})`);
	}
	if (!flag(call.params.skiplock)) checkLock(g);
	if (g.config.template && Object.keys(call.params).some((k) => /^(scsi|virtio|sata|ide)\d+$/.test(k))) throw new ApiError(500, 'you can\'t add a new disk to a template');
	const deletes = splitDeleteList(call.params.delete);
	const reverts = splitDeleteList(call.params.revert);
	const changes = Object.entries(call.params).filter(([k]) => !CONTROL_PARAMS.has(k));
	const errors: Record<string, string> = {};
	for (const key of deletes) if (changes.some(([k]) => k === key)) errors.delete = `cannot set and delete '${key}' at the same time`;
	if (Object.keys(errors).length) throw new ApiError(400, 'Parameter verification failed.', errors);
	for (const key of reverts) {
		delete g.pending[key];
		g.pendingDelete = g.pendingDelete.filter((k) => k !== key);
	}
	for (const key of deletes) {
		if (goesPending(g, key)) {
			if (!g.pendingDelete.includes(key)) g.pendingDelete.push(key);
		} else {
			delete g.config[key];
			delete g.pending[key];
		}
	}
	for (const [key, raw] of changes) {
		let value = Array.isArray(raw) ? raw.join(',') : raw;
		const alloc = /^([a-z][a-z0-9\-_.]*):(\d+(?:\.\d+)?)(,.*)?$/i.exec(String(value));
		if (alloc && /^(scsi|virtio|sata|ide|efidisk|tpmstate|mp)\d+$|^rootfs$/.test(key)) {
			const storage = w.cluster.storages.get(alloc[1]);
			if (!storage) throw new ApiError(500, `storage '${alloc[1]}' does not exist`);
			const idx = w.cluster.volumes.filter((v) => v.vmid === g.vmid).length;
			const size = Number(alloc[2]) * GiB;
			const volname = `vm-${g.vmid}-disk-${idx}`;
			w.cluster.volumes.push({ volid: `${alloc[1]}:${volname}`, storage: alloc[1], node: storage.shared ? undefined : g.node, content: g.type === 'qemu' ? 'images' : 'rootdir', format: 'raw', size, ctime: w.clock.now(), vmid: g.vmid });
			value = `${alloc[1]}:${volname}${alloc[3] ?? ''},size=${formatSize(size)}`;
		}
		if (goesPending(g, key)) g.pending[key] = value;
		else {
			g.config[key] = value;
			delete g.pending[key];
		}
	}
	if (g.type === 'qemu' && 'agent' in g.config && g.status === 'running') {
		// Enabling the agent option on a running VM does not start the agent inside it.
		g.agentRunning = g.agentRunning && String(g.config.agent).startsWith('1');
	}
}
