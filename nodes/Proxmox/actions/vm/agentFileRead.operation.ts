import { onToolOnly, runsAsTool, type SafetyVerdict } from '../../../shared/aiGuard';
import { resolveGuest } from '../../helpers/guests';
import { guestLocator } from '../common.descriptions';
import { guestSummary } from '../guest/common';
import type { OperationContext, ProxmoxOperation } from '../types';

/** The owner's list: one entry per line or comma; an entry ending in "/" (or "\") allows its folder. */
export function readablePaths(raw: string): string[] {
	return raw
		.split(/[\n,]/)
		.map((entry) => entry.trim())
		.filter(Boolean);
}

/** Why a model may not read `file` with this allow list, or undefined when it may. */
export function readRefusal(file: string, allowList: string[]): string | undefined {
	const absolute = file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file);
	const parts = file.split(/[\\/]/).slice(1);
	if (!absolute || /[\0\r\n]/.test(file) || parts.some((part) => part === '' || part === '.' || part === '..')) {
		return `"${file.slice(0, 200)}" is not a plain absolute path (no ".", ".." or empty segments)`;
	}
	const allowed = allowList.some((entry) => (/[\\/]$/.test(entry) ? file.startsWith(entry) : file === entry));
	return allowed ? undefined : `"${file.slice(0, 200)}" is not on the node's "AI Readable Paths"`;
}

function fileSafety(ctx: OperationContext): SafetyVerdict {
	if (!runsAsTool(ctx.fn)) return 'read';
	const file = String(ctx.fn.getNodeParameter('file', ctx.itemIndex, '') ?? '');
	const refusal = readRefusal(file, readablePaths(String(ctx.fn.getNodeParameter('aiReadablePaths', ctx.itemIndex, '') ?? '')));
	return refusal ? { safety: 'destructive', reason: `reads any file inside the guest: ${refusal}`, byReading: true } : 'read';
}

export const agentFileRead: ProxmoxOperation = {
	value: 'agentFileRead',
	name: 'Guest Agent Read File',
	action: 'Read a file inside a VM',
	description:
		'Reads a text file inside a running VM through the QEMU guest agent (up to 16 MiB). Inputs: VMID or name, absolute file path. Returns content and whether it was truncated. As an AI tool it reads only the paths the workflow owner listed in "AI Readable Paths" (other paths count as destructive).',
	safety: 'read',
	safetyFor: fileSafety,
	safetyRule: 'as a tool, destructive for a path not on "AI Readable Paths"',
	refusalAdvice: 'The owner may also add the path (or its folder, ending in "/") to "AI Readable Paths".',
	properties: [
		guestLocator('qemu'),
		{ displayName: 'File Path', name: 'file', type: 'string', default: '', required: true, placeholder: '/etc/os-release' },
		{
			displayName: 'AI Readable Paths',
			name: 'aiReadablePaths',
			type: 'string',
			// The owner's list: no expression, so no $fromAI button a model could fill (aiGuard.ts).
			noDataExpression: true,
			typeOptions: { rows: 3 },
			default: '',
			placeholder: '/etc/os-release\n/var/log/myapp/',
			// Only read when the node runs as an AI tool (nodes/shared/aiGuard.ts).
			displayOptions: onToolOnly(),
			description:
				'When an AI agent uses this node as a tool: the only files it may read, one per line (an entry ending in "/" allows that folder). Other paths are refused unless "Allow Destructive Operations From AI" is on. Symbolic links inside the guest are not resolved.',
		},
	],
	async execute(ctx) {
		const guest = await resolveGuest(ctx, 'qemu');
		const file = ctx.fn.getNodeParameter('file', ctx.itemIndex) as string;
		const data = await ctx.client.get<{ content?: string; truncated?: boolean | number }>(`${guest.base}/agent/file-read`, { file });
		return { ...guestSummary(guest), file, content: data?.content ?? '', truncated: Boolean(data?.truncated) };
	},
};
