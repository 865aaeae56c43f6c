// n8n's community-node rules without the n8n Cloud restrictions: the triggers need sockets and
// timers (UDP/TCP syslog, WebSocket and HTTP streams), which Cloud-verified nodes may not use.
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

const n8nNodeRulesOff = (config) =>
	Object.fromEntries(
		config
			.flatMap((entry) => Object.keys(entry.rules ?? {}))
			.filter((rule) => rule.startsWith('@n8n/community-nodes/') || rule.startsWith('n8n-nodes-base/'))
			.map((rule) => [rule, 'off']),
	);

export default [
	...configWithoutCloudSupport,
	{ ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.cache/**', '*.js', 'scripts/**/*.js'] },
	{
		// Shared libraries below the nodes (transport, Proxmox client, parsers) throw their own
		// typed errors (TransportError, ProxmoxApiError...); each node turns them into
		// NodeApiError / NodeOperationError with the node and item index, which only it has.
		files: ['nodes/shared/**/*.ts'],
		rules: { '@n8n/community-nodes/require-node-api-error': 'off' },
	},
	{
		// The package needs undici (HTTP/TLS pinning), ws (Gotify stream) and dgram-as-promised
		// (syslog) at run time; n8n installs a community package's dependencies into its own folder.
		files: ['package.json'],
		rules: { '@n8n/community-nodes/no-runtime-dependencies': 'off' },
	},
	{
		// Dev-only code (tests, simulators, benchmarks, scripts) is not a node: n8n's node rules do
		// not apply; it prints figures and starts processes (n8n, logger, rsyslog).
		files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
		rules: { 'no-console': 'off', ...n8nNodeRulesOff(configWithoutCloudSupport) },
	},
];
