import { gunzipSync } from 'zlib';
import { readFileSync } from 'fs';
import { join } from 'path';
import type { SchemaId, SchemaNode } from './types';
import { RouteIndex } from './routes';

/** Parsed and indexed once per process: the schemas are megabytes of JSON. */
const cache = new Map<SchemaId, RouteIndex>();

export function loadSchemaTree(id: SchemaId): SchemaNode[] {
	const file = join(__dirname, '..', 'schemas', `${id}-apischema.json.gz`);
	return JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as SchemaNode[];
}

export function getRouteIndex(id: SchemaId): RouteIndex {
	let index = cache.get(id);
	if (!index) {
		index = new RouteIndex(loadSchemaTree(id));
		cache.set(id, index);
	}
	return index;
}
