/**
 * Generated from the official schemas: every method+path is routed (never 501), and every parameter
 * rule the schemas declare (type, enum, minimum/maximum, minLength/maxLength, pattern, named formats)
 * rejects an invalid value and accepts a valid one.
 */
import { Agent } from 'https';
import { startProxmoxSimulator, type ProxmoxSimulator } from '../index';
import { getRouteIndex } from '../schema/load';
import { checkValue } from '../schema/validate';
import { isKnownFormat } from '../schema/formats';
import type { ParamSchema, Product, SchemaId } from '../schema/types';
import { call, pbsToken, pveToken } from './rawClient';

const PATH_SAMPLES: Record<string, string> = {
	node: 'pve1', vmid: '100', storage: 'local', snapname: 'snap1', upid: 'UPID:pve1:00001234:00012345:6740A0B0:qmstart:100:root@pam:',
	store: 'backup', name: 'sample', id: 'sample', userid: 'root@pam', tokenid: 'sim', 'token-name': 'sim', realm: 'pam',
};

function concretePath(template: string, product: Product): string {
	return template.replace(/\{([^}]+)\}/g, (_, p: string) => {
		if (product === 'pbs' && p === 'node') return 'localhost';
		if (product === 'pbs' && p === 'upid') return encodeURIComponent('UPID:pbs:00001234:00012345:00000000:6740A0B0:garbage_collection:backup:root@pam:');
		return encodeURIComponent(PATH_SAMPLES[p] ?? 'sample');
	});
}

const EXPECTED_COUNTS: Record<SchemaId, number> = { pve9: 649, pve8: 605, pbs: 367 };

describe.each([
	['pve9', 'pve', 9],
	['pve8', 'pve', 8],
	['pbs', 'pbs', 9],
] as const)('routing of every %s endpoint', (schemaId, product, version) => {
	let sim: ProxmoxSimulator;
	const agent = new Agent({ keepAlive: true, maxSockets: 8 });
	beforeAll(async () => {
		sim = await startProxmoxSimulator({ product, pveVersion: version as 9 | 8, seed: 'empty', unauthorizedDelayMs: 0, taskSpeed: 1000 });
	});
	afterAll(async () => {
		agent.destroy();
		await sim.close();
	});

	it(`routes all ${EXPECTED_COUNTS[schemaId]} methods+paths`, async () => {
		const routes = getRouteIndex(schemaId).routes;
		expect(routes).toHaveLength(EXPECTED_COUNTS[schemaId]);
		const token = product === 'pve' ? pveToken() : pbsToken();
		const unrouted: string[] = [];
		for (let i = 0; i < routes.length; i += 8) {
			await Promise.all(
				routes.slice(i, i + 8).map(async (r) => {
					const res = await call(sim, r.method, concretePath(r.template, product), { token, agent });
					const notRouted = product === 'pve' ? res.status === 501 && /not implemented/.test(res.reason) : res.status === 404 && /not found/.test(res.text) && /^Path /.test(res.text);
					if (notRouted || res.status === 0) unrouted.push(`${r.method} ${r.template} -> ${res.status} ${res.reason}`);
				}),
			);
		}
		expect(unrouted).toEqual([]);
	});
});

/** A value accepted by one rule of a parameter schema, if one can be derived. */
function validFor(rule: string, s: ParamSchema): string | undefined {
	switch (rule) {
		case 'integer':
		case 'number':
			return String(s.minimum ?? (s.maximum !== undefined ? Math.min(0, s.maximum) : 0));
		case 'boolean':
			return '1';
		case 'enum':
			return s.enum?.[0];
		case 'minimum':
			return String(s.minimum);
		case 'maximum':
			return String(s.maximum);
		case 'minLength':
			return 'a'.repeat(s.minLength ?? 1);
		case 'maxLength':
			return 'a'.repeat(Math.max(1, Math.min(s.maxLength ?? 1, s.minLength ?? 1)));
		default:
			return undefined;
	}
}

function invalidFor(rule: string, s: ParamSchema): string | undefined {
	switch (rule) {
		case 'integer':
			return '1.5x';
		case 'number':
			return 'abc';
		case 'boolean':
			return 'maybe';
		case 'enum':
			return `${s.enum?.[0]}-not-in-enum`;
		case 'minimum':
			return String((s.minimum ?? 0) - 1);
		case 'maximum':
			return String((s.maximum ?? 0) + 1);
		case 'minLength':
			return (s.minLength ?? 0) > 0 ? 'a'.repeat((s.minLength ?? 1) - 1) : undefined;
		case 'maxLength':
			return 'a'.repeat((s.maxLength ?? 0) + 1);
		default:
			return undefined;
	}
}

/** Strips a parameter schema down to its type plus one rule, to test that rule alone. */
function only(rule: string, s: ParamSchema): ParamSchema {
	const base: ParamSchema = { type: s.type };
	if (rule === 'enum') return { ...base, enum: s.enum };
	if (rule === 'minimum' || rule === 'maximum') return { ...base, [rule]: s[rule] };
	if (rule === 'minLength' || rule === 'maxLength') return { ...base, [rule]: s[rule] };
	if (rule === 'pattern') return { ...base, pattern: s.pattern };
	if (rule === 'format') return { ...base, format: s.format };
	return base;
}

