// Copies what tsc does not emit into dist: node/credential icons, codex files (X.node.json)
// and data files a node loads at run time (e.g. the Proxmox endpoint catalogue).
const { src, dest, parallel } = require('gulp');

const assets = ['**/*.svg', '**/*.png', '**/*.node.json', '**/data/**/*.json', '**/data/**/*.json.gz'];

function copyNodeAssets() {
	return src(assets.map((glob) => `nodes/${glob}`), { base: 'nodes', encoding: false }).pipe(dest('dist/nodes'));
}

function copyCredentialAssets() {
	return src(assets.map((glob) => `credentials/${glob}`), { base: 'credentials', encoding: false, allowEmpty: true }).pipe(
		dest('dist/credentials'),
	);
}

exports.build = parallel(copyNodeAssets, copyCredentialAssets);
exports.default = exports.build;
