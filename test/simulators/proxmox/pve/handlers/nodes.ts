import { ApiError, Reply } from '../../core/errors';
import type { HandlerRegistry } from '../../core/world';
import type { PveWorld } from '../model';
import { nodeMetrics } from '../metrics';
import { rrdSeries } from '../rrd';
import { requireGuest } from './common';
import { X509Certificate } from 'crypto';

const GiB = 1024 ** 3;

function certInfo(filename: string, pem: string): Record<string, unknown> {
	const c = new X509Certificate(pem);
	return {
		filename,
		fingerprint: c.fingerprint256.toUpperCase(),
		subject: c.subject.split('\n').reverse().join(', '),
		issuer: c.issuer.split('\n').reverse().join(', '),
		notbefore: Math.floor(new Date(c.validFrom).getTime() / 1000),
		notafter: Math.floor(new Date(c.validTo).getTime() / 1000),
		'public-key-type': 'rsaEncryption',
		'public-key-bits': 2048,
		san: (c.subjectAltName ?? '').split(', ').map((s) => s.replace(/^(DNS|IP Address):/, '')),
		pem,
	};
}

export function registerNodes(reg: HandlerRegistry<PveWorld>): void {
	reg.on('GET', '/nodes', (call) => {
		const now = call.world.clock.now();
		return [...call.world.cluster.nodes.values()]
			.map((n) => {
				const base = { node: n.name, id: `node/${n.name}`, type: 'node', level: '', ssl_fingerprint: call.world.fingerprint, status: n.online ? 'online' : 'offline' };
				return n.online ? { ...base, ...nodeMetrics(call.world.cluster, n, now) } : base;
			});
	});
	reg.on('GET', '/nodes/{node}/status', (call) => {
		const n = call.world.cluster.nodes.get(String(call.params.node));
		if (!n) throw new ApiError(500, `no such node`);
		const m = nodeMetrics(call.world.cluster, n, call.world.clock.now());
		const kernel = call.world.cluster.version.release.startsWith('9') ? '6.17.2-1-pve' : '6.8.12-9-pve';
		return {
			uptime: m.uptime,
			cpu: m.cpu,
			wait: 0.0012,
			idle: 0,
			loadavg: [(m.cpu * 16).toFixed(2), (m.cpu * 15).toFixed(2), (m.cpu * 14).toFixed(2)],
			cpuinfo: { model: 'AMD EPYC 7313P 16-Core Processor', sockets: 1, cores: 16, cpus: n.maxcpu, mhz: '3000.000', hvm: '1', flags: 'fpu vme de pse tsc msr pae mce', user_hz: 100 },
			memory: { total: m.maxmem, used: m.mem, free: m.maxmem - m.mem, available: m.maxmem - m.mem },
			swap: { total: 8 * GiB, used: 0, free: 8 * GiB },
			rootfs: { total: m.maxdisk, used: m.disk, free: m.maxdisk - m.disk, avail: m.maxdisk - m.disk },
			ksm: { shared: 0 },
			kversion: `Linux ${kernel} #1 SMP PREEMPT_DYNAMIC PMX ${kernel} (2025-11-10T10:00Z)`,
			'current-kernel': { sysname: 'Linux', release: kernel, version: `#1 SMP PREEMPT_DYNAMIC PMX ${kernel}`, machine: 'x86_64' },
			pveversion: `pve-manager/${call.world.cluster.version.version}/${call.world.cluster.version.repoid}`,
			'boot-info': { mode: 'efi', secureboot: 0 },
		};
	});
	reg.on('GET', '/nodes/{node}/version', (call) => ({ ...call.world.cluster.version }));
	reg.on('GET', '/nodes/{node}/rrddata', (call) => rrdSeries(call.world, 'node', String(call.params.node), String(call.params.timeframe), String(call.params.cf ?? 'AVERAGE')));
	for (const type of ['qemu', 'lxc']) {
		reg.on('GET', `/nodes/{node}/${type}/{vmid}/rrddata`, (call) => {
			const g = requireGuest(call);
			return rrdSeries(call.world, 'guest', String(g.vmid), String(call.params.timeframe), String(call.params.cf ?? 'AVERAGE'), g);
		});
	}
	reg.on('GET', '/nodes/{node}/certificates/info', (call) => [certInfo('pve-root-ca.pem', call.world.caPem), certInfo('pve-ssl.pem', call.world.certPem)]);
	reg.on('GET', '/nodes/{node}/journal', (call) => {
		const lines = (call.world.cluster.syslog.get(String(call.params.node)) ?? []).filter((l) => (call.params.since === undefined || l.time >= Number(call.params.since)) && (call.params.until === undefined || l.time <= Number(call.params.until)));
		const last = Number(call.params.lastentries ?? 0);
		return (last ? lines.slice(-last) : lines).map((l) => l.t);
	});
	reg.on('GET', '/nodes/{node}/syslog', (call) => {
		const lines = (call.world.cluster.syslog.get(String(call.params.node)) ?? []).filter((l) => (call.params.since === undefined || l.time >= Date.parse(String(call.params.since)) / 1000) && (call.params.until === undefined || l.time <= Date.parse(String(call.params.until)) / 1000));
		const start = Number(call.params.start ?? 0);
		const limit = Number(call.params.limit ?? 50);
		return new Reply(lines.slice(start, start + limit).map((l) => ({ n: l.n, t: l.t })), { total: lines.length });
	});
}