const PATTERN_CANDIDATES = ['sample', 'a1', 'pve1', '100', 'local', 'root@pam', 'backup', '10.0.0.1', 'vm', 'abc-1', 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89', '00000000-0000-4000-8000-000000000000', 'https://example.com', 'x', '1'];
const FORMAT_VALID: Record<string, string> = { 'pve-vmid': '100', 'pve-node': 'pve1', 'pve-configid': 'net0', 'pve-storage-id': 'local-lvm', 'pve-poolid': 'pool1', 'pve-realm': 'pam', 'pve-userid': 'root@pam', 'pve-groupid': 'admins', 'pve-roleid': 'PVEAdmin', 'pve-iface': 'vmbr0', 'pve-volume-id': 'local:iso/x.iso', 'pve-replication-job-id': '100-0', 'pve-sdn-zone-id': 'zone1', 'pve-sdn-vnet-id': 'vnet1', 'mac-addr': 'BC:24:11:00:00:01', ip: '10.0.0.1', ipv4: '10.0.0.1', ipv6: 'fe80::1', CIDR: '10.0.0.0/24', CIDRv4: '10.0.0.0/24', CIDRv6: 'fd00::/64', 'dns-name': 'pve1.example.com', address: 'pve1.example.com', 'email-opt': 'a@b.c', 'pve-calendar-event': 'daily', 'pve-tag': 'prod', 'pve-bridge-id': 'vmbr0', 'pve-task-status-type': 'ok', 'pve-storage-content': 'iso', 'pve-priv': 'VM.Audit', 'pve-tokenid': 'sim' };

function collectParams(schemaId: SchemaId): Array<{ where: string; name: string; schema: ParamSchema }> {
	const out: Array<{ where: string; name: string; schema: ParamSchema }> = [];
	for (const r of getRouteIndex(schemaId).routes) {
		for (const [name, schema] of Object.entries(r.info.parameters?.properties ?? {})) out.push({ where: `${r.method} ${r.template}`, name, schema: schema.type === 'array' && schema.items ? schema.items : schema });
	}
	return out;
}

describe.each([
	['pve9', 'pve'],
	['pve8', 'pve'],
	['pbs', 'pbs'],
] as const)('parameter rules of %s', (schemaId, product) => {
	it('reject an invalid and accept a valid value for every declared rule', () => {
		const failures: string[] = [];
		const tally: Record<string, { checked: number; noValidSample: number }> = {};
		const count = (rule: string, sampled: boolean) => {
			tally[rule] ??= { checked: 0, noValidSample: 0 };
			tally[rule].checked++;
			if (!sampled) tally[rule].noValidSample++;
		};
		for (const { where, name, schema } of collectParams(schemaId)) {
			const rules: string[] = [];
			if (schema.type === 'integer' || schema.type === 'number' || schema.type === 'boolean') rules.push(schema.type);
			if (schema.enum?.length) rules.push('enum');
			for (const r of ['minimum', 'maximum', 'minLength', 'maxLength', 'pattern'] as const) if (schema[r] !== undefined) rules.push(r);
			if (typeof schema.format === 'string' && product === 'pve' && isKnownFormat(schema.format)) rules.push('format');
			for (const rule of rules) {
				const s = ['integer', 'number', 'boolean'].includes(rule) ? { type: schema.type } : only(rule, schema);
				let valid = validFor(rule, schema);
				let invalid = invalidFor(rule, schema);
				if (rule === 'pattern') {
					valid = PATTERN_CANDIDATES.find((c) => !checkValue(s, c, product).error);
					invalid = 'bad value\u0001';
				}
				if (rule === 'format') {
					const base = String(schema.format).replace(/-list$/, '');
					valid = FORMAT_VALID[base];
					invalid = '-bad value!-';
				}
				if (invalid !== undefined && !checkValue(s, invalid, product).error) failures.push(`${where} ${name}: ${rule} accepted invalid '${invalid}'`);
				if (valid !== undefined && checkValue(s, valid, product).error) failures.push(`${where} ${name}: ${rule} rejected valid '${valid}': ${checkValue(s, valid, product).error}`);
				count(rule, valid !== undefined);
			}
		}
		expect(failures).toEqual([]);
		expect(Object.values(tally).reduce((n, t) => n + t.checked, 0)).toBeGreaterThan(product === 'pve' ? 1500 : 800);
	});
});

describe('parameter verification on the wire', () => {
	let sim: ProxmoxSimulator;
	beforeAll(async () => {
		sim = await startProxmoxSimulator({ unauthorizedDelayMs: 0, taskSpeed: 100 });
	});
	afterAll(() => sim.close());

	it('answers 400 Parameter verification failed. with per-parameter errors', async () => {
		const r = await call(sim, 'POST', '/nodes/pve1/qemu', { token: pveToken(), form: { vmid: '99', memory: 'lots', bogus: '1' } });
		expect(r.status).toBe(400);
		expect(r.reason).toBe('Parameter verification failed.');
		expect(r.json).toEqual({
			data: null,
			message: 'Parameter verification failed.\n',
			errors: {
				vmid: 'value must have a minimum value of 100',
				memory: expect.stringContaining('invalid format'),
				bogus: 'property is not defined in schema and the schema does not allow additional properties',
			},
		});
	});

	it('reports a missing required parameter, a bad enum and a bad format', async () => {
		const r = await call(sim, 'POST', '/nodes/pve1/qemu/100/migrate', { token: pveToken(), form: {} });
		expect(r.json.errors).toEqual({ target: 'property is missing and it is not optional' });
		const e = await call(sim, 'GET', '/cluster/resources?type=disk', { token: pveToken() });
		expect(e.json.errors.type).toBe("value 'disk' does not have a value in the enumeration 'vm, storage, node, sdn'");
		const f = await call(sim, 'GET', '/nodes/pve1/qemu/abc/status/current', { token: pveToken() });
		expect(f.json.errors.vmid).toBe("type check ('integer') failed - got 'abc'");
	});
});
