/**
 * Operation builders shared by the VM (qemu) and Container (lxc) resources: the API is the same
 * shape under /nodes/{node}/qemu and /nodes/{node}/lxc, with the differences passed in.
 */
import { NodeOperationError, type IDataObject, type INodeProperties } from 'n8n-workflow';

import type { ProxmoxParams } from '../../../shared/proxmox';
import { GUEST_NOUN, listClusterGuests, resolveGuest, tagList, type GuestKind, type GuestRef } from '../../helpers/guests';
import { limitItems, taskOrResult } from '../../helpers/results';
import { guestLocator, limitFields, nodeLocator } from '../common.descriptions';
import type { OperationContext, OperationSafety, ProxmoxOperation } from '../types';

export const RESOURCE_NOUN: Record<GuestKind, string> = { qemu: 'VM', lxc: 'container' };

export function guestSummary(guest: GuestRef): IDataObject {
	return { node: guest.node, vmid: guest.vmid, type: guest.kind, ...(guest.name ? { name: guest.name } : {}) };
}

export function guestGetMany(kind: GuestKind): ProxmoxOperation {
	const noun = RESOURCE_NOUN[kind];
	return {
		value: 'getMany',
		name: 'Get Many',
		action: `Get many ${noun}s`,
		description: `Lists ${noun}s across the whole cluster in one request, with node, VMID, name, status, CPU, memory, disk, uptime and tags (raw "tags" string and "tagList" array). Optional filters: node, status. Return All, or up to Limit (default 50).`,
		safety: 'read',
		properties: [
			...limitFields(),
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				options: [
					{ displayName: 'Node', name: 'node', type: 'string', default: '', description: 'Only guests on this node' },
					{
						displayName: 'Status',
						name: 'status',
						type: 'options',
						default: 'running',
						options: [
							{ name: 'Running', value: 'running' },
							{ name: 'Stopped', value: 'stopped' },
							{ name: 'Paused', value: 'paused' },
						],
					},
					{ displayName: 'Include Templates', name: 'templates', type: 'boolean', default: true, description: 'Whether to include templates' },
				],
			},
		],
		async execute(ctx) {
			const filters = ctx.fn.getNodeParameter('filters', ctx.itemIndex, {}) as { node?: string; status?: string; templates?: boolean };
			const guests = (await listClusterGuests(ctx.client)).filter(
				(g) =>
					g.type === kind &&
					(!filters.node || g.node === filters.node) &&
					(!filters.status || g.status === filters.status) &&
					(filters.templates !== false || !g.template),
			);
			const sorted = guests.sort((a, b) => Number(a.vmid) - Number(b.vmid)).map((g): IDataObject => ({ ...(g as unknown as IDataObject), tagList: tagList(g.tags) }));
			return limitItems(ctx, sorted);
		},
	};
}

export function guestGet(kind: GuestKind): ProxmoxOperation {
	const noun = RESOURCE_NOUN[kind];
	return {
		value: 'get',
		name: 'Get',
		action: `Get a ${noun}`,
		description: `Returns one ${noun}'s current status (running/stopped, CPU, memory, uptime, lock) and its configuration (under "config"). Input: VMID or name.`,
		safety: 'read',
		properties: [guestLocator(kind)],
		async execute(ctx) {
			const guest = await resolveGuest(ctx, kind);
			const [status, config] = await Promise.all([
				ctx.client.get<IDataObject>(`${guest.base}/status/current`),
				ctx.client.get<IDataObject>(`${guest.base}/config`),
			]);
			return { ...guestSummary(guest), ...status, tagList: tagList(config?.tags ?? status?.tags), config };
		},
	};
}

export interface GuestActionSpec {
	value: string;
	name: string;
	action: string;
	description: string;
	safety: OperationSafety;
	/** POST path below the guest, e.g. `/status/start`. */
	path: string;
	properties?: INodeProperties[];
	params?: (ctx: OperationContext) => ProxmoxParams;
	method?: 'POST' | 'PUT' | 'DELETE';
	safetyFor?: ProxmoxOperation['safetyFor'];
	safetyRule?: string;
}

/** An operation that sends one write for a guest and (usually) starts a task. */
export function guestAction(kind: GuestKind, spec: GuestActionSpec): ProxmoxOperation {
	return {
		value: spec.value,
		name: spec.name,
		action: spec.action,
		description: spec.description,
		safety: spec.safety,
		safetyFor: spec.safetyFor,
		safetyRule: spec.safetyRule,
		startsTask: true,
		properties: [guestLocator(kind), ...(spec.properties ?? [])],
		async execute(ctx) {
			const guest = await resolveGuest(ctx, kind);
			const params = spec.params?.(ctx) ?? {};
			const response = await ctx.client.request(spec.method ?? 'POST', `${guest.base}${spec.path}`, params);
			return taskOrResult(response.data, guestSummary(guest));
		},
	};
}

