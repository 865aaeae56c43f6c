import { createHash } from 'crypto';
import { ApiError } from '../../core/errors';
import type { HandlerRegistry } from '../../core/world';
import type { PveWorld } from '../model';

/**
 * What a freshly installed node answers for its host configuration: `/etc/network/interfaces` as the installer writes
 * it (one bridge `vmbr0` on the first NIC, the second NIC unconfigured; PVE/API2/Network.pm drops `lo`), the
 * resolver, the clock and time zone (PVE/API2/Nodes.pm `time`: `localtime` is the wall clock as epoch), no
 * subscription (PVE/API2/Subscription.pm), and no external metric servers.
 */
function interfaces(world: PveWorld, node: string): Array<Record<string, unknown>> {
	const n = world.cluster.nodes.get(node);
	if (!n) throw new ApiError(500, `no such node '${node}'`);
	const gateway = n.ip.replace(/\.\d+$/, '.1');
	return [
		{ iface: 'eno1', type: 'eth', method: 'manual', method6: 'manual', families: ['inet'], active: 1, exists: 1, priority: 4 },
		{ iface: 'eno2', type: 'eth', method: 'manual', method6: 'manual', families: ['inet'], exists: 1, priority: 5 },
		{ iface: 'vmbr0', type: 'bridge', method: 'static', method6: 'manual', families: ['inet'], active: 1, autostart: 1, priority: 6, address: n.ip, netmask: '24', cidr: `${n.ip}/24`, gateway, bridge_ports: 'eno1', bridge_stp: 'off', bridge_fd: '0' },
	];
}

const TIMEZONE = 'Etc/UTC';

export function registerNodeConfig(reg: HandlerRegistry<PveWorld>): void {
	reg.on('GET', '/nodes/{node}/network', (call) => {
		const filter = call.params.type === undefined ? undefined : String(call.params.type);
		return interfaces(call.world, String(call.params.node)).filter((i) => !filter || i.type === filter || (/^any(_local)?_bridge$/.test(filter) && (i.type === 'bridge' || i.type === 'OVSBridge')));
	});
	reg.on('GET', '/nodes/{node}/network/{iface}', (call) => {
		const found = interfaces(call.world, String(call.params.node)).find((i) => i.iface === call.params.iface);
		if (!found) throw new ApiError(500, `network interface '${call.params.iface}' does not exist`);
		return { ...found, digest: createHash('sha1').update(JSON.stringify(found)).digest('hex') };
	});
	reg.on('GET', '/nodes/{node}/dns', (call) => {
		const n = call.world.cluster.nodes.get(String(call.params.node));
		return { search: 'sim.local', dns1: n ? n.ip.replace(/\.\d+$/, '.1') : '10.0.0.1' };
	});
	reg.on('GET', '/nodes/{node}/time', (call) => {
		const now = call.world.clock.now();
		return { timezone: TIMEZONE, time: now, localtime: now };
	});
	reg.on('GET', '/nodes/{node}/subscription', (call) => {
		const out: Record<string, unknown> = { status: 'notfound', message: 'There is no subscription key', url: 'https://www.proxmox.com/en/proxmox-virtual-environment/pricing' };
		// The server id is only shown with Sys.Audit on the node.
		if (call.world.access.privileges(call.identity.authId, `/nodes/${call.params.node}`).has('Sys.Audit')) {
			out.serverid = createHash('md5').update(`server-${call.params.node}`).digest('hex').toUpperCase();
		}
		return out;
	});
	reg.on('GET', '/cluster/metrics/server', () => []);
}
