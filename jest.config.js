// Three layers (see README "Tests"): unit and engine run in `npm run test:fast`; e2e drives a real n8n;
// scale runs n8n in queue mode (main + workers on Redis and Postgres): `npm run test:scale`, which
// `.ci/run` runs after `npm test` (README "Scale-out").
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
	testTimeout: 30000,
	projects: [
		{ ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/simulators/**/*.test.ts'] },
		{ ...common, displayName: 'engine', testMatch: ['<rootDir>/test/engine/**/*.test.ts'] },
		{
			...common,
			displayName: 'e2e',
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
			globalSetup: '<rootDir>/test/e2e/global-setup.ts',
			globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
		},
		{ ...common, displayName: 'scale', testMatch: ['<rootDir>/test/scale/**/*.test.ts'] },
	],
};
