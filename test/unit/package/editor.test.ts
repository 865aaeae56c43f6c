/**
 * What the editor shows, checked on the built node descriptions (dist/) with n8n-workflow's own
 * display logic (NodeHelpers.displayParameter, the function the editor uses): only the fields that
 * apply, dropdowns with options, node panel texts that say what each entry does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { NodeHelpers, type ICredentialType, type INode, type INodeParameters, type INodeProperties, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

const ROOT = join(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

function load<T>(file: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const mod = require(join(ROOT, file)) as Record<string, new () => T>;
	const exported = Object.values(mod).find((value) => typeof value === 'function');
	return new exported!();
}

const nodes = (manifest.n8n.nodes as string[]).map((file) => load<INodeType>(file).description as INodeTypeDescription);
const byName = (name: string) => nodes.find((node) => node.name === name)!;

function fakeNode(description: INodeTypeDescription, parameters: INodeParameters): INode {
	return { id: '1', name: description.defaults.name ?? description.displayName, type: `n8n-nodes-proxmox-mcp.${description.name}`, typeVersion: 1, position: [0, 0], parameters };
}

/** Names of the fields of `properties` the editor shows for these values. */
function shown(description: INodeTypeDescription, properties: INodeProperties[], values: INodeParameters, root: INodeParameters = values): string[] {
	const node = fakeNode(description, root);
	return properties.filter((property) => NodeHelpers.displayParameter(values, property, node, description, root)).map((property) => property.name);
}

describe('ntfy action buttons', () => {
	const ntfy = byName('ntfy');
	const actions = ntfy.properties.find((property) => property.name === 'actions')!;
	const button = (actions.options as Array<{ name: string; values: INodeProperties[] }>).find((option) => option.name === 'button')!.values;

	it.each([
		['view', ['action', 'clear', 'label', 'url']],
		['http', ['action', 'body', 'clear', 'headers', 'label', 'method', 'url']],
		['broadcast', ['action', 'clear', 'extras', 'intent', 'label']],
	])('a %s button shows only its own fields', (action, fields) => {
		const root = { operation: 'publish', actions: { button: [{ action }] } };
		expect(shown(ntfy, button, { action }, root).sort()).toEqual(fields);
	});

	it('the HTTP method dropdown has options, POST first by default', () => {
		const method = button.find((field) => field.name === 'method')!;
		expect(method.type).toBe('options');
		expect((method.options ?? []).map((option) => (option as { value: string }).value).sort()).toEqual(['DELETE', 'GET', 'PATCH', 'POST', 'PUT']);
		expect(method.default).toBe('POST');
	});

	it('every JSON example in a button field description is valid JSON', () => {
		for (const field of button.filter((f) => f.type === 'json')) {
			const example = /e\.g\.\s*(\{.*\})/.exec(field.description ?? '')?.[1];
			expect({ field: field.name, example: Boolean(example) }).toEqual({ field: field.name, example: true });
			expect(() => JSON.parse(example!)).not.toThrow();
		}
	});
});

describe('node panel entries', () => {
	// n8n's node panel merges a trigger `xTrigger` with its action node `x` into one entry and shows
	// the TRIGGER's description for it (editor-ui useActionsGenerator: generateMergedNodesAndActions,
	// `s.description = r.description`): that text must say the entry also sends.
	const pairs = nodes
		.filter((node) => node.group.includes('trigger'))
		.map((trigger) => [trigger, nodes.find((node) => node.name === trigger.name.replace('Trigger', ''))] as const)
		.filter((pair): pair is readonly [INodeTypeDescription, INodeTypeDescription] => pair[1] !== undefined);

	it('covers the Gotify, ntfy and Proxmox pairs', () => {
		expect(pairs.map(([trigger]) => trigger.name).sort()).toEqual(['gotifyTrigger', 'ntfyTrigger', 'proxmoxTrigger']);
	});

	it.each(pairs.map(([trigger, action]) => [action.name, trigger, action] as const))('the merged %s entry says it acts and starts workflows', (_name, trigger) => {
		expect(trigger.description).toMatch(/^(Send|Publish|Query and control)\b/);
		expect(trigger.description).toMatch(/start the workflow/i);
	});

	it('action nodes describe what they do, not what the trigger does', () => {
		for (const action of pairs.map(([, a]) => a)) expect(action.description).not.toMatch(/^Starts the workflow/);
	});

	it('the Gotify entry is told apart from n8n\'s built-in "Gotify" node (n8n-nodes-base Gotify displayName)', () => {
		expect(byName('gotify').displayName).not.toBe('Gotify');
		expect(byName('gotifyTrigger').displayName.replace(' Trigger', '')).toBe(byName('gotify').displayName);
	});
});

describe('Gotify Trigger', () => {
	it('shows no notice about the credential, which the editor cannot read (a missing client token is an activation error)', () => {
		const trigger = byName('gotifyTrigger');
		expect(trigger.properties.filter((property) => property.type === 'notice' && /client token/i.test(property.displayName))).toEqual([]);
	});
});

