import { NodeOperationError } from 'n8n-workflow';

import { resolveGuest } from '../../helpers/guests';
import { guestLocator } from '../common.descriptions';
import { guestSummary } from '../guest/common';
import type { ProxmoxOperation } from '../types';

interface ExecStatus {
	exited?: boolean | number;
	exitcode?: number;
	signal?: number;
	'out-data'?: string;
	'err-data'?: string;
	'out-truncated'?: boolean | number;
	'err-truncated'?: boolean | number;
}

async function pause(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Splits a command line into arguments, honouring single and double quotes. */
export function splitCommand(command: string): string[] {
	const args: string[] = [];
	const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
	let match: RegExpExecArray | null;
	while ((match = pattern.exec(command))) args.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2] ?? match[3]);
	return args;
}

export const agentExec: ProxmoxOperation = {
	value: 'agentExec',
	name: 'Guest Agent Run Command',
	action: 'Run a command inside a VM',
	description:
		'Runs a program inside a running VM through the QEMU guest agent and waits for it to exit. Inputs: VMID or name, command line (program and arguments, no shell unless you call one, e.g. sh -c "..."). Returns exit code, stdout and stderr.',
	// Arbitrary commands can do anything inside the guest.
	safety: 'destructive',
	properties: [
		guestLocator('qemu'),
		{ displayName: 'Command', name: 'command', type: 'string', default: '', required: true, placeholder: 'uname -a', description: 'Program and arguments; quote arguments containing spaces' },
		{ displayName: 'Input', name: 'inputData', type: 'string', default: '', description: 'Text passed to the program on stdin' },
		{ displayName: 'Timeout (Seconds)', name: 'execTimeout', type: 'number', default: 60, typeOptions: { minValue: 1 }, description: 'How long to wait for the program to exit' },
	],
	async execute(ctx) {
		const guest = await resolveGuest(ctx, 'qemu');
		const command = splitCommand(ctx.fn.getNodeParameter('command', ctx.itemIndex) as string);
		if (!command.length) throw new NodeOperationError(ctx.fn.getNode(), 'Command is empty', { itemIndex: ctx.itemIndex });
		const input = ctx.fn.getNodeParameter('inputData', ctx.itemIndex, '') as string;
		const timeoutMs = (ctx.fn.getNodeParameter('execTimeout', ctx.itemIndex, 60) as number) * 1000;
		const started = await ctx.client.post<{ pid: number }>(`${guest.base}/agent/exec`, { command, 'input-data': input || undefined });
		const deadline = Date.now() + timeoutMs;
		let delay = 200;
		for (;;) {
			const status = await ctx.client.get<ExecStatus>(`${guest.base}/agent/exec-status`, { pid: started.pid });
			if (status?.exited) {
				return {
					...guestSummary(guest),
					pid: started.pid,
					exitCode: status.exitcode ?? null,
					signal: status.signal ?? null,
					stdout: status['out-data'] ?? '',
					stderr: status['err-data'] ?? '',
					truncated: Boolean(status['out-truncated'] || status['err-truncated']),
				};
			}
			if (Date.now() + delay > deadline) {
				throw new NodeOperationError(ctx.fn.getNode(), `The command (pid ${started.pid}) was still running after ${timeoutMs / 1000} s`, { itemIndex: ctx.itemIndex });
			}
			await pause(delay);
			delay = Math.min(2000, delay * 2);
		}
	},
};
