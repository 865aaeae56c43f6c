/** Create, clone and configure guests (VM and container variants differ only in a few fields). */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { apiPath, type ProxmoxParams } from '../../../shared/proxmox';
import { configChangeSafety, createSafety, sizeKeysOf } from '../../helpers/configSafety';
import { resolveGuest, resolveNodeName, type GuestKind } from '../../helpers/guests';
import { extraParameterFields, readExtraParameters, taskOrResult } from '../../helpers/results';
import { guestLocator, nodeLocator } from '../common.descriptions';
import type { OperationContext, ProxmoxOperation } from '../types';
import { guestSummary, RESOURCE_NOUN } from './common';

const vmidField: INodeProperties = {
	displayName: 'VMID',
	name: 'newVmid',
	type: 'number',
	default: 0,
	description: 'ID of the new guest; 0 takes the next free VMID of the cluster',
};

export async function nextVmid(ctx: OperationContext, requested: number): Promise<number> {
	if (requested && requested > 0) return requested;
	return Number(await ctx.client.get<number | string>('/cluster/nextid'));
}

function setIfGiven(params: ProxmoxParams, key: string, value: unknown): void {
	if (value === undefined || value === null || value === '' || value === 0) return;
	params[key] = value as ProxmoxParams[string];
}

export function guestCreate(kind: GuestKind): ProxmoxOperation {
	const noun = RESOURCE_NOUN[kind];
	const specific: INodeProperties[] =
		kind === 'qemu'
			? [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'web01', description: 'VM name (a DNS name)' },
					{ displayName: 'Memory (MiB)', name: 'memory', type: 'number', default: 2048 },
					{ displayName: 'Cores', name: 'cores', type: 'number', default: 2 },
					{ displayName: 'Disk', name: 'disk', type: 'string', default: '', placeholder: 'local-lvm:32', description: 'First SCSI disk as storage:size-in-GiB (scsi0); empty for none' },
					{ displayName: 'Network', name: 'net0', type: 'string', default: 'virtio,bridge=vmbr0', description: 'First network device (net0)' },
					{ displayName: 'ISO Image', name: 'iso', type: 'string', default: '', placeholder: 'local:iso/debian-12.iso', description: 'Installation ISO volume attached as CD-ROM (ide2)' },
					{ displayName: 'OS Type', name: 'ostype', type: 'string', default: 'l26', description: 'Guest OS type, e.g. l26 (Linux), win11' },
				]
			: [
					{ displayName: 'Template', name: 'ostemplate', type: 'string', default: '', required: true, placeholder: 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', description: 'Container template volume' },
					{ displayName: 'Hostname', name: 'hostname', type: 'string', default: '', placeholder: 'ct01' },
					{ displayName: 'Root Disk', name: 'rootfs', type: 'string', default: 'local-lvm:8', description: 'Root file system as storage:size-in-GiB' },
					{ displayName: 'Memory (MiB)', name: 'memory', type: 'number', default: 512 },
					{ displayName: 'Cores', name: 'cores', type: 'number', default: 1 },
					{ displayName: 'Network', name: 'net0', type: 'string', default: 'name=eth0,bridge=vmbr0,ip=dhcp', description: 'First network interface (net0)' },
					{ displayName: 'Root Password', name: 'rootPassword', type: 'string', typeOptions: { password: true }, default: '', description: 'Password of root in the container (or give SSH keys as an additional parameter)' },
					{ displayName: 'Unprivileged', name: 'unprivileged', type: 'boolean', default: true, description: 'Whether to run the container unprivileged (recommended)' },
				];
	return {
		value: 'create',
		name: 'Create',
		action: `Create a ${noun}`,
		description:
			kind === 'qemu'
				? 'Creates a VM on a node. Inputs: node; optional VMID (next free if 0), name, memory, cores, disk, network, ISO. Returns the task result and the new VMID.'
				: 'Creates a container from a template volume on a node. Inputs: node, template; optional VMID (next free if 0), hostname, root disk, memory, cores, network. Returns the task result and the new VMID.',
		safety: 'write',
		// "force" in the additional parameters overwrites an existing guest.
		safetyFor: (ctx) => createSafety(readExtraParameters(ctx)),
		safetyRule: 'destructive with `force` in the additional parameters (overwrites a guest)',
		startsTask: true,
		properties: [nodeLocator(), vmidField, ...specific, { displayName: 'Start After Creation', name: 'start', type: 'boolean', default: false, description: 'Whether to start the guest once created' }, extraParameterFields(kind === 'qemu' ? 'VM' : 'container')],
		async execute(ctx) {
			const node = resolveNodeName(ctx);
			const vmid = await nextVmid(ctx, ctx.fn.getNodeParameter('newVmid', ctx.itemIndex, 0) as number);
			const get = (name: string) => ctx.fn.getNodeParameter(name, ctx.itemIndex, '') as unknown;
			const params: ProxmoxParams = { vmid };
			if (kind === 'qemu') {
				setIfGiven(params, 'name', get('name'));
				setIfGiven(params, 'memory', get('memory'));
				setIfGiven(params, 'cores', get('cores'));
				setIfGiven(params, 'scsi0', get('disk'));
				setIfGiven(params, 'net0', get('net0'));
				if (get('iso')) params.ide2 = `${get('iso') as string},media=cdrom`;
				setIfGiven(params, 'ostype', get('ostype'));
			} else {
				params.ostemplate = get('ostemplate') as string;
				setIfGiven(params, 'hostname', get('hostname'));
				setIfGiven(params, 'rootfs', get('rootfs'));
				setIfGiven(params, 'memory', get('memory'));
				setIfGiven(params, 'cores', get('cores'));
				setIfGiven(params, 'net0', get('net0'));
				setIfGiven(params, 'password', get('rootPassword'));
				params.unprivileged = get('unprivileged') === true;
			}
			if (get('start') === true) params.start = true;
			Object.assign(params, readExtraParameters(ctx));
			const data = await ctx.client.post(apiPath`/nodes/${node}/${kind}`, params);
			return taskOrResult(data, { node, vmid, type: kind });
		},
	};
}

