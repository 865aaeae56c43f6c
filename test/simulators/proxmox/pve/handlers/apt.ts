import type { HandlerRegistry } from '../../core/world';
import type { PveWorld } from '../model';
import { flag, startTask } from './common';

/** Upgradable packages every node reports once `apt update` ran (the seeded estate has run it). */
function packages(release: string): Array<Record<string, string>> {
	const pve9 = release.startsWith('9');
	const mk = (Package: string, OldVersion: string, Version: string, Origin: string, Section: string, Title: string) => ({ Package, Title, Description: `${Title}.`, OldVersion, Version, Origin, Section, Priority: 'optional', Arch: 'amd64' });
	return [
		mk('pve-manager', pve9 ? '9.1.1' : '8.4.1', pve9 ? '9.1.2' : '8.4.5', 'Proxmox', 'admin', 'Proxmox Virtual Environment Management Tools'),
		mk(pve9 ? 'proxmox-kernel-6.17' : 'proxmox-kernel-6.8', pve9 ? '6.17.2-1' : '6.8.12-9', pve9 ? '6.17.2-2' : '6.8.12-11', 'Proxmox', 'admin', 'Latest Proxmox Kernel Image'),
		mk('openssl', '3.5.1-1', '3.5.1-1+deb13u1', 'Debian', 'utils', 'Secure Sockets Layer toolkit - cryptographic utility'),
	];
}

export function registerApt(reg: HandlerRegistry<PveWorld>): void {
	reg.on('GET', '/nodes/{node}/apt/update', (call) => packages(call.world.cluster.version.release));
	reg.on('POST', '/nodes/{node}/apt/update', (call) => {
		const node = String(call.params.node);
		return startTask(call, 'aptupdate', '', async (ctx) => {
			ctx.log('starting apt-get update');
			ctx.log(`Hit:1 http://deb.debian.org/debian ${call.world.cluster.version.release.startsWith('9') ? 'trixie' : 'bookworm'} InRelease`);
			await ctx.sleep(2000);
			ctx.log('Reading package lists...');
			const list = packages(call.world.cluster.version.release);
			if (flag(call.params.notify)) {
				ctx.log('send notification for new packages');
				void call.world.notify.emit({
					title: `New software packages available (${node}.sim.local)`,
					message: `The following updates are available:\n\n${list.map((p) => `${p.Package}: ${p.OldVersion} -> ${p.Version}`).join('\n')}\n`,
					severity: 'info',
					timestamp: call.world.clock.now(),
					fields: { type: 'package-updates', hostname: node },
				});
			}
		});
	});
}
