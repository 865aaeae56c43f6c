/**
 * Parameter encoding as pveproxy reads it: query string for GET/DELETE, form body for POST/PUT
 * (booleans as 1/0, arrays as repeated keys). Empty values are dropped so optional fields left
 * blank in n8n are not sent.
 */
import { assertPathValue } from './validate';

export type ProxmoxParamValue = string | number | boolean | Array<string | number> | null | undefined;
export type ProxmoxParams = Record<string, ProxmoxParamValue>;

export function encodeParams(params: ProxmoxParams | undefined): string {
	const search = new URLSearchParams();
	for (const [key, value] of Object.entries(params ?? {})) {
		if (value === undefined || value === null || value === '') continue;
		if (Array.isArray(value)) {
			for (const entry of value) search.append(key, String(entry));
		} else if (typeof value === 'boolean') {
			search.append(key, value ? '1' : '0');
		} else {
			search.append(key, String(value));
		}
	}
	return search.toString();
}

/**
 * Joins path segments, URL-encoding each variable part (UPIDs, volume IDs contain ':' and '/').
 * An empty value, `.` or `..` (which URL parsing would collapse, moving the request to another
 * endpoint) throws UnsafePathError.
 */
export function apiPath(strings: TemplateStringsArray, ...values: Array<string | number>): string {
	let out = strings[0];
	values.forEach((value, index) => {
		assertPathValue(value);
		out += encodeURIComponent(String(value)) + strings[index + 1];
	});
	return out;
}
