/**
 * The packed package, installed like Community Nodes does, loads in a real n8n 2.41.1: every
 * node and credential is registered, action nodes get their Tool variant, no errors are logged,
 * and every shipped workflow imports with only known node types.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { N8nClient } from './client';
import { listWorkflowFiles, packageProblemsInLog, PACKAGE_NAME, PACKAGE_ROOT, readState } from './n8n';

interface Manifest {
	n8n: { nodes: string[]; credentials: string[] };
}

function loadPackageTypes() {
	const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as Manifest;
	const load = (file: string) => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const mod = require(join(PACKAGE_ROOT, file)) as Record<string, new () => { description?: { name: string; usableAsTool?: boolean }; name?: string }>;
		return new (Object.values(mod)[0])();
	};
	return {
		nodes: manifest.n8n.nodes.map((file) => load(file).description!),
		credentials: manifest.n8n.credentials.map((file) => load(file).name!),
	};
}

// Loaded once, before any request: requiring every node blocks the event loop for seconds on a
// busy machine, long enough for n8n to close fetch's idle keep-alive socket unnoticed, so the next
// request failed with "other side closed".
const ourTypes = loadPackageTypes();
const packageTypes = () => ourTypes;

describe('package in a real n8n 2.41.1', () => {
	const client = new N8nClient();

	it('registers every node (and Tool variant) under the package prefix', async () => {
		const registered = new Set((await client.nodeTypes()).map((type) => type.name));
		const { nodes } = packageTypes();
		expect(nodes.length).toBeGreaterThan(0);
		for (const node of nodes) {
			expect(registered).toContain(`${PACKAGE_NAME}.${node.name}`);
			if (node.usableAsTool) expect(registered).toContain(`${PACKAGE_NAME}.${node.name}Tool`);
		}
	});

	it('registers every credential type', async () => {
		const registered = new Set((await client.credentialTypes()).map((type) => type.name));
		for (const name of packageTypes().credentials) expect(registered).toContain(name);
	});

	it('logged no error about the package', () => {
		const state = readState();
		expect(packageProblemsInLog(state.logFile, state.n8nDir)).toEqual([]);
	});

	it('imports every shipped workflow with known node types only', async () => {
		const registered = new Set((await client.nodeTypes()).map((type) => type.name));
		for (const file of listWorkflowFiles()) {
			const workflow = JSON.parse(readFileSync(file, 'utf8'));
			const unknown = (workflow.nodes as Array<{ type: string }>).map((node) => node.type).filter((type) => !registered.has(type));
			expect({ file, unknown }).toEqual({ file, unknown: [] });
			const id = await client.createWorkflow({ ...workflow, name: `import check: ${workflow.name}` });
			expect(id).toBeTruthy();
		}
	});

	it('node and credential display names are not those of n8n\'s own nodes and credentials', async () => {
		const ours = (name: string) => name.startsWith(`${PACKAGE_NAME}.`);
		const types = (await client.nodeTypes()) as unknown as Array<{ name: string; displayName: string }>;
		// The node panel drops " Trigger" from triggers it merges with their action node.
		const panelName = (type: { displayName: string }) => type.displayName.replace(/ Trigger$/, '');
		const builtIn = new Set(types.filter((type) => !ours(type.name)).map(panelName));
		const clashes = types.filter((type) => ours(type.name) && !type.name.endsWith('Tool') && builtIn.has(panelName(type))).map((type) => type.displayName);
		expect(clashes).toEqual([]);
		const credentials = (await client.credentialTypes()) as unknown as Array<{ name: string; displayName: string }>;
		const ourCredentials = new Set(packageTypes().credentials);
		const builtInCredentials = new Set(credentials.filter((type) => !ourCredentials.has(type.name)).map((type) => type.displayName));
		const credentialClashes = credentials.filter((type) => ourCredentials.has(type.name) && builtInCredentials.has(type.displayName)).map((type) => type.displayName);
		expect(credentialClashes).toEqual([]);
	});
});