export function powerAction(
	kind: GuestKind,
	action: 'start' | 'stop' | 'shutdown' | 'reboot' | 'reset' | 'suspend' | 'resume',
	extra: Partial<GuestActionSpec> = {},
): ProxmoxOperation {
	const noun = RESOURCE_NOUN[kind];
	const texts: Record<typeof action, { name: string; description: string; safety: OperationSafety }> = {
		start: { name: 'Start', description: `Starts a stopped ${noun}. Input: VMID or name. Returns the task result.`, safety: 'write' },
		stop: {
			name: 'Stop',
			description: `Stops a ${noun} immediately, like pulling the power plug (unsaved guest data is lost). Prefer Shutdown. Input: VMID or name.`,
			safety: 'destructive',
		},
		shutdown: {
			name: 'Shutdown',
			description: `Asks the ${noun}'s OS to shut down cleanly${kind === 'qemu' ? ' (ACPI or guest agent)' : ''}; optionally forces a stop after the timeout. Input: VMID or name.`,
			safety: 'write',
		},
		reboot: { name: 'Reboot', description: `Reboots the ${noun} cleanly through its OS. Input: VMID or name.`, safety: 'write' },
		reset: { name: 'Reset', description: `Hard-resets the ${noun} (like the reset button; unsaved guest data is lost). Input: VMID or name.`, safety: 'destructive' },
		suspend: { name: 'Suspend', description: `Pauses the ${noun} (its memory stays allocated). Input: VMID or name.`, safety: 'write' },
		resume: { name: 'Resume', description: `Resumes a suspended or paused ${noun}. Input: VMID or name.`, safety: 'write' },
	};
	const text = texts[action];
	return guestAction(kind, {
		value: action,
		name: text.name,
		action: `${text.name} a ${noun}`,
		description: text.description,
		safety: text.safety,
		path: `/status/${action}`,
		...extra,
	});
}

export function shutdownAction(kind: GuestKind): ProxmoxOperation {
	return powerAction(kind, 'shutdown', {
		properties: [
			{
				displayName: 'Timeout (Seconds)',
				name: 'shutdownTimeout',
				type: 'number',
				default: 180,
				typeOptions: { minValue: 1 },
				description: 'How long the guest OS gets to shut down',
			},
			{
				displayName: 'Force Stop After Timeout',
				name: 'forceStop',
				type: 'boolean',
				default: false,
				description: 'Whether to hard-stop the guest if it has not shut down within the timeout (unsaved data is lost)',
			},
		],
		params: (ctx) => ({
			timeout: ctx.fn.getNodeParameter('shutdownTimeout', ctx.itemIndex, 180) as number,
			forceStop: (ctx.fn.getNodeParameter('forceStop', ctx.itemIndex, false) as boolean) || undefined,
		}),
		safetyRule: 'destructive with "Force Stop After Timeout"',
		safetyFor: (ctx) => ((ctx.fn.getNodeParameter('forceStop', ctx.itemIndex, false) as boolean) ? 'destructive' : 'write'),
	});
}

export function guestDelete(kind: GuestKind): ProxmoxOperation {
	const noun = RESOURCE_NOUN[kind];
	return guestAction(kind, {
		value: 'delete',
		name: 'Delete',
		action: `Delete a ${noun}`,
		description: `Destroys a stopped ${noun} and its disks. With Purge it is also removed from backup jobs, replication and HA. Input: VMID or name.`,
		safety: 'destructive',
		method: 'DELETE',
		path: '',
		properties: [
			{
				displayName: 'Purge From Jobs',
				name: 'purge',
				type: 'boolean',
				default: false,
				description: 'Whether to also remove the VMID from backup jobs, replication jobs and HA resources',
			},
			{
				displayName: 'Destroy Unreferenced Disks',
				name: 'destroyUnreferencedDisks',
				type: 'boolean',
				default: true,
				description: 'Whether to also destroy disks with this VMID that are not referenced in the config',
			},
		],
		params: (ctx) => ({
			purge: ctx.fn.getNodeParameter('purge', ctx.itemIndex, false) as boolean,
			'destroy-unreferenced-disks': ctx.fn.getNodeParameter('destroyUnreferencedDisks', ctx.itemIndex, true) as boolean,
		}),
	});
}

export function guestTemplate(kind: GuestKind): ProxmoxOperation {
	const noun = RESOURCE_NOUN[kind];
	return guestAction(kind, {
		value: 'convertToTemplate',
		name: 'Convert to Template',
		action: `Convert a ${noun} to a template`,
		description: `Turns a stopped ${noun} into a template (cannot be started or turned back; clone it instead). Input: VMID or name.`,
		safety: 'destructive',
		path: '/template',
	});
}

