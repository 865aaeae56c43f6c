import { apiCallOperation } from '../../../shared/actions/apiCall';
import { configWriteKind, PVE_API_RULES } from '../../helpers/apiCallSafety';
import { PVE_CATALOGUE } from '../../helpers/catalogue';
import { configChangeSafety, sizeKeysOf } from '../../helpers/configSafety';

export const request = apiCallOperation(
	PVE_CATALOGUE,
	{
		template: '/nodes/{node}/qemu/{vmid}/config',
		concrete: '/nodes/pve1/qemu',
		parameters: '{"node": "pve1", "vmid": 100}',
		variables: 'node, vmid',
	},
	{
		rules: PVE_API_RULES,
		summary:
			'GET is a read (except reading guest files), DELETE and writes that stop, reset, roll back, remove disks, change permissions (/access), pools, firewall, network, host disks, open consoles or answer secrets are destructive; other writes are writes.',
		// A config write that changes memory, CPUs... is destructive when it shrinks: read the current config.
		async refine(ctx, call, verdict) {
			const kind = configWriteKind(call.method, call.template);
			if (verdict !== 'write' || !kind || !sizeKeysOf(kind, call.rest).length) return verdict;
			const current = await ctx.client.get<Record<string, unknown>>(call.concrete);
			return configChangeSafety(kind, call.rest, current ?? {});
		},
	},
);
