import { describeParams, findEndpoint, loadCatalogue, searchEndpoints, validateParams } from '../../../nodes/Proxmox/helpers/catalogue';

describe('PVE API endpoint catalogue', () => {
	it('holds every endpoint of the PVE 9.1 schema', () => {
		const { endpoints } = loadCatalogue();
		expect(endpoints).toHaveLength(649);
		expect(new Set(endpoints.map((e) => e.m))).toEqual(new Set(['GET', 'POST', 'PUT', 'DELETE']));
	});

	it('finds endpoints by template or concrete path, with variables', () => {
		expect(findEndpoint('GET', '/nodes/{node}/qemu')?.endpoint.p).toBe('/nodes/{node}/qemu');
		const concrete = findEndpoint('POST', '/nodes/pve1/qemu/100/status/start');
		expect(concrete?.endpoint.p).toBe('/nodes/{node}/qemu/{vmid}/status/start');
		expect(concrete?.variables).toEqual({ node: 'pve1', vmid: '100' });
		expect(findEndpoint('PATCH', '/nodes/pve1/qemu')).toBeUndefined();
		expect(findEndpoint('GET', '/nope')).toBeUndefined();
	});

	it('searches by every word and describes parameters', () => {
		const hits = searchEndpoints('lxc snapshot rollback');
		expect(hits.map((e) => `${e.m} ${e.p}`)).toContain('POST /nodes/{node}/lxc/{vmid}/snapshot/{snapname}/rollback');
		const create = findEndpoint('POST', '/nodes/{node}/qemu/{vmid}/snapshot')!.endpoint;
		expect(describeParams(create)).toMatch(/snapname\* \(string\)/);
		expect(searchEndpoints(undefined, 5)).toHaveLength(5);
	});

	it('validates required, unknown, typed, enumerated, ranged and patterned parameters', () => {
		const create = findEndpoint('POST', '/nodes/{node}/qemu/{vmid}/snapshot')!.endpoint;
		expect(validateParams(create, { snapname: 'ok_name', vmstate: true })).toEqual([]);
		expect(validateParams(create, { vmstate: 'maybe', extra: 1 })).toEqual(
			expect.arrayContaining(['snapname: required', 'vmstate: must be a boolean (true/false or 1/0)', expect.stringMatching(/^extra: not a parameter/)]),
		);
		const tasks = findEndpoint('GET', '/nodes/{node}/tasks')!.endpoint;
		expect(validateParams(tasks, { limit: 'ten' })).toEqual(['limit: must be an integer']);
		expect(validateParams(tasks, { source: 'everything' })[0]).toMatch(/^source: must be one of archive, active, all/);
		const config = findEndpoint('PUT', '/nodes/{node}/qemu/{vmid}/config')!.endpoint;
		// Indexed parameters (net[n], scsi[n]) accept their numbered names.
		expect(validateParams(config, { net0: 'virtio,bridge=vmbr0', scsi3: 'local-lvm:8' })).toEqual([]);
		expect(validateParams(config, { cores: 0 })[0]).toMatch(/^cores: must be at least 1/);
	});
});
