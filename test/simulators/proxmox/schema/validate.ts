import type { ParamSchema, Product } from './types';
import { checkFormat } from './formats';

export type RawValue = string | number | boolean | null | RawValue[] | { [k: string]: RawValue };
export type RawParams = Record<string, RawValue>;
export type ParamValue = string | number | Array<string | number>;
export type Params = Record<string, ParamValue>;

export interface ValidationResult {
	values: Params;
	errors: Record<string, string>;
}

/** Error texts differ between pve-common (Perl) and proxmox-schema (Rust). */
const TEXT = {
	pve: {
		missing: 'property is missing and it is not optional',
		additional: 'property is not defined in schema and the schema does not allow additional properties',
		type: (t: string, v: string) => `type check ('${t}') failed - got '${v}'`,
		min: (m: number) => `value must have a minimum value of ${m}`,
		max: (m: number) => `value must have a maximum value of ${m}`,
		minLength: (m: number) => `value must be at least ${m} characters long`,
		maxLength: (m: number) => `value may only be ${m} characters long`,
		pattern: () => 'value does not match the regex pattern',
		enumeration: (v: string, e: string[]) => `value '${v}' does not have a value in the enumeration '${e.join(', ')}'`,
	},
	pbs: {
		missing: 'parameter is missing and it is not optional.',
		additional: 'schema does not allow additional properties.',
		type: (t: string, v: string) => `Expected ${t} value, got '${v}'.`,
		min: (m: number) => `value must have a minimum value of ${m}`,
		max: (m: number) => `value must have a maximum value of ${m}`,
		minLength: (m: number) => `value must be at least ${m} characters long`,
		maxLength: (m: number) => `value may only be ${m} characters long`,
		pattern: () => 'value does not match the regex pattern',
		enumeration: (v: string) => `value '${v}' is not defined in the enumeration.`,
	},
};

const POSIX: Record<string, string> = { cntrl: '\\x00-\\x1f\\x7f', alpha: 'A-Za-z', digit: '0-9', alnum: 'A-Za-z0-9', space: '\\s', upper: 'A-Z', lower: 'a-z', xdigit: '0-9A-Fa-f' };

/** POSIX bracket classes (`[[:^cntrl:]]`, `[^\s[:cntrl:]]`) in JS syntax. */
function posixClasses(pattern: string): string {
	return pattern.replace(/\[\[:\^(\w+):\]\]/g, (m, n: string) => (POSIX[n] ? `[^${POSIX[n]}]` : m)).replace(/\[:(\w+):\]/g, (m, n: string) => POSIX[n] ?? m);
}

