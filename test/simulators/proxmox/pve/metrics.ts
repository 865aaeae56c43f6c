import { noise, storageUsed, type Guest, type PveCluster, type PveNode } from './model';

const GiB = 1024 ** 3;

/** Live guest figures: plausible, smooth over time, deterministic per guest. */
export function guestMetrics(g: Guest, now: number): Record<string, number> {
	const maxmem = g.type === 'qemu' ? Number(String(g.config.memory ?? '512').split(',')[0].replace(/^current=/, '')) * 1024 * 1024 : Number(g.config.memory ?? 512) * 1024 * 1024;
	const maxcpu = Number(g.config.cores ?? 1) * Number(g.config.sockets ?? 1);
	const diskMatch = /size=(\d+)G/.exec(String(g.config.scsi0 ?? g.config.virtio0 ?? g.config.rootfs ?? ''));
	const maxdisk = (diskMatch ? Number(diskMatch[1]) : 8) * GiB;
	if (g.status !== 'running') return { cpu: 0, maxcpu, mem: 0, maxmem, disk: 0, maxdisk, uptime: 0, netin: 0, netout: 0, diskread: 0, diskwrite: 0 };
	const uptime = Math.max(0, now - (g.startedAt ?? now));
	const wave = (period: number, phase: number) => 0.5 + 0.5 * Math.sin((now / period) * 2 * Math.PI + phase);
	const cpu = Math.round((0.02 + 0.25 * wave(900, g.vmid) + 0.05 * noise(g.vmid + Math.floor(now / 10))) * 10000) / 10000;
	const mem = Math.round(maxmem * (0.35 + 0.3 * wave(3600, g.vmid / 7)));
	const rate = 20000 + (g.vmid % 13) * 5000;
	return {
		cpu: g.paused ? 0 : cpu,
		maxcpu,
		mem,
		maxmem,
		disk: g.type === 'lxc' ? Math.round(maxdisk * 0.31) : 0,
		maxdisk,
		uptime,
		netin: uptime * rate,
		netout: Math.round(uptime * rate * 0.6),
		diskread: uptime * 4096 * (2 + (g.vmid % 5)),
		diskwrite: uptime * 4096 * (3 + (g.vmid % 7)),
	};
}

export function nodeMetrics(cluster: PveCluster, n: PveNode, now: number): Record<string, number> {
	const guests = [...cluster.guests.values()].filter((g) => g.node === n.name && g.status === 'running');
	const used = guests.reduce((s, g) => s + guestMetrics(g, now).mem, 0);
	const cpu = Math.min(1, 0.03 + guests.reduce((s, g) => s + guestMetrics(g, now).cpu * guestMetrics(g, now).maxcpu, 0) / n.maxcpu);
	const local = cluster.storages.get('local');
	return {
		cpu: Math.round(cpu * 10000) / 10000,
		maxcpu: n.maxcpu,
		mem: used + 3 * GiB,
		maxmem: n.maxmem,
		disk: local ? storageUsed(cluster, local, n.name) : 10 * GiB,
		maxdisk: local?.total ?? 98 * GiB,
		uptime: now - n.bootedAt,
	};
}

/** Host-side memory of a VM process (PVE 9 `memhost`, the QEMU process's PSS): guest usage plus QEMU's own overhead. */
export function hostMemory(g: Guest, mem: number): number {
	return Math.round(mem * 1.04 + 48 * 1024 ** 2 + (g.vmid % 7) * 1024 ** 2);
}
