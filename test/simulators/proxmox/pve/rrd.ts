import { ApiError } from '../core/errors';
import { noise, type Guest, type PveWorld } from './model';
import { guestMetrics, nodeMetrics } from './metrics';

/** rrdcached resolutions: 70 rows per timeframe, like the PVE graphs. */
const STEPS: Record<string, number> = { hour: 60, day: 1800, week: 10800, month: 43200, year: 604800, decade: 6048000 };
const GiB = 1024 ** 3;

export function rrdSeries(world: PveWorld, kind: 'node' | 'guest', key: string, timeframe: string, cf: string, guest?: Guest): Array<Record<string, number>> {
	const step = STEPS[timeframe];
	if (!step) throw new ApiError(400, `invalid timeframe '${timeframe}'`);
	const now = world.clock.now();
	const end = now - (now % step);
	const seed = [...key].reduce((s, c) => s + c.charCodeAt(0), 0);
	const pve9 = world.opts.schema === 'pve9';
	const out: Array<Record<string, number>> = [];
	for (let i = 69; i >= 0; i--) {
		const time = end - i * step;
		// Daily rhythm plus per-sample jitter; MAX sits a little above AVERAGE.
		const daily = 0.5 + 0.45 * Math.sin(((time % 86400) / 86400) * 2 * Math.PI - Math.PI / 2);
		const jitter = noise(seed + time / step);
		const boost = cf === 'MAX' ? 1.25 : 1;
		if (kind === 'node') {
			const n = world.cluster.nodes.get(key);
			if (!n) continue;
			const m = nodeMetrics(world.cluster, n, now);
			const memused = m.mem * (0.9 + 0.1 * daily);
			// pve2-node (PVE 8) columns; pve-node-9.0 adds memavailable, arcsize and the host pressure figures (pvestatd.pm).
			const row: Record<string, number> = { time, cpu: Math.min(1, (0.05 + 0.3 * daily + 0.05 * jitter) * boost), maxcpu: n.maxcpu, iowait: 0.002 * jitter, loadavg: (0.5 + 4 * daily) * boost, memtotal: n.maxmem, memused, swaptotal: 8 * GiB, swapused: 0, roottotal: m.maxdisk, rootused: m.disk, netin: (200000 + 800000 * daily * jitter) * boost, netout: (150000 + 500000 * daily * jitter) * boost };
			if (pve9) Object.assign(row, { memavailable: n.maxmem - memused - 1.5 * GiB, arcsize: 0, pressurecpusome: 0.4 * daily * jitter * boost, pressureiosome: 0.05 + 0.3 * jitter, pressureiofull: (0.04 + 0.25 * jitter) * boost, pressurememorysome: 0.01 * jitter, pressurememoryfull: 0.005 * jitter });
			out.push(row);
			continue;
		}
		const g = guest as Guest;
		const m = guestMetrics(g, now);
		if (g.status !== 'running') {
			// A stopped guest's rows carry only the configured maxima (and disk for containers): pvestatd writes undef for the rest.
			out.push({ time, maxcpu: m.maxcpu, maxmem: m.maxmem, maxdisk: m.maxdisk, disk: m.disk });
			continue;
		}
		const mem = m.maxmem * (0.3 + 0.4 * daily);
		const row: Record<string, number> = { time, cpu: Math.min(1, (0.02 + 0.4 * daily * jitter) * boost), maxcpu: m.maxcpu, mem, maxmem: m.maxmem, disk: m.disk, maxdisk: m.maxdisk, diskread: 40000 * jitter * boost, diskwrite: 90000 * daily * boost, netin: 30000 * daily * boost, netout: 20000 * daily * jitter * boost };
		if (pve9) {
			// pve-vm-9.0: memhost (qemu only; undef for containers) and the cgroup pressure figures.
			if (g.type === 'qemu') row.memhost = mem * 1.04 + 48 * 1024 ** 2;
			Object.assign(row, { pressurecpusome: 2 * daily * jitter * boost, pressurecpufull: 0.8 * daily * jitter * boost, pressureiosome: 0.3 * jitter, pressureiofull: 0.25 * jitter, pressurememorysome: 0.02 * jitter * daily, pressurememoryfull: 0.01 * jitter * daily });
		}
		out.push(row);
	}
	return out;
}