export function guestResize(kind: GuestKind): ProxmoxOperation {
	const noun = RESOURCE_NOUN[kind];
	return guestAction(kind, {
		value: 'resize',
		name: 'Resize Disk',
		action: `Resize a ${noun} disk`,
		description: `Grows one disk of the ${noun} (disks cannot shrink). Inputs: VMID or name, disk (e.g. ${kind === 'qemu' ? 'scsi0' : 'rootfs'}), size (+10G to add, or 50G absolute).`,
		safety: 'write',
		method: 'PUT',
		path: '/resize',
		properties: [
			{
				displayName: 'Disk',
				name: 'disk',
				type: 'string',
				default: '',
				placeholder: kind === 'qemu' ? 'scsi0' : 'rootfs',
				description: kind === 'qemu' ? 'Disk key, e.g. scsi0, virtio0, sata0 (empty: scsi0)' : 'Volume key, e.g. rootfs or mp0 (empty: rootfs)',
			},
			{
				displayName: 'Size',
				name: 'size',
				type: 'string',
				default: '+1G',
				required: true,
				placeholder: '+10G',
				description: 'New size such as 50G, or growth with a leading + such as +10G',
			},
		],
		params: (ctx) => ({
			disk: (ctx.fn.getNodeParameter('disk', ctx.itemIndex, '') as string).trim() || (kind === 'qemu' ? 'scsi0' : 'rootfs'),
			size: (ctx.fn.getNodeParameter('size', ctx.itemIndex) as string).trim(),
		}),
	});
}

export function guestMigrate(kind: GuestKind): ProxmoxOperation {
	const noun = RESOURCE_NOUN[kind];
	const modeField: INodeProperties =
		kind === 'qemu'
			? { displayName: 'Online', name: 'online', type: 'boolean', default: true, description: 'Whether to live-migrate a running VM (no downtime)' }
			: {
					displayName: 'Restart Mode',
					name: 'restart',
					type: 'boolean',
					default: true,
					description: 'Whether to shut a running container down, move it and start it again (containers cannot live-migrate)',
				};
	return guestAction(kind, {
		value: 'migrate',
		name: 'Migrate',
		action: `Migrate a ${noun}`,
		description: `Moves the ${noun} to another cluster node. Inputs: VMID or name, target node; ${kind === 'qemu' ? 'online (live) or offline' : 'restart mode for running containers'}.`,
		safety: 'write',
		path: '/migrate',
		properties: [
			nodeLocator({ displayName: 'Target Node', name: 'target', description: 'Cluster node to move the guest to, e.g. pve2' }),
			modeField,
			{ displayName: 'Target Storage', name: 'targetStorage', type: 'string', default: '', description: 'Storage for local disks on the target (empty: same storage IDs)' },
		],
		params: (ctx) => {
			const target = String(ctx.fn.getNodeParameter('target', ctx.itemIndex, '', { extractValue: true }) ?? '').trim();
			if (!target) throw new NodeOperationError(ctx.fn.getNode(), 'Target Node is empty: choose the cluster node to move the guest to', { itemIndex: ctx.itemIndex });
			const params: ProxmoxParams = { target };
			const storage = ctx.fn.getNodeParameter('targetStorage', ctx.itemIndex, '') as string;
			if (kind === 'qemu') {
				params.online = ctx.fn.getNodeParameter('online', ctx.itemIndex, true) as boolean;
				if (storage) {
					params.targetstorage = storage;
					params['with-local-disks'] = true;
				}
			} else {
				params.restart = ctx.fn.getNodeParameter('restart', ctx.itemIndex, true) as boolean;
				if (storage) params['target-storage'] = storage;
			}
			return params;
		},
	});
}

export function guestRrd(kind: GuestKind, fields: INodeProperties[]): ProxmoxOperation {
	const noun = RESOURCE_NOUN[kind];
	return {
		value: 'getMetrics',
		name: 'Get Metrics',
		action: `Get ${noun} metrics`,
		description: `Returns the ${noun}'s RRD history (CPU, memory, disk and network per data point) for a timeframe (hour, day, week, month, year). Input: VMID or name.`,
		safety: 'read',
		properties: [guestLocator(kind), ...fields],
		async execute(ctx) {
			const guest = await resolveGuest(ctx, kind);
			const data = await ctx.client.get<IDataObject[]>(`${guest.base}/rrddata`, {
				timeframe: ctx.fn.getNodeParameter('timeframe', ctx.itemIndex) as string,
				cf: ctx.fn.getNodeParameter('cf', ctx.itemIndex) as string,
			});
			return (data ?? []).map((point) => ({ node: guest.node, vmid: guest.vmid, ...point }));
		},
	};
}

export { GUEST_NOUN };
