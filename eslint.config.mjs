// n8n's community-node rules without the n8n Cloud restrictions: the triggers need sockets and
// timers (UDP/TCP syslog, WebSocket and HTTP streams), which Cloud-verified nodes may not use.
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

export default [
	...configWithoutCloudSupport,
	{ ignores: ['dist/**', 'node_modules/**', 'coverage/**', '*.js', 'scripts/**/*.js'] },
	{
		// Dev-only code (tests, simulators, benchmarks) prints figures and diagnostics.
		files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
		rules: { 'no-console': 'off' },
	},
];