export function guestClone(kind: GuestKind): ProxmoxOperation {
	const noun = RESOURCE_NOUN[kind];
	return {
		value: 'clone',
		name: 'Clone',
		action: `Clone a ${noun}`,
		description: `Copies a ${noun} or template to a new VMID: full clone (independent disks) or linked clone (from a template, shares its base disks). Inputs: source VMID or name; optional new VMID (next free if 0), name, target node, target storage. Returns the task result and the new VMID.`,
		safety: 'write',
		startsTask: true,
		properties: [
			guestLocator(kind, { displayName: `Source ${kind === 'qemu' ? 'VM' : 'Container'}` }),
			vmidField,
			{ displayName: 'Name', name: 'cloneName', type: 'string', default: '', description: kind === 'qemu' ? 'Name of the new VM' : 'Hostname of the new container' },
			{ displayName: 'Full Clone', name: 'full', type: 'boolean', default: true, description: 'Whether to copy all disks (full) instead of a linked clone; linked clones need a template as source' },
			nodeLocator({ displayName: 'Target Node', name: 'target', required: false, description: 'Cluster node for the clone (empty: the source\'s node)' }),
			{ displayName: 'Target Storage', name: 'storage', type: 'string', default: '', description: 'Storage for the clone\'s disks (full clones only; empty: same storage)' },
			{ displayName: 'Description', name: 'cloneDescription', type: 'string', default: '' },
		],
		async execute(ctx) {
			const source = await resolveGuest(ctx, kind);
			const newid = await nextVmid(ctx, ctx.fn.getNodeParameter('newVmid', ctx.itemIndex, 0) as number);
			const full = ctx.fn.getNodeParameter('full', ctx.itemIndex, true) as boolean;
			const params: ProxmoxParams = { newid, full };
			setIfGiven(params, kind === 'qemu' ? 'name' : 'hostname', ctx.fn.getNodeParameter('cloneName', ctx.itemIndex, ''));
			setIfGiven(params, 'target', String(ctx.fn.getNodeParameter('target', ctx.itemIndex, '', { extractValue: true }) ?? '').trim());
			if (full) setIfGiven(params, 'storage', ctx.fn.getNodeParameter('storage', ctx.itemIndex, ''));
			setIfGiven(params, 'description', ctx.fn.getNodeParameter('cloneDescription', ctx.itemIndex, ''));
			const data = await ctx.client.post(`${source.base}/clone`, params);
			return taskOrResult(data, { sourceVmid: source.vmid, node: (params.target as string) || source.node, vmid: newid, type: kind });
		},
	};
}

/** Update Config's parameters: options to set plus `delete` for the options to remove. */
function configParams(ctx: OperationContext): ProxmoxParams {
	const params = readExtraParameters(ctx);
	const remove = (ctx.fn.getNodeParameter('deleteOptions', ctx.itemIndex, '') as string)
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	if (remove.length) params.delete = remove.join(',');
	return params;
}

export function guestUpdateConfig(kind: GuestKind): ProxmoxOperation {
	const noun = RESOURCE_NOUN[kind];
	return {
		value: 'updateConfig',
		name: 'Update Config',
		action: `Update a ${noun} configuration`,
		description: `Changes configuration options of a ${noun} (e.g. memory, cores, name, tags, onboot, description) and/or removes options. Inputs: VMID or name, options as name/value pairs. Returns the new configuration. Removing, replacing or adding disks${kind === 'lxc' ? ' or mount points' : ''} and lowering memory or CPUs is destructive.`,
		safety: 'write',
		safetyRule: 'destructive when it removes, replaces or adds a disk or mount point, or lowers memory, swap or CPUs',
		async safetyFor(ctx) {
			const params = configParams(ctx);
			const verdict = configChangeSafety(kind, params);
			if (verdict !== 'write' || !sizeKeysOf(kind, params).length) return verdict;
			const guest = await resolveGuest(ctx, kind);
			return configChangeSafety(kind, params, (await ctx.client.get<Record<string, unknown>>(`${guest.base}/config`)) ?? {});
		},
		properties: [
			guestLocator(kind),
			{ ...extraParameterFields(kind === 'qemu' ? 'VM configuration' : 'container configuration'), displayName: 'Options to Set' },
			{ displayName: 'Options to Remove', name: 'deleteOptions', type: 'string', default: '', placeholder: 'ide2, tags', description: 'Comma-separated option names to remove from the configuration' },
		],
		async execute(ctx) {
			const guest = await resolveGuest(ctx, kind);
			const params = configParams(ctx);
			await ctx.client.put(`${guest.base}/config`, params);
			const config = await ctx.client.get<IDataObject>(`${guest.base}/config`);
			return { ...guestSummary(guest), config };
		},
	};
}
