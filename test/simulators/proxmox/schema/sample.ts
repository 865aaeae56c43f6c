import type { ParamSchema, Product } from './types';

/**
 * Data shaped by a method's `returns` schema, for endpoints without a state model: right types,
 * every required field, enums and minimums respected. Deterministic so tests can compare.
 */
export function sampleFromSchema(schema: ParamSchema | undefined, depth = 0, product: Product = 'pve'): unknown {
	if (!schema || depth > 6) return null;
	if (product === 'pbs') return jsonBooleans(sampleFromSchema(schema, depth, 'pve'), schema);
	const type = schema.type ?? (schema.properties ? 'object' : 'null');
	switch (type) {
		case 'null':
			return null;
		case 'boolean':
			return schema.default !== undefined ? (schema.default ? 1 : 0) : 0;
		case 'integer':
		case 'number':
			if (typeof schema.default === 'number') return schema.default;
			return schema.minimum !== undefined ? Math.max(schema.minimum, 0) : 0;
		case 'string':
			return sampleString(schema);
		case 'array':
			return schema.items ? [sampleFromSchema(schema.items, depth + 1)] : [];
		case 'object': {
			const out: Record<string, unknown> = {};
			for (const [key, prop] of Object.entries(schema.properties ?? {})) {
				if (key.endsWith('[n]')) continue;
				out[key] = sampleFromSchema(prop, depth + 1);
			}
			return out;
		}
		default:
			return null;
	}
}

const FORMAT_SAMPLES: Record<string, string> = {
	'pve-node': 'pve1',
	'pve-vmid': '100',
	'pve-storage-id': 'local',
	'pve-configid': 'sample',
	'pve-userid': 'root@pam',
	ip: '10.0.0.11',
	ipv4: '10.0.0.11',
	'mac-addr': 'BC:24:11:00:00:01',
	'pve-volume-id': 'local:iso/sample.iso',
};

function sampleString(schema: ParamSchema): string {
	if (typeof schema.default === 'string') return schema.default;
	if (schema.enum?.length) return schema.enum[0];
	if (typeof schema.format === 'string' && FORMAT_SAMPLES[schema.format]) return FORMAT_SAMPLES[schema.format];
	const min = schema.minLength ?? 0;
	return 'x'.repeat(Math.max(min, 1));
}

/**
 * PBS answers are serde_json: booleans are JSON `true`/`false`, never PVE's 0/1 (proxmox-schema `BooleanSchema`,
 * `#[serde]` structs). Converts every value the `returns` schema declares boolean; other values stay as they are.
 */
export function jsonBooleans(value: unknown, schema: ParamSchema | undefined): unknown {
	if (!schema || value === null || value === undefined) return value;
	if (schema.type === 'boolean') return typeof value === 'number' || typeof value === 'string' ? value === 1 || value === '1' || value === 'true' : value;
	if (Array.isArray(value)) return schema.items ? value.map((v) => jsonBooleans(v, schema.items)) : value;
	if (typeof value === 'object' && schema.properties) {
		const extra = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = jsonBooleans(v, schema.properties[k] ?? extra);
		return out;
	}
	return value;
}
