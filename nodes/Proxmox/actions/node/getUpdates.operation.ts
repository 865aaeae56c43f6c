import { nodeRead } from './simple';

export const getUpdates = nodeRead({
	value: 'getUpdates',
	name: 'Get Available Updates',
	action: 'Get available package updates of a node',
	description: 'Lists the APT package updates available on a node (package, old and new version, priority, section), as of the last package index refresh. Input: node.',
	path: '/apt/update',
});
