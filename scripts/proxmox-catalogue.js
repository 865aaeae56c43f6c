#!/usr/bin/env node
/**
 * Generates the Proxmox VE data files the package ships, from the official API schema
 * (proxmox/pve-docs api-viewer/apidata.js, see test/simulators/proxmox/schemas/SOURCES.md):
 * - nodes/Proxmox/data/pve-api-catalogue.json.gz: every endpoint with its description and
 *   parameters, for the node's "API Call" operation (loaded lazily, only when that runs).
 * - nodes/shared/proxmox/data/pve-return-booleans.json: where each endpoint's answer has
 *   boolean fields, so the client turns Proxmox's 0/1 into false/true only there.
 * - nodes/ProxmoxBackupServer/data/pbs-api-catalogue.json.gz: the same for Proxmox Backup Server
 *   (PBS 4 schema), for the Proxmox Backup Server node's "API Call". PBS writes its patterns as
 *   Rust regexes between slashes (`/^…$/`); they are stored without the slashes.
 * Usage: node scripts/proxmox-catalogue.js [path/to/pve9-apischema.json(.gz)] [path/to/pbs-apischema.json(.gz)]
 */
const { readFileSync, writeFileSync, mkdirSync } = require('node:fs');
const { gunzipSync, gzipSync } = require('node:zlib');
const { join, dirname } = require('node:path');

const root = join(__dirname, '..');
function readSchema(input) {
	const raw = readFileSync(input);
	return JSON.parse((input.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
}
const tree = readSchema(process.argv[2] || join(root, 'test/simulators/proxmox/schemas/pve9-apischema.json.gz'));
const pbsTree = readSchema(process.argv[3] || join(root, 'test/simulators/proxmox/schemas/pbs-apischema.json.gz'));

const MAX_DESCRIPTION = 300;
const MAX_PARAM_DESCRIPTION = 200;

function shorten(text, max) {
	if (!text) return undefined;
	const flat = String(text).replace(/\s+/g, ' ').trim();
	return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function compactParam(name, schema) {
	const param = { n: name, t: schema.type || 'string' };
	if (!schema.optional) param.r = 1;
	const description = shorten(schema.description, MAX_PARAM_DESCRIPTION);
	if (description) param.d = description;
	if (Array.isArray(schema.enum)) param.e = schema.enum;
	if (typeof schema.format === 'string') param.f = schema.format;
	else if (schema.typetext && schema.typetext !== '<string>') param.x = shorten(schema.typetext, 200);
	if (schema.minimum !== undefined) param.min = schema.minimum;
	if (schema.maximum !== undefined) param.max = schema.maximum;
	if (schema.pattern) param.p = /^\/.*\/$/.test(schema.pattern) ? schema.pattern.slice(1, -1) : schema.pattern;
	if (schema.default !== undefined) param.def = schema.default;
	if (schema.maxLength !== undefined) param.ml = schema.maxLength;
	return param;
}

/** Boolean shape of a return schema: {"*": {...}} for arrays, {field: 1 | {...}} for objects. */
function booleanShape(schema, depth = 0) {
	if (!schema || depth > 6) return undefined;
	if (schema.type === 'boolean') return 1;
	if (schema.type === 'array' && schema.items) {
		const inner = booleanShape(schema.items, depth + 1);
		return inner ? { '*': inner } : undefined;
	}
	if (schema.properties) {
		const out = {};
		for (const [key, value] of Object.entries(schema.properties)) {
			const inner = booleanShape(value, depth + 1);
			if (inner) out[key] = inner;
		}
		return Object.keys(out).length ? out : undefined;
	}
	return undefined;
}

function walk(nodes, endpoints, booleans) {
	for (const node of nodes) {
		for (const [method, info] of Object.entries(node.info || {})) {
			const properties = (info.parameters && info.parameters.properties) || {};
			const entry = { m: method, p: node.path };
			const description = shorten(info.description, MAX_DESCRIPTION);
			if (description) entry.d = description;
			const params = Object.entries(properties)
				.filter(([name]) => !node.path.includes(`{${name}}`))
				.map(([name, schema]) => compactParam(name, schema));
			if (params.length) entry.a = params;
			const pathParams = Object.entries(properties)
				.filter(([name]) => node.path.includes(`{${name}}`))
				.map(([name, schema]) => compactParam(name, schema));
			if (pathParams.length) entry.v = pathParams;
			if (info.permissions) {
				const perm = info.permissions;
				const text = perm.description || (perm.check ? JSON.stringify(perm.check) : perm.user ? `user: ${perm.user}` : undefined);
				if (text) entry.perm = shorten(text, 200);
			}
			if (info.protected) entry.pr = 1;
			endpoints.push(entry);
			const shape = booleanShape(info.returns);
			if (shape) booleans[`${method} ${node.path}`] = shape;
		}
		if (node.children) walk(node.children, endpoints, booleans);
	}
}
function catalogue(schemaTree) {
	const endpoints = [];
	const booleans = {};
	walk(schemaTree, endpoints, booleans);
	endpoints.sort((a, b) => (a.p === b.p ? a.m.localeCompare(b.m) : a.p.localeCompare(b.p)));
	return { endpoints, booleans };
}
const { endpoints, booleans } = catalogue(tree);

const catalogueFile = join(root, 'nodes/Proxmox/data/pve-api-catalogue.json.gz');
const booleansFile = join(root, 'nodes/shared/proxmox/data/pve-return-booleans.json');
mkdirSync(dirname(catalogueFile), { recursive: true });
mkdirSync(dirname(booleansFile), { recursive: true });
const catalogueJson = JSON.stringify({ source: 'Proxmox VE 9.1 API schema (proxmox/pve-docs apidata.js)', endpoints });
// Node's gzip header carries no mtime, so reruns give byte-identical files.
writeFileSync(catalogueFile, gzipSync(Buffer.from(catalogueJson), { level: 9 }));
writeFileSync(booleansFile, `${JSON.stringify(booleans)}\n`);
console.log(
	`${endpoints.length} endpoints; catalogue ${catalogueJson.length} bytes JSON, ${readFileSync(catalogueFile).length} bytes gzipped; ` +
		`${Object.keys(booleans).length} endpoints with boolean fields, ${readFileSync(booleansFile).length} bytes`,
);

const pbs = catalogue(pbsTree);
const pbsFile = join(root, 'nodes/ProxmoxBackupServer/data/pbs-api-catalogue.json.gz');
mkdirSync(dirname(pbsFile), { recursive: true });
const pbsJson = JSON.stringify({ source: 'Proxmox Backup Server 4 API schema (proxmox-backup apidoc.js)', endpoints: pbs.endpoints });
writeFileSync(pbsFile, gzipSync(Buffer.from(pbsJson), { level: 9 }));
console.log(`PBS: ${pbs.endpoints.length} endpoints; catalogue ${pbsJson.length} bytes JSON, ${readFileSync(pbsFile).length} bytes gzipped`);