describe('documentation links and credential names', () => {
	const HOMEPAGE: string = manifest.homepage;
	const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
	// GitHub's and npm's heading anchors: lower case, punctuation dropped, spaces to hyphens.
	const anchors = new Set(
		[...readme.matchAll(/^#{1,6} (.+)$/gm)].map((match) =>
			match[1]
				.trim()
				.toLowerCase()
				.replace(/[^\p{L}\p{N} _-]/gu, '')
				.replace(/ /g, '-'),
		),
	);
	const credentials = (manifest.n8n.credentials as string[]).map((file) => load<ICredentialType>(file));
	const codexOf = (node: INodeTypeDescription) => {
		const file = (manifest.n8n.nodes as string[]).find((f) => load<INodeType>(f).description.name === node.name)!;
		return JSON.parse(readFileSync(join(ROOT, file.replace(/\.js$/, '.json')), 'utf8')) as { resources: Record<string, Array<{ url: string }>> };
	};
	const expectReadmeSection = (url: string | undefined, what: string) => {
		expect({ what, url: url?.startsWith(`${HOMEPAGE}#`) }).toEqual({ what, url: true });
		expect({ what, anchor: anchors.has(url!.slice(HOMEPAGE.length + 1)) }).toEqual({ what, anchor: true });
	};

	it('every node links to its README section (description and codex)', () => {
		for (const node of nodes) {
			expectReadmeSection(node.documentationUrl, `${node.name}.documentationUrl`);
			const resources = codexOf(node).resources;
			for (const [kind, links] of Object.entries(resources)) for (const link of links) expectReadmeSection(link.url, `${node.name} codex ${kind}`);
		}
	});

	it('every credential links to its README section', () => {
		for (const credential of credentials) expectReadmeSection(credential.documentationUrl, `${credential.name}.documentationUrl`);
	});

	it('credential names read like a product name, not a package name, and are told apart from n8n\'s own', () => {
		const names = credentials.map((credential) => credential.displayName);
		expect(names).toContain('Proxmox VE API');
		for (const name of names) expect(name).not.toMatch(/MCP Package|Proxmox MCP Syslog/);
		// n8n-nodes-base 2.41 credential display names these could be confused with.
		expect(names).not.toContain('Gotify API');
		expect(new Set(names).size).toBe(names.length);
	});
});

describe('Email (SMTP): the AI recipient allow-list', () => {
	const email = byName('smtpEmail');
	// What n8n generates for usableAsTool: the same description named `<name>Tool`, which the
	// `@tool` display condition reads.
	const tool: INodeTypeDescription = { ...email, name: `${email.name}Tool`, displayName: `${email.displayName} Tool` };
	const aiFields = ['aiAllowedRecipients', 'allowDestructiveFromAi'];

	it.each(['send', 'sendEvent'])('%s: shown on the AI tool only', (operation) => {
		expect(shown(email, email.properties, { operation }).filter((name) => aiFields.includes(name))).toEqual([]);
		expect(shown(tool, tool.properties, { operation }).filter((name) => aiFields.includes(name))).toEqual(aiFields);
	});
});

describe('AI-only settings', () => {
	// The operations of a node: every resource/operation pair (or operation alone).
	const combinations = (node: INodeTypeDescription): INodeParameters[] => {
		const resources = (node.properties.find((p) => p.name === 'resource')?.options ?? []).map((o) => (o as { value: string }).value);
		const operationsFor = (resource?: string) =>
			node.properties
				.filter((p) => p.name === 'operation' && (!resource || (p.displayOptions?.show?.resource as string[] | undefined)?.includes(resource)))
				.flatMap((p) => (p.options ?? []).map((o) => (o as { value: string }).value));
		return resources.length ? resources.flatMap((resource) => operationsFor(resource).map((operation) => ({ resource, operation }))) : operationsFor().map((operation) => ({ operation }));
	};
	const AI_ONLY = ['allowDestructiveFromAi', 'aiAllowedRecipients', 'aiReadablePaths'];

	it.each(nodes.filter((node) => node.usableAsTool).map((node) => [node.name, node] as const))('%s shows them on its AI tool only, and the opt-in on the tool wherever an operation is destructive', (_name, node) => {
		const tool: INodeTypeDescription = { ...node, name: `${node.name}Tool`, displayName: `${node.displayName} Tool` };
		let shownOnTool = 0;
		for (const values of combinations(node)) {
			expect({ values, shown: shown(node, node.properties, values).filter((name) => AI_ONLY.includes(name)) }).toEqual({ values, shown: [] });
			if (shown(tool, tool.properties, values).includes('allowDestructiveFromAi')) shownOnTool++;
		}
		// The owner's settings take no expression: n8n's editor offers its "let the model define this
		// parameter" ($fromAI) button on every tool parameter except options and noDataExpression ones.
		for (const property of node.properties.filter((p) => AI_ONLY.includes(p.name))) expect({ name: property.name, noDataExpression: property.noDataExpression }).toEqual({ name: property.name, noDataExpression: true });
		// ntfy has no destructive operation (NTFY_SAFETY), hence no opt-in.
		expect(shownOnTool > 0).toBe(node.properties.some((p) => p.name === 'allowDestructiveFromAi'));
	});
});
