/**
 * The README's safety tables, generated from the code: every operation of the Proxmox, Proxmox
 * Backup Server, Gotify, ntfy, Discord Webhook and Email (SMTP) action nodes with its class (read / write / destructive),
 * per-call rules, and each API Call's destructive endpoint rules. `npx tsx scripts/safety-table.ts` rewrites the blocks between the
 * `<!-- safety-table:… -->` markers; test/unit/package/safety-table.test.ts fails when they are stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { DISCORD_ACTIONS, DISCORD_SAFETY } from '../nodes/Discord/safety';
import { EMAIL_ACTIONS, EMAIL_PER_CALL, EMAIL_SAFETY } from '../nodes/Email/safety';
import { GOTIFY_ACTIONS, GOTIFY_SAFETY } from '../nodes/Gotify/safety';
import { NTFY_ACTIONS, NTFY_SAFETY } from '../nodes/Ntfy/safety';
import { RESOURCES } from '../nodes/Proxmox/actions/registry';
import { DESTRUCTIVE_RULES } from '../nodes/Proxmox/helpers/apiCallSafety';
import { RESOURCES as PBS_RESOURCES } from '../nodes/ProxmoxBackupServer/actions/registry';
import { PBS_DESTRUCTIVE_RULES } from '../nodes/ProxmoxBackupServer/helpers/apiCallSafety';
import { ruleText, type EndpointRule } from '../nodes/shared/actions/apiCallSafety';
import type { ProxmoxResource } from '../nodes/shared/actions/types';
import type { OperationSafety } from '../nodes/shared/aiGuard';

export const README = join(__dirname, '..', 'README.md');

const CLASSES: OperationSafety[] = ['read', 'write', 'destructive'];

function resourceTable(resources: ProxmoxResource[]): string {
	const rows = ['| Resource | Read | Write | Destructive | Classed per call |', '| --- | --- | --- | --- | --- |'];
	for (const resource of resources) {
		const cells = CLASSES.map((safety) =>
			resource.operations
				.filter((op) => op.safety === safety)
				.map((op) => `${op.name}${op.startsTask ? ' ⏱' : ''}${op.safetyFor ? ' †' : ''}`)
				.join(', '),
		);
		const perCall = resource.operations
			.filter((op) => op.safetyFor)
			.map((op) => `${op.name}: ${op.safetyRule ?? 'per call'}`)
			.join('; ');
		rows.push(`| **${resource.name}** | ${cells.join(' | ')} | ${perCall} |`);
	}
	return rows.join('\n');
}

/** One row per operation; with `perCall`, a last column for the operations classed per call (†). */
function simpleTable(title: string, entries: Array<[string, string, OperationSafety]>, perCall?: Record<string, string>): string {
	const rows = perCall ? [`| ${title} operation | Class | Classed per call |`, '| --- | --- | --- |'] : [`| ${title} operation | Class |`, '| --- | --- |'];
	for (const [key, action, safety] of entries) {
		rows.push(perCall ? `| ${action} (\`${key}\`) | ${safety}${perCall[key] ? ' †' : ''} | ${perCall[key] ?? ''} |` : `| ${action} (\`${key}\`) | ${safety} |`);
	}
	return rows.join('\n');
}

function apiCallRules(product: string, rules: EndpointRule[], byParameters: string, others: string): string {
	const lines = [`${product} API Call is classed per call from the endpoint (method and schema path) and its parameters. Destructive:`, '', '- every `DELETE`; a `POST`/`PUT` to an endpoint missing from the API schema;', `- ${byParameters};`];
	for (const rule of rules) lines.push(`- ${ruleText(rule)};`);
	lines.push(
		'',
		`Everything else is a read (\`GET\`) or a write, as the curated operations class it: ${others}. Answers have secrets masked (\`***\`): any field named like a password, secret, token, ticket, key or TFA recovery code, and the \`value\` of a new API token.`,
	);
	return lines.join('\n');
}

export function renderBlocks(): Record<string, string> {
	const gotify: Array<[string, string, OperationSafety]> = Object.entries(GOTIFY_SAFETY).flatMap(([resource, ops]) =>
		Object.entries(ops).map(([op, safety]): [string, string, OperationSafety] => [`${resource}.${op}`, GOTIFY_ACTIONS[`${resource}.${op}`], safety]),
	);
	const flat = (safety: Record<string, OperationSafety>, actions: Record<string, string>): Array<[string, string, OperationSafety]> =>
		Object.entries(safety).map(([op, verdict]) => [op, actions[op], verdict]);
	const ntfy = flat(NTFY_SAFETY, NTFY_ACTIONS);
	const discord = flat(DISCORD_SAFETY, DISCORD_ACTIONS);
	const email = flat(EMAIL_SAFETY, EMAIL_ACTIONS);
	return {
		proxmox: `${resourceTable(RESOURCES)}\n\n⏱ starts a Proxmox task. † classed per call (last column).`,
		others: `${simpleTable('Gotify', gotify)}\n\n${simpleTable('ntfy', ntfy)}\n\n${simpleTable('Discord Webhook', discord)}\n\n${simpleTable('Email (SMTP)', email, EMAIL_PER_CALL)}\n\n${apiCallRules(
			'Proxmox VE',
			DESTRUCTIVE_RULES,
			'a `/config` write of a guest, as Update Config; a guest create with `force`; any write setting `prune-backups` or `maxfiles`',
			'migrate, clone, create, start, reboot, suspend, resize (PVE only grows disks), a shutdown without `forceStop` and backups are writes',
		)}`,
		pbs: `${resourceTable(PBS_RESOURCES)}\n\n⏱ starts a PBS task. † classed per call (last column).\n\n${apiCallRules(
			'Proxmox Backup Server',
			PBS_DESTRUCTIVE_RULES,
			'any write setting retention (`keep-last` … `keep-yearly`, `prune-schedule`; not a prune with `dry-run`) or `remove-vanished`',
			'garbage collection, verify, sync, notes, protection and namespace creation are writes',
		)}`,
	};
}

/** The README with every block replaced by its generated text. */
export function renderReadme(readme: string): string {
	let out = readme;
	for (const [name, body] of Object.entries(renderBlocks())) {
		const start = `<!-- safety-table:${name}:start (generated by scripts/safety-table.ts) -->`;
		const end = `<!-- safety-table:${name}:end -->`;
		const from = out.indexOf(start);
		const to = out.indexOf(end);
		if (from < 0 || to < from) throw new Error(`README.md has no ${name} safety-table block`);
		out = `${out.slice(0, from + start.length)}\n${body}\n${out.slice(to)}`;
	}
	return out;
}

if (require.main === module) {
	const current = readFileSync(README, 'utf8');
	const next = renderReadme(current);
	if (next !== current) writeFileSync(README, next);
	console.log(next === current ? 'README safety tables are up to date' : 'README safety tables rewritten');
}
