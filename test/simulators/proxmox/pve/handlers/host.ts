import { ApiError } from '../../core/errors';
import type { HandlerRegistry } from '../../core/world';
import type { PveWorld } from '../model';
import { startTask } from './common';

/** Two NVMe disks per node: one for the system (LVM), one for guests (ZFS-free thin pool). */
function disks(node: string): Array<Record<string, unknown>> {
	const serial = (i: number) => `S6S1NS0T${node.toUpperCase()}${i}0000`;
	return [0, 1].map((i) => ({
		devpath: `/dev/nvme${i}n1`,
		type: 'nvme',
		size: (i ? 1920 : 480) * 1000 ** 3,
		model: i ? 'SAMSUNG MZQL21T9HCJR-00A07' : 'SAMSUNG MZQL2480HCJR-00A07',
		serial: serial(i),
		vendor: 'unknown',
		wwn: `eui.36344830${i}2345${node.length}0025384${i}00000001`,
		health: 'PASSED',
		wearout: i ? 97 : 99,
		used: i ? 'LVM' : 'BIOS boot',
		gpt: 1,
		mounted: 0,
		rpm: 0,
		osdid: -1,
		'osdid-list': null,
		by_id_link: `/dev/disk/by-id/nvme-${i ? 'SAMSUNG_MZQL21T9HCJR-00A07' : 'SAMSUNG_MZQL2480HCJR-00A07'}_${serial(i)}`,
	}));
}

const SERVICES: Array<[string, string]> = [
	['pveproxy', 'PVE API Proxy Server'],
	['pvedaemon', 'PVE API Daemon'],
	['pvestatd', 'PVE Status Daemon'],
	['pve-cluster', 'The Proxmox VE cluster filesystem'],
	['corosync', 'Corosync Cluster Engine'],
	['pve-ha-crm', 'PVE Cluster HA Resource Manager Daemon'],
	['pve-ha-lrm', 'PVE Local HA Resource Manager Daemon'],
	['pvescheduler', 'Proxmox VE scheduler'],
	['pve-firewall', 'Proxmox VE firewall'],
	['chrony', 'chrony, an NTP client/server'],
	['sshd', 'OpenBSD Secure Shell server'],
	['postfix', 'Postfix Mail Transport Agent (instance -)'],
	['systemd-journald', 'Journal Service'],
	['cron', 'Regular background program processing daemon'],
];

export function registerHost(reg: HandlerRegistry<PveWorld>): void {
	// Both disks are in use, so the `unused` filter lists none.
	reg.on('GET', '/nodes/{node}/disks/list', (call) => (call.params.type === 'unused' ? [] : disks(String(call.params.node))));
	reg.on('GET', '/nodes/{node}/disks/smart', (call) => {
		const disk = disks(String(call.params.node)).find((d) => d.devpath === call.params.disk);
		if (!disk) throw new ApiError(500, `disk '${call.params.disk}' not found`);
		if (call.params.healthonly === 1) return { health: 'PASSED', type: 'text' };
		return { health: 'PASSED', type: 'text', text: `SMART/Health Information (NVMe Log 0x02)\nCritical Warning:                   0x00\nTemperature:                        38 Celsius\nAvailable Spare:                    100%\nPercentage Used:                    ${100 - Number(disk.wearout)}%\nData Units Read:                    123,456,789 [63.2 TB]\nPower On Hours:                     8,760\nUnsafe Shutdowns:                   12\nMedia and Data Integrity Errors:    0\n` };
	});
	reg.on('GET', '/nodes/{node}/services', () => SERVICES.map(([service, desc]) => ({ service, name: service, desc, state: 'running', 'active-state': 'active', 'unit-state': 'enabled' })));
	for (const action of ['start', 'stop', 'restart', 'reload'] as const) {
		reg.on('POST', `/nodes/{node}/services/{service}/${action}`, (call) =>
			startTask(call, `srv${action}`, String(call.params.service), async (ctx) => {
				await ctx.sleep(action === 'restart' ? 1000 : 500);
			}),
		);
	}
	reg.on('GET', '/cluster/backup-info/not-backed-up', (call) => {
		const { cluster } = call.world;
		const jobs = [...cluster.backupJobs.values()].filter((j) => j.enabled !== 0);
		const covered = (vmid: number, node: string) =>
			jobs.some((j) => {
				if (j.node && j.node !== node) return false;
				if (j.all) return !String(j.exclude ?? '').split(',').includes(String(vmid));
				return String(j.vmid ?? '').split(',').includes(String(vmid));
			});
		return [...cluster.guests.values()]
			.filter((g) => !g.config.template && !covered(g.vmid, g.node))
			.map((g) => ({ vmid: g.vmid, type: g.type, name: String(g.config.name ?? g.config.hostname ?? '') }));
	});
	reg.on('GET', '/nodes/{node}/storage/{storage}/rrddata', (call) => {
		const s = call.world.cluster.storages.get(String(call.params.storage));
		if (!s) throw new ApiError(500, `storage '${call.params.storage}' does not exist`);
		const steps: Record<string, number> = { hour: 60, day: 1800, week: 10800, month: 43200, year: 604800, decade: 6048000 };
		const step = steps[String(call.params.timeframe)];
		const now = call.world.clock.now();
		const end = now - (now % step);
		const used = Math.min(s.total, Math.round(s.total * 0.3 + (s.filler['*'] ?? s.filler[String(call.params.node)] ?? 0)));
		return Array.from({ length: 70 }, (_, i) => ({ time: end - (69 - i) * step, total: s.total, used: Math.round(used * (0.95 + (i / 69) * 0.05)) }));
	});
}
