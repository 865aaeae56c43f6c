import { checkValue, parsePropertyString, validateParams } from '../schema/validate';
import { getRouteIndex } from '../schema/load';

const qemuCreate = () => getRouteIndex('pve9').find('POST', '/nodes/{node}/qemu')!.info.parameters;

describe('validator details', () => {
	it('parses property strings with a default key and key aliases', () => {
		const net = qemuCreate().properties!['net[n]'].format as Record<string, import('../schema/types').ParamSchema>;
		expect(parsePropertyString(net, 'virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1')).toEqual({ model: 'virtio', macaddr: 'BC:24:11:00:00:01', bridge: 'vmbr0', firewall: '1' });
		expect(checkValue(qemuCreate().properties!['net[n]'], 'virtio,bridge=vmbr0', 'pve').error).toBeUndefined();
		expect(checkValue(qemuCreate().properties!['net[n]'], 'virtio,bridge=vmbr0,firewall=maybe', 'pve').error).toBe("invalid format - format error\nfirewall: type check ('boolean') failed - got 'maybe'");
		expect(checkValue(qemuCreate().properties!['net[n]'], 'virtio,colour=red', 'pve').error).toMatch(/^invalid format - format error\ncolour: property is not defined in schema/);
		expect(checkValue(qemuCreate().properties!.memory, '2048', 'pve').error).toBeUndefined();
		expect(checkValue(qemuCreate().properties!.memory, 'current=8', 'pve').error).toBe('invalid format - format error\ncurrent: value must have a minimum value of 16');
	});

	it('maps numbered keys onto their [n] schema and keeps typed values', () => {
		const r = validateParams(qemuCreate(), { node: 'pve1', vmid: '120', net0: 'virtio,bridge=vmbr0', scsi0: 'local-lvm:8', cores: '2', onboot: 'true', description: '' }, 'pve');
		expect(r.errors).toEqual({});
		expect(r.values).toEqual({ node: 'pve1', vmid: 120, net0: 'virtio,bridge=vmbr0', scsi0: 'local-lvm:8', cores: 2, onboot: 1, description: '' });
	});

	it('checks every item of -list formats', () => {
		const vzdump = getRouteIndex('pve9').find('POST', '/nodes/{node}/vzdump')!.info.parameters;
		expect(validateParams(vzdump, { node: 'pve1', vmid: '100,101 102' }, 'pve').errors).toEqual({});
		expect(validateParams(vzdump, { node: 'pve1', vmid: '100,abc' }, 'pve').errors).toEqual({ vmid: 'value does not look like a valid VM ID' });
	});

	it('takes repeated fields as arrays for array parameters', () => {
		const matchers = getRouteIndex('pve9').find('POST', '/cluster/notifications/matchers')!.info.parameters;
		const r = validateParams(matchers, { name: 'm1', target: ['a1', 'b1'], 'match-field': 'exact:type=vzdump' }, 'pve');
		expect(r.values).toEqual({ name: 'm1', target: ['a1', 'b1'], 'match-field': ['exact:type=vzdump'] });
	});

	it('reads PBS property-string formats, which the PBS schema dumps as object schemas (webhook headers and secrets)', () => {
		// proxmox-schema ApiStringFormat::PropertyString(&ObjectSchema): `format: { type: 'object', properties }`.
		const webhook = getRouteIndex('pbs').find('POST', '/config/notifications/endpoints/webhook')!.info.parameters;
		const base = { name: 'n8n', url: 'https://n8n.example/webhook/x', method: 'post' };
		expect(validateParams(webhook, { ...base, header: ['name=Content-Type,value=YXBwbGljYXRpb24vanNvbg=='], secret: 'name=token,value=czNjcmV0' }, 'pbs').errors).toEqual({});
		expect(validateParams(webhook, { ...base, header: 'name=X,colour=red' }, 'pbs').errors.header).toMatch(/^invalid format - format error\ncolour: property is not defined in schema/);
	});
});
