import type { Product } from '../schema/types';

const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');

export interface UpidParts {
	node: string;
	pid: number;
	pstart: number;
	/** PBS only: the per-process task counter. */
	taskId?: number;
	starttime: number;
	type: string;
	id: string;
	user: string;
}

/** systemd-style escaping PBS applies to worker ids (`/` becomes `-`, other specials `\xNN`). */
export function escapeWorkerId(id: string): string {
	let out = '';
	for (const [i, ch] of [...id].entries()) {
		if (ch === '/') out += '-';
		else if (/[_.0-9a-zA-Z]/.test(ch) && !(i === 0 && ch === '.')) out += ch;
		else out += [...Buffer.from(ch)].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
	}
	return out;
}

export function encodeUpid(product: Product, p: UpidParts): string {
	if (product === 'pbs') {
		return `UPID:${p.node}:${hex(p.pid, 8)}:${hex(p.pstart, 8)}:${hex(p.taskId ?? 0, 8)}:${hex(p.starttime, 8)}:${p.type}:${escapeWorkerId(p.id)}:${p.user}:`;
	}
	return `UPID:${p.node}:${hex(p.pid, 8)}:${hex(p.pstart, 8)}:${hex(p.starttime, 8)}:${p.type}:${p.id}:${p.user}:`;
}

const PVE_RE = /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$/;
const PBS_RE = /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8,16}):([0-9A-Fa-f]{8}):([^:\s]+):([^:\s]*):([^:\s]+):$/;

export function decodeUpid(product: Product, upid: string): UpidParts | undefined {
	if (product === 'pbs') {
		const m = PBS_RE.exec(upid);
		if (!m) return undefined;
		return { node: m[1], pid: parseInt(m[3], 16), pstart: parseInt(m[4], 16), taskId: parseInt(m[5], 16), starttime: parseInt(m[6], 16), type: m[7], id: m[8], user: m[9] };
	}
	const m = PVE_RE.exec(upid);
	if (!m) return undefined;
	return { node: m[1], pid: parseInt(m[3], 16), pstart: parseInt(m[4], 16), starttime: parseInt(m[5], 16), type: m[6], id: m[7], user: m[8] };
}
