/**
 * "When will this storage be full?" from its RRD history: a least-squares line through the used
 * bytes over time, extrapolated to the total. A shrinking or flat trend means no forecast.
 */
export interface UsagePoint {
	time: number;
	used: number;
	total: number;
}

export interface StorageForecast {
	used: number;
	total: number;
	usedPercent: number;
	growthBytesPerDay: number;
	daysUntilFull: number | null;
	fullAt: string | null;
	/** How well a straight line explains the history (0..1). */
	fit: number;
	points: number;
}

export function forecastFull(points: UsagePoint[], nowSeconds: number): StorageForecast | undefined {
	const usable = points.filter((p) => Number.isFinite(p.time) && Number.isFinite(p.used) && Number.isFinite(p.total) && p.total > 0);
	if (usable.length < 2) return undefined;
	const n = usable.length;
	const meanT = usable.reduce((s, p) => s + p.time, 0) / n;
	const meanU = usable.reduce((s, p) => s + p.used, 0) / n;
	let sxy = 0;
	let sxx = 0;
	let syy = 0;
	for (const p of usable) {
		sxy += (p.time - meanT) * (p.used - meanU);
		sxx += (p.time - meanT) ** 2;
		syy += (p.used - meanU) ** 2;
	}
	const slope = sxx === 0 ? 0 : sxy / sxx; // bytes per second
	const fit = sxx === 0 || syy === 0 ? 0 : (sxy * sxy) / (sxx * syy);
	const last = usable[usable.length - 1];
	const base = { used: last.used, total: last.total, usedPercent: Math.round((last.used / last.total) * 10000) / 100, growthBytesPerDay: Math.round(slope * 86400), fit: Math.round(fit * 1000) / 1000, points: n };
	if (slope <= 0) return { ...base, daysUntilFull: null, fullAt: null };
	const secondsLeft = Math.max(0, (last.total - last.used) / slope - (nowSeconds - last.time));
	return {
		...base,
		daysUntilFull: Math.round((secondsLeft / 86400) * 10) / 10,
		fullAt: new Date((nowSeconds + secondsLeft) * 1000).toISOString(),
	};
}
