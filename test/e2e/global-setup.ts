/**
 * Starts one real n8n 2.41.1 for all e2e tests, with the packed package installed as Community
 * Nodes installs it; its coordinates go to stateFile() for the test files.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { installN8n, installPackageLikeCommunityNodes, makeUserFolder, packPackage, startN8n, stateFile } from './n8n';

export default async function globalSetup(): Promise<void> {
	const started = Date.now();
	const n8nDir = await installN8n();
	const userFolder = makeUserFolder();
	const tarball = await packPackage(join(userFolder, 'pack'));
	await installPackageLikeCommunityNodes(tarball, userFolder);
	const { state, child } = await startN8n({ n8nDir, userFolder });
	child.unref();
	writeFileSync(stateFile(), JSON.stringify({ ...state, tarball }, null, 2));
	process.stdout.write(`\ne2e: n8n 2.41.1 ready at ${state.url} in ${Math.round((Date.now() - started) / 1000)} s (user folder ${userFolder})\n`);
}