const regexCache = new Map<string, RegExp | null>();
function compile(pattern: string, anchor: boolean): RegExp | null {
	const key = `${anchor ? 'a' : 'r'}${pattern}`;
	if (!regexCache.has(key)) {
		let re: RegExp | null;
		// PBS writes patterns as `/^...$/` and uses POSIX classes the JS engine lacks.
		const body = posixClasses(/^\/(.*)\/$/s.exec(pattern)?.[1] ?? pattern);
		// PVE patterns are stringified Perl regexes: `(?^:..)` groups, `(?^i:..)` case-insensitive groups.
		// Rust patterns use `(?P<name>..)` groups and leading inline flags such as `(?m)`.
		const caseless = /\(\?\^i:/.test(body);
		const multiline = body.startsWith('(?m)');
		const js = body.replace(/^\(\?m\)/, '').replace(/\(\?\^i?:/g, '(?:').replace(/\(\?P</g, '(?<');
		try {
			re = new RegExp(anchor ? `^(?:${js})$` : js, `${caseless ? 'i' : ''}${multiline ? 'm' : ''}`);
		} catch {
			re = null; // Perl/Rust-only syntax: the real server checks it, the simulator cannot.
		}
		regexCache.set(key, re);
	}
	return regexCache.get(key) ?? null;
}

const BOOL_TRUE = /^(1|true|yes|on)$/i;
const BOOL_FALSE = /^(0|false|no|off)$/i;

/** `net0` is described by the schema key `net[n]`. */
export function schemaKeyFor(name: string, properties: Record<string, ParamSchema>): string | undefined {
	if (name in properties) return name;
	const m = /^([a-z_]+?)(\d+)$/i.exec(name);
	if (m && `${m[1]}[n]` in properties) return `${m[1]}[n]`;
	return undefined;
}

/** PVE needs `optional`; in proxmox-schema a property with a default is optional too. */
export function isOptional(schema: ParamSchema, product: Product = 'pve'): boolean {
	return schema.optional === 1 || schema.optional === true || (product === 'pbs' && schema.default !== undefined);
}

function asText(value: RawValue): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'boolean') return value ? '1' : '0';
	if (typeof value === 'number') return String(value);
	return JSON.stringify(value);
}

/** Checks one scalar value; returns the typed value or an error text. */
export function checkValue(schema: ParamSchema, raw: RawValue, product: Product): { value?: string | number; error?: string } {
	const t = TEXT[product];
	const type = schema.type ?? 'string';
	const text = asText(raw);
	if (type === 'integer') {
		if (!/^-?\d+$/.test(text)) return { error: t.type('integer', text) };
		return range(schema, Number(text), product);
	}
	if (type === 'number') {
		if (!/^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) return { error: t.type('number', text) };
		return range(schema, Number(text), product);
	}
	if (type === 'boolean') {
		if (BOOL_TRUE.test(text)) return { value: 1 };
		if (BOOL_FALSE.test(text)) return { value: 0 };
		return { error: t.type('boolean', text) };
	}
	if (type === 'null') return { value: text };
	if (typeof raw === 'object' && raw !== null && type === 'string') return { error: t.type('string', text) };
	if (schema.enum?.length && !schema.enum.includes(text)) return { error: t.enumeration(text, schema.enum) };
	if (schema.minLength !== undefined && text.length < schema.minLength) return { error: t.minLength(schema.minLength) };
	if (schema.maxLength !== undefined && text.length > schema.maxLength) return { error: t.maxLength(schema.maxLength) };
	if (schema.pattern) {
		const re = compile(schema.pattern, product === 'pve');
		if (re && !re.test(text)) return { error: t.pattern() };
	}
	if (typeof schema.format === 'string' && product === 'pve') {
		const err = checkFormat(schema.format, text);
		if (err) return { error: err };
	}
	if (schema.format && typeof schema.format === 'object') {
		// PVE dumps a property-string format as a map of keys; PBS (proxmox-schema
		// `ApiStringFormat::PropertyString(&ObjectSchema)`) as an object schema with `properties`.
		const format = schema.format as Record<string, unknown>;
		const keys = format.type === 'object' && format.properties && typeof format.properties === 'object' ? (format.properties as Record<string, ParamSchema>) : (schema.format as Record<string, ParamSchema>);
		const err = checkPropertyString(keys, text, product);
		if (err) return { error: err };
	}
	return { value: text };
}

function range(schema: ParamSchema, n: number, product: Product): { value?: number; error?: string } {
	const t = TEXT[product];
	if (schema.minimum !== undefined && n < schema.minimum) return { error: t.min(schema.minimum) };
	if (schema.maximum !== undefined && n > schema.maximum) return { error: t.max(schema.maximum) };
	if (typeof schema.format === 'string' && product === 'pve') {
		const err = checkFormat(schema.format, String(n));
		if (err) return { error: err };
	}
	return { value: n };
}

/** Parses `key=value,key=value` (with an optional default key) as pve-common parse_property_string does. */
export function parsePropertyString(format: Record<string, ParamSchema>, text: string): Record<string, string> {
	const out: Record<string, string> = {};
	const defaultKey = Object.keys(format).find((k) => format[k].default_key);
	for (const part of text.split(',').filter((p) => p !== '')) {
		const eq = part.indexOf('=');
		if (eq < 0) {
			const alias = format[part]?.keyAlias;
			if (alias) {
				out[alias] = part;
				continue;
			}
			if (!defaultKey) throw new Error(`value without key, but schema does not define a default key`);
			if (defaultKey in out) throw new Error(`duplicate key in comma-separated list property: ${defaultKey}`);
			out[defaultKey] = part;
			continue;
		}
		let key = part.slice(0, eq);
		const value = part.slice(eq + 1);
		const entry = format[key];
		if (entry?.alias) {
			if (entry.keyAlias) out[entry.keyAlias] = key;
			key = entry.alias;
		}
		if (key in out) throw new Error(`duplicate key in comma-separated list property: ${key}`);
		out[key] = value;
	}
	return out;
}

function checkPropertyString(format: Record<string, ParamSchema>, text: string, product: Product): string | undefined {
	let parsed: Record<string, string>;
	try {
		parsed = parsePropertyString(format, text);
	} catch (e) {
		return `invalid format - ${(e as Error).message}`;
	}
	for (const [key, value] of Object.entries(parsed)) {
		const sub = format[key];
		if (!sub) return `invalid format - format error\n${key}: property is not defined in schema and the schema does not allow additional properties`;
		if (sub.keyAlias || sub.alias) continue;
		const r = checkValue(sub, value, product);
		if (r.error) return `invalid format - format error\n${key}: ${r.error}`;
	}
	for (const [key, sub] of Object.entries(format)) {
		if (sub.alias || sub.keyAlias || isOptional(sub, product) || key in parsed) continue;
		return `invalid format - format error\n${key}: property is missing and it is not optional`;
	}
	return undefined;
}

/** Validates request parameters against a method's `parameters` schema like the real servers. */
export function validateParams(schema: ParamSchema, raw: RawParams, product: Product): ValidationResult {
	const t = TEXT[product];
	const props = schema.properties ?? {};
	const values: Params = {};
	const errors: Record<string, string> = {};
	const allowsAdditional = schema.additionalProperties === 1 || schema.additionalProperties === true || typeof schema.additionalProperties === 'object';
	for (const [name, given] of Object.entries(raw)) {
		let rawValue = given;
		const key = schemaKeyFor(name, props);
		if (!key) {
			if (allowsAdditional) values[name] = asText(rawValue);
			else errors[name] = t.additional;
			continue;
		}
		const prop = props[key];
		if (prop.type === 'array') {
			const list = Array.isArray(rawValue) ? rawValue : product === 'pve' ? asText(rawValue).split('\0') : [rawValue];
			const out: Array<string | number> = [];
			for (const item of list) {
				const r = checkValue(prop.items ?? { type: 'string' }, item, product);
				if (r.error) {
					errors[name] = r.error;
					break;
				}
				out.push(r.value as string | number);
			}
			if (!errors[name]) values[name] = out;
			continue;
		}
		if (Array.isArray(rawValue)) {
			// Repeated form fields: pveproxy joins them with NUL, which then fails most checks.
			rawValue = rawValue.map(asText).join('\0');
		}
		if (prop.type === 'string' && asText(rawValue) === '' && isOptional(prop, product)) {
			values[name] = ''; // pveproxy treats empty optional strings as "unset" and skips checks
			continue;
		}
		const r = checkValue(prop, rawValue, product);
		if (r.error) errors[name] = r.error;
		else values[name] = r.value as string | number;
	}
	for (const [key, prop] of Object.entries(props)) {
		if (key.endsWith('[n]') || isOptional(prop, product) || key in raw) continue;
		errors[key] = t.missing;
	}
	return { values, errors };
}
