/**
 * Proxmox sends booleans as 0/1. Where the API schema declares a returned field boolean, the
 * client turns it into false/true for n8n; every other number stays a number.
 */
import { PathTemplateIndex } from './paths';

/** `1` marks a boolean; `*` holds the shape of array items. */
export type BooleanShape = 1 | { [field: string]: BooleanShape };

let shapes: Record<string, BooleanShape> | undefined;
let index: PathTemplateIndex | undefined;

function load(): { shapes: Record<string, BooleanShape>; index: PathTemplateIndex } {
	if (!shapes || !index) {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		shapes = require('./data/pve-return-booleans.json') as Record<string, BooleanShape>;
		const templates = new Set(Object.keys(shapes).map((key) => key.slice(key.indexOf(' ') + 1)));
		index = new PathTemplateIndex(templates);
	}
	return { shapes, index };
}

export function applyBooleanShape(value: unknown, shape: BooleanShape | undefined): unknown {
	if (shape === undefined || value === null || value === undefined) return value;
	if (shape === 1) {
		if (value === 0 || value === '0') return false;
		if (value === 1 || value === '1') return true;
		return value;
	}
	if (Array.isArray(value)) {
		const itemShape = shape['*'];
		return itemShape === undefined ? value : value.map((item) => applyBooleanShape(item, itemShape));
	}
	if (typeof value === 'object') {
		const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
		for (const [field, fieldShape] of Object.entries(shape)) {
			if (field !== '*' && field in out) out[field] = applyBooleanShape(out[field], fieldShape);
		}
		return out;
	}
	return value;
}

/** Normalises the `data` of a PVE answer for `method path` (concrete path, without /api2/json). */
export function normaliseBooleans(method: string, path: string, data: unknown): unknown {
	const loaded = load();
	const match = loaded.index.match(path);
	if (!match) return data;
	return applyBooleanShape(data, loaded.shapes[`${method.toUpperCase()} ${match.template}`]);
}
