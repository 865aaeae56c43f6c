import { ApiError } from '../../core/errors';
import { guestLabel, type Guest, type PveWorld } from '../model';
import { checkLock, flag, prefix, requireGuest, startTask, type PveCall } from './common';

/** Running state of a guest; a fresh start applies pending config, as a new QEMU/LXC process does. */
export function setRunning(w: PveWorld, g: Guest, running: boolean): void {
	const now = w.clock.now();
	if (running) {
		g.status = 'running';
		g.paused = false;
		g.startedAt = now;
		g.pid = 10000 + Math.floor(Math.random() * 50000);
		g.agentRunning = g.type === 'qemu' && String(g.config.agent ?? '0').split(',')[0].replace('enabled=', '') === '1';
		// Pending changes take effect on a fresh start.
		Object.assign(g.config, g.pending);
		for (const k of g.pendingDelete) delete g.config[k];
		g.pending = {};
		g.pendingDelete = [];
	} else {
		g.status = 'stopped';
		g.paused = false;
		g.startedAt = undefined;
		g.pid = undefined;
		g.agentRunning = false;
	}
}

/** start/stop/shutdown/reboot/reset/suspend/resume as worker tasks with pveproxy's synchronous checks. */
export function powerAction(action: string) {
	return (call: PveCall) => {
		const g = requireGuest(call);
		const w = call.world;
		const label = guestLabel(g);
		const skipLock = flag(call.params.skiplock);
		if (!skipLock) checkLock(g);
		if (['shutdown', 'reboot', 'reset', 'suspend'].includes(action) && g.status !== 'running') throw new ApiError(500, `${label} not running`);
		if (action === 'resume' && !(g.status === 'running' && g.paused)) throw new ApiError(500, `${label} not running`);
		const type = `${prefix(g)}${action === 'shutdown' ? 'shutdown' : action}`;
		return startTask(call, type, String(g.vmid), async (ctx) => {
			if (action === 'start') {
				if (g.config.template) throw new Error("you can't start a vm if it's a template");
				if (g.status === 'running') throw new Error(`${label} already running`);
				await ctx.sleep(1500);
				setRunning(w, g, true);
				if (g.type === 'qemu') ctx.log(`generating cloud-init ISO`.length && g.config.ciuser ? 'generating cloud-init ISO' : `start ${label}`);
				return;
			}
			if (action === 'stop') {
				if (g.status !== 'running') return;
				await ctx.sleep(500);
				setRunning(w, g, false);
				return;
			}
			if (action === 'shutdown') {
				const timeout = Number(call.params.timeout ?? 180);
				await ctx.sleep(Math.min(3000, timeout * 1000));
				if (g.type === 'qemu' && !g.agentRunning && !g.config.acpi && g.config.ostype === 'win11') ctx.log('waiting for ACPI shutdown');
				setRunning(w, g, false);
				return;
			}
			if (action === 'reboot' || action === 'reset') {
				await ctx.sleep(action === 'reboot' ? 3000 : 300);
				setRunning(w, g, false);
				setRunning(w, g, true);
				return;
			}
			if (action === 'suspend') {
				await ctx.sleep(300);
				if (flag(call.params.todisk)) {
					g.config.lock = 'suspended';
					setRunning(w, g, false);
				} else g.paused = true;
				return;
			}
			if (action === 'resume') {
				await ctx.sleep(200);
				g.paused = false;
			}
		});
	};
}
