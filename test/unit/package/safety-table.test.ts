/** The README's safety tables are generated from the code (scripts/safety-table.ts) and must be current. */
import { readFileSync } from 'node:fs';

import { discordProperties } from '../../../nodes/Discord/description';
import { DISCORD_SAFETY } from '../../../nodes/Discord/safety';
import { emailProperties } from '../../../nodes/Email/description';
import { EMAIL_PER_CALL, EMAIL_SAFETY } from '../../../nodes/Email/safety';
import { GOTIFY_SAFETY } from '../../../nodes/Gotify/safety';
import { gotifyProperties } from '../../../nodes/Gotify/description';
import { NTFY_SAFETY } from '../../../nodes/Ntfy/safety';
import { ntfyProperties } from '../../../nodes/Ntfy/description';
import { RESOURCES } from '../../../nodes/Proxmox/actions/registry';
import { RESOURCES as PBS_RESOURCES } from '../../../nodes/ProxmoxBackupServer/actions/registry';
import { README, renderReadme } from '../../../scripts/safety-table';

function selectorValues(properties: typeof gotifyProperties): Array<[string | undefined, string]> {
	return properties
		.filter((property) => property.name === 'operation')
		.flatMap((property) => (property.options as Array<{ value: string }>).map((option): [string | undefined, string] => [property.displayOptions?.show?.resource?.[0] as string | undefined, option.value]));
}

describe('safety table', () => {
	it('README.md matches the code (run `npx tsx scripts/safety-table.ts` after changing a class)', () => {
		const readme = readFileSync(README, 'utf8');
		expect(renderReadme(readme)).toBe(readme);
	});

	it('every Gotify and ntfy operation in the editor has a class, and no class names a missing operation', () => {
		const gotify = selectorValues(gotifyProperties).map(([resource, op]) => `${resource}.${op}`).sort();
		expect(Object.entries(GOTIFY_SAFETY).flatMap(([resource, ops]) => Object.keys(ops).map((op) => `${resource}.${op}`)).sort()).toEqual(gotify);
		expect(Object.keys(NTFY_SAFETY).sort()).toEqual(selectorValues(ntfyProperties).map(([, op]) => op).sort());
	});

	it('every Discord Webhook and Email (SMTP) operation in the editor has a class, and no class names a missing operation', () => {
		expect(Object.keys(DISCORD_SAFETY).sort()).toEqual(selectorValues(discordProperties).map(([, op]) => op).sort());
		expect(Object.keys(EMAIL_SAFETY).sort()).toEqual(selectorValues(emailProperties).map(([, op]) => op).sort());
		expect(DISCORD_SAFETY.delete).toBe('destructive');
		const readme = readFileSync(README, 'utf8');
		const block = readme.slice(readme.indexOf('<!-- safety-table:others:start'), readme.indexOf('<!-- safety-table:others:end'));
		expect(block).toContain('| Delete a message (`delete`) | destructive |');
		// Both e-mail operations are classed per call (recipients outside "AI Allowed Recipients").
		expect(Object.keys(EMAIL_PER_CALL).sort()).toEqual(Object.keys(EMAIL_SAFETY).sort());
		expect(block).toContain('| Send an event as an email (`sendEvent`) | write † | as a tool, destructive for a To/CC/BCC address not on "AI Allowed Recipients" |');
	});

	it('every Proxmox and PBS operation classed per call says how, for the table', () => {
		const missing = [...RESOURCES, ...PBS_RESOURCES].flatMap((resource) => resource.operations.filter((op) => op.safetyFor && !op.safetyRule).map((op) => `${resource.value}.${op.value}`));
		expect(missing).toEqual([]);
	});

	it('the PBS node is in the README table, with API Call classed per call', () => {
		const readme = readFileSync(README, 'utf8');
		const block = readme.slice(readme.indexOf('<!-- safety-table:pbs:start'), readme.indexOf('<!-- safety-table:pbs:end'));
		expect(block).toContain('| **Prune** | Simulate, Get Many Prune Jobs |  | Apply ⏱, Run Prune Job Now ⏱ |');
		expect(block).toContain('| **API Call** |  | Call API ⏱ † |  | Call API: from the endpoint and parameters (rules below) |');
		expect(block).toContain('POST/PUT `^/access(/|$)`: changes users, tokens, permissions (ACLs), TFA or passwords;');
	});
});
