/**
 * The package as n8n and npm see it: manifest fields, what `npm pack` ships (no tests, no
 * simulators), and n8n's conventions for every node and credential (codex, light/dark icons,
 * usableAsTool on action nodes only, globally unique credential names).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { ICredentialType, INodeType, INodeTypeDescription } from 'n8n-workflow';

const ROOT = join(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

function load<T>(file: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const mod = require(join(ROOT, file)) as Record<string, new () => T>;
	const exported = Object.values(mod).find((value) => typeof value === 'function');
	return new exported!();
}

const nodes = (manifest.n8n.nodes as string[]).map((file) => ({ file, description: load<INodeType>(file).description as INodeTypeDescription }));
const credentials = (manifest.n8n.credentials as string[]).map((file) => ({ file, type: load<ICredentialType>(file) }));

describe('package.json', () => {
	it('declares an n8n community package', () => {
		expect(manifest.name).toBe('n8n-nodes-proxmox-mcp');
		expect(manifest.license).toBe('MIT');
		expect(manifest.keywords).toContain('n8n-community-node-package');
		expect(manifest.n8n.n8nNodesApiVersion).toBe(1);
		expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect([...manifest.files].sort()).toEqual(['LICENSE', 'README.md', 'dist', 'workflows']);
	});

	it('has runtime dependencies only from the design brief', () => {
		// The brief's libraries, plus the mail libraries the email issues name: nodemailer (what n8n's
		// own Send Email uses) and mailparser (MIME parsing for the email trigger).
		const allowed = ['undici', 'ws', 'dgram-as-promised', 'imapflow', 'nodemailer', 'mailparser'];
		expect(Object.keys(manifest.dependencies ?? {}).filter((name) => !allowed.includes(name))).toEqual([]);
	});

	it('lists built files that exist', () => {
		for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
			expect(file).toMatch(/^dist\//);
			expect(existsSync(join(ROOT, file))).toBe(true);
		}
	});
});

describe('npm pack', () => {
	const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' })) as Array<{
		files: Array<{ path: string }>;
		size: number;
		unpackedSize: number;
	}>;
	const files = packed[0].files.map((file) => file.path);

	it('ships only dist, workflows, README, LICENSE and package.json', () => {
		const unexpected = files.filter((path) => !/^(dist\/|workflows\/|README\.md$|LICENSE$|package\.json$)/.test(path));
		expect(unexpected).toEqual([]);
	});

	it('ships no tests, test sources or simulator code', () => {
		expect(files.filter((path) => /(^|\/)(test|tests|__tests__|simulators?)(\/|$)|\.test\.|\.spec\.|\.ts$/.test(path) && !path.endsWith('.d.ts'))).toEqual([]);
	});

	it('leaves the README screenshots out (docs/ stays in the repository)', () => {
		expect(files.filter((path) => /^docs\/|\.png$/.test(path))).toEqual([]);
	});

	it('stays small (figure printed for the README)', () => {
		console.log(`npm pack: ${files.length} files, ${(packed[0].size / 1024).toFixed(0)} KiB packed, ${(packed[0].unpackedSize / 1024).toFixed(0)} KiB unpacked`);
		expect(packed[0].size).toBeLessThan(5 * 1024 * 1024);
	});
});

describe('README screenshots (npm run screenshots)', () => {
	const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
	const workflows = readdirSync(join(ROOT, 'workflows')).filter((file) => file.endsWith('.json'));

	it.each([...workflows.map((file) => file.replace(/\.json$/, '')), 'proxmox-incident-agent-execution'])('%s: committed and shown in the README', (name) => {
		const image = `docs/screenshots/${name}.png`;
		expect({ image, exists: existsSync(join(ROOT, image)) }).toEqual({ image, exists: true });
		expect(readme).toContain(`(${image})`);
	});
});

describe('nodes follow n8n conventions', () => {
	it.each(nodes.map((node) => [node.description.name, node] as const))('%s has codex, light and dark icons', (_name, { file, description }) => {
		const dir = dirname(join(ROOT, file));
		const base = file.split('/').pop()!.replace(/\.js$/, '');
		const codex = JSON.parse(readFileSync(join(dir, `${base}.json`), 'utf8'));
		expect(codex.node).toBe(`n8n-nodes-proxmox-mcp.${description.name}`);
		expect(codex.categories?.length).toBeGreaterThan(0);
		const icon = description.icon as { light: string; dark: string };
		expect(typeof icon).toBe('object');
		for (const variant of [icon.light, icon.dark]) {
			expect(variant).toMatch(/^file:.+\.svg$/);
			expect(existsSync(join(dir, variant.replace(/^file:/, '')))).toBe(true);
		}
	});

	it('action nodes are usable as AI tools; triggers are not', () => {
		for (const { description } of nodes) {
			const isTrigger = description.group.includes('trigger') || description.inputs.length === 0;
			expect({ name: description.name, usableAsTool: Boolean(description.usableAsTool) }).toEqual({ name: description.name, usableAsTool: !isTrigger });
		}
	});

	it('node names are unique', () => {
		const names = nodes.map((node) => node.description.name);
		expect(new Set(names).size).toBe(names.length);
	});
});

describe('credentials', () => {
	// Names other packages (and n8n itself) already use: credential type names are global in n8n.
	const taken = ['proxmoxApi', 'proxmoxBackupServerApi', 'gotifyApi', 'ntfyApi', 'syslogApi', 'discordWebhookApi', 'imap'];

	it('have globally unique names of this package', () => {
		for (const { type } of credentials) {
			expect(taken).not.toContain(type.name);
			expect(type.name).toMatch(/^proxmoxMcp[A-Z]/);
		}
	});

	it('are used by at least one node, and secrets are password fields', () => {
		const used = new Set(nodes.flatMap((node) => (node.description.credentials ?? []).map((credential) => credential.name)));
		for (const { type } of credentials) {
			expect(used).toContain(type.name);
			for (const property of type.properties) {
				if (/secret|password|token|privateKey|key$/i.test(property.name) && property.type === 'string' && !/Id$|tokenId/.test(property.name)) {
					expect({ field: `${type.name}.${property.name}`, password: property.typeOptions?.password === true }).toEqual({
						field: `${type.name}.${property.name}`,
						password: true,
					});
				}
			}
		}
	});
});
