/** Reads an HTTP `Retry-After` answer (seconds or an HTTP date) as whole seconds from now. */
export function retryAfterSeconds(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
	const raw = headers['retry-after'];
	const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
	if (!value) return undefined;
	if (/^\d+$/.test(value)) return Number(value);
	const date = Date.parse(value);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, Math.ceil((date - now) / 1000));
}
