/**
 * Port checks for `npm start` and `npm run sim`: find a busy port before anything slow starts,
 * and say which port, what wanted it and the option that changes it (instead of a bare
 * `listen EADDRINUSE`).
 */
'use strict';

const net = require('net');

/**
 * Resolves undefined when `port` can be listened on at `host` (all interfaces when host is
 * undefined), else the listen error (code EADDRINUSE, EACCES...).
 */
function tryListen(port, host) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', (error) => resolve(error));
		server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
	});
}

/**
 * The message for a port that cannot be used. `what` names the user ("the Proxmox VE simulator"),
 * `option` the flag that changes it (`--pve-port`), `commands` how to pass it.
 */
function portProblem(error, { port, what, option, commands }) {
	const examples = commands.map((command) => `${command} -- ${option} <port>`).join(' or ');
	if (error.code === 'EADDRINUSE') {
		return `Port ${port} (${what}) is already in use. Stop the program that uses it (ss -ltnp 'sport = :${port}' shows it), or choose another port with ${option}: ${examples}.`;
	}
	if (error.code === 'EACCES') return `Port ${port} (${what}) needs root (ports below 1024). Choose another port with ${option}: ${examples}.`;
	return `Port ${port} (${what}) cannot be used: ${error.message}. Choose another port with ${option}: ${examples}.`;
}

/** Throws an Error with portProblem's text for the first port of `checks` that cannot be used. */
async function assertPortsFree(checks) {
	for (const check of checks) {
		const error = await tryListen(check.port, check.host);
		if (error) throw Object.assign(new Error(portProblem(error, check)), { code: error.code, port: check.port });
	}
}

module.exports = { tryListen, portProblem, assertPortsFree };
