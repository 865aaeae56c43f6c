#!/usr/bin/env node
// Prints jest's result files (one per run: `npm test`, `npm run test:scale`) as one plain closing
// line: "tests: N passed, N failed, N skipped". A run that wrote no file counts as one failure.
const { readFileSync, existsSync } = require('node:fs');

const files = process.argv.length > 2 ? process.argv.slice(2) : ['.cache/jest-results.json'];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of files) {
	if (!existsSync(file)) {
		console.log(`no results: ${file} (jest wrote none)`);
		failed += 1;
		continue;
	}
	const results = JSON.parse(readFileSync(file, 'utf8'));
	if (results.numFailedTestSuites) {
		for (const suite of results.testResults.filter((s) => s.status === 'failed')) console.log(`failed suite: ${suite.name}`);
	}
	passed += results.numPassedTests || 0;
	failed += (results.numFailedTests || 0) + (results.numRuntimeErrorTestSuites || 0);
	skipped += (results.numPendingTests || 0) + (results.numTodoTests || 0);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
