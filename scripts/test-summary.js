#!/usr/bin/env node
// Prints jest's result file as one plain closing line: "tests: N passed, N failed, N skipped".
const { readFileSync, existsSync } = require('node:fs');

const file = process.argv[2] || '.cache/jest-results.json';
if (!existsSync(file)) {
	console.log('tests: 0 passed, 1 failed (jest wrote no results)');
	process.exit(0);
}
const results = JSON.parse(readFileSync(file, 'utf8'));
const failedSuites = results.numFailedTestSuites || 0;
const failed = (results.numFailedTests || 0) + (results.numRuntimeErrorTestSuites || 0);
if (failedSuites) {
	for (const suite of results.testResults.filter((s) => s.status === 'failed')) console.log(`failed suite: ${suite.name}`);
}
const skipped = (results.numPendingTests || 0) + (results.numTodoTests || 0);
console.log(`tests: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
