#!/usr/bin/env node
// `npm run bench`: runs every bench/*.ts (after `npm run build`) one after the other with tsx; each
// prints its own figures. `npm run bench -- syslog` runs only files whose name contains "syslog".
const { readdirSync } = require('node:fs');
const { join } = require('node:path');
const { execFileSync } = require('node:child_process');

const root = join(__dirname, '..');
const filter = process.argv[2] ?? '';
const files = readdirSync(join(root, 'bench'))
	.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && file.includes(filter))
	.sort();
if (files.length === 0) {
	console.log(`no benchmark matches "${filter}"`);
	process.exit(0);
}
const tsx = require.resolve('tsx/cli', { paths: [root] });
for (const file of files) {
	console.log(`\n### bench/${file}`);
	execFileSync(process.execPath, ['--expose-gc', tsx, join('bench', file)], { cwd: root, stdio: 'inherit' });
}
