/**
 * Checks on everything that becomes part of an API path, made before the path is built: a value a
 * model (or an expression) hands over must never move the request to another endpoint.
 *
 * WHATWG URL parsing (undici, `new URL`) collapses `.` and `..` segments, also written `%2e`,
 * `.%2E`..., and turns `\` into `/` for https URLs: `/nodes/../status` would reach `/status`.
 */

/** PVE's `pve-node` format (PVE::JSONSchema::pve_verify_node_name). */
export const NODE_NAME_PATTERN = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
/** PVE's `pve-storage-id` format (PVE::JSONSchema::parse_storage_id). */
export const STORAGE_ID_PATTERN = /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i;
/** PVE's `pve-vmid` range (PVE::JSONSchema: 100 to 999999999). */
export const VMID_MIN = 100;
export const VMID_MAX = 999_999_999;

/** A path built from a value that would leave the intended endpoint. */
export class UnsafePathError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UnsafePathError';
	}
}

function decodeDots(segment: string): string {
	return segment.replace(/%2e/gi, '.');
}

function isDotSegment(segment: string): boolean {
	const decoded = decodeDots(segment);
	return decoded === '.' || decoded === '..';
}

/** Why `value` cannot be one path segment, or undefined when it can (it is encoded afterwards). */
export function pathValueProblem(value: string): string | undefined {
	if (value === '') return 'is empty';
	// Encoded slashes are decoded by some servers before routing: no part may be a dot segment.
	const parts = value.split(/[/\\]/);
	if (parts.some((part) => isDotSegment(part) || isDotSegment(safeDecode(part)))) return 'contains a "." or ".." path segment';
	return undefined;
}

function safeDecode(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}

export function assertPathValue(value: string | number): void {
	const text = String(value);
	const problem = pathValueProblem(text);
	if (problem) throw new UnsafePathError(`Refused "${text.slice(0, 100)}" as part of an API path: it ${problem}`);
}

/** RFC 3986 path characters (unreserved, percent-encoded, sub-delims, ':' '@') and '/'. */
const PATH_CHARACTERS = /^[A-Za-z0-9\-._~%!$&'()*+,;=:@/]*$/;

/**
 * Last check on a whole API path (relative to the API base) before it is sent: absolute, no empty,
 * `.` or `..` segments (also percent-encoded), no query or fragment, nothing WHATWG URL rewrites.
 */
export function assertSafeApiPath(path: string): void {
	const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path;
	if (!path.startsWith('/')) throw new UnsafePathError(`Refused API path "${shown}": it must start with "/"`);
	if (!PATH_CHARACTERS.test(path)) {
		throw new UnsafePathError(`Refused API path "${shown}": it contains characters a path must not have ("?", "#", "\\", spaces or controls are encoded or left out)`);
	}
	const segments = path.slice(1).split('/');
	for (const segment of segments) {
		if (segment === '') throw new UnsafePathError(`Refused API path "${shown}": it has an empty segment`);
		const problem = pathValueProblem(safeDecode(segment));
		if (problem || isDotSegment(segment)) throw new UnsafePathError(`Refused API path "${shown}": a segment ${problem ?? 'is "." or ".."'}`);
	}
}

/** Problem text for a node name, or undefined when valid. */
export function nodeNameProblem(value: string): string | undefined {
	if (!value) return 'is empty';
	if (value.length > 63 || !NODE_NAME_PATTERN.test(value)) return 'is not a node name (letters, digits and "-", as PVE\'s pve-node format)';
	return undefined;
}

export function storageIdProblem(value: string): string | undefined {
	if (!value) return 'is empty';
	if (!STORAGE_ID_PATTERN.test(value)) return 'is not a storage ID (a letter, then letters, digits, "-", "_" or ".", as PVE\'s pve-storage-id format)';
	return undefined;
}

/** Problem text for a VMID, or undefined when valid (100 to 999999999). */
export function vmidProblem(value: string | number): string | undefined {
	const text = String(value).trim();
	if (!/^\d+$/.test(text)) return 'is not a VMID (a whole number from 100 to 999999999)';
	const vmid = Number(text);
	if (vmid < VMID_MIN || vmid > VMID_MAX) return 'is not a VMID (a whole number from 100 to 999999999)';
	return undefined;
}
