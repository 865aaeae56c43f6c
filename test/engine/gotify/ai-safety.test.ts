/**
 * Gotify as an AI tool: ids are integers before they reach a path, deletes are behind the package's
 * one destructive gate (nodes/shared/aiGuard.ts); and the failure paths of the action node a user
 * can hit (bad extras JSON, server errors).
 */
import type { NodeApiError } from 'n8n-workflow';

import { closeAllPools } from '../../../nodes/shared/transport';
import { runNode } from '../../helpers/engine';
import { startGotifySimulator, type GotifyApplication, type GotifyClient, type GotifySimulator } from '../../simulators/gotify';

let sim: GotifySimulator;
let app: GotifyApplication;
let client: GotifyClient;

const credentials = () => ({ proxmoxMcpGotifyApi: { serverUrl: sim.url, appToken: app.token, clientToken: client.token, tlsMode: 'system' } });
const tool = (parameters: Record<string, unknown>, allow = false) =>
	runNode('gotify', { ...parameters, ...(allow ? { allowDestructiveFromAi: true } : {}) } as never, { credentials: credentials(), asTool: true });

beforeEach(async () => {
	sim = await startGotifySimulator();
	app = sim.createApplication('admin', 'Proxmox', { description: 'PVE cluster' });
	client = sim.createClient('admin');
});
afterEach(async () => {
	await sim?.close();
	await closeAllPools();
});

describe('Gotify ids never steer a path', () => {
	it('refuses messageId "../application/2" instead of deleting an application, even with the opt-in', async () => {
		const other = sim.createApplication('admin', 'Other');
		const before = sim.requests.length;
		await expect(tool({ resource: 'message', operation: 'delete', messageId: `../application/${other.id}` }, true)).rejects.toThrow(
			`Message ID: "../application/${other.id}" is not a Gotify ID (a whole number from 1)`,
		);
		expect(sim.applications.map((a) => a.name)).toEqual(['Proxmox', 'Other']);
		expect(sim.requests.slice(before)).toEqual([]);
	});

	it('refuses application ids that are not whole numbers', async () => {
		for (const value of ['..', '1/message', '%2e%2e', '1?x=1', '1#x', '0']) {
			// As a model fills it: an expression ($fromAI), which the editor's field check does not see.
			const application = `={{ ${JSON.stringify({ __rl: true, mode: 'id', value })} }}`;
			await expect(tool({ resource: 'application', operation: 'update', application, applicationFields: { name: 'x' } })).rejects.toThrow(
				`Application: "${value}" is not a Gotify ID (a whole number from 1)`,
			);
		}
	});
});

describe('Gotify deletes are destructive for a model', () => {
	it('refuses deleting a message, all messages or an application until the owner opts in', async () => {
		const message = sim.postMessage(app.token, { message: 'keep me' });
		await expect(tool({ resource: 'message', operation: 'delete', messageId: message.id })).rejects.toThrow(
			'Refused: "Delete a message" (message.delete) is destructive and this Gotify tool does not allow destructive operations from AI.',
		);
		await expect(tool({ resource: 'message', operation: 'deleteAll', application: { __rl: true, mode: 'id', value: String(app.id) } })).rejects.toThrow(
			'Refused: "Delete all messages of an application" (message.deleteAll) is destructive and this Gotify tool does not allow destructive operations from AI.',
		);
		await expect(tool({ resource: 'application', operation: 'delete', application: { __rl: true, mode: 'id', value: String(app.id) } })).rejects.toThrow(
			'Refused: "Delete an application" (application.delete) is destructive and this Gotify tool does not allow destructive operations from AI.',
		);
		expect(sim.messages.map((m) => m.message)).toEqual(['keep me']);
		expect(sim.applications.map((a) => a.name)).toEqual(['Proxmox']);
		const [deleted] = await tool({ resource: 'message', operation: 'delete', messageId: message.id }, true);
		expect(deleted.json).toEqual({ deleted: true, id: message.id });
		expect(sim.messages).toEqual([]);
	});

	it('never shows application tokens to a model; a person sees them', async () => {
		const [created] = await tool({ resource: 'application', operation: 'create', name: 'Backups' });
		expect(created.json).toMatchObject({ name: 'Backups', token: '***' });
		const listed = await tool({ resource: 'application', operation: 'getMany', returnAll: true });
		expect(listed.map((item) => [item.json.name, item.json.token])).toEqual([
			['Proxmox', '***'],
			['Backups', '***'],
		]);
		const [manual] = await runNode('gotify', { resource: 'application', operation: 'getMany', returnAll: true }, { credentials: credentials() });
		expect(manual.json.token).toBe(app.token);
	});

	it('leaves reads and sends open to a model, and deletes open to a person', async () => {
		const [sent] = await tool({ resource: 'message', operation: 'send', message: 'from a model' });
		expect(sent.json).toMatchObject({ message: 'from a model', appid: app.id });
		const listed = await tool({ resource: 'message', operation: 'getMany', returnAll: true });
		expect(listed.map((item) => item.json.message)).toEqual(['from a model']);
		const [deleted] = await runNode('gotify', { resource: 'message', operation: 'delete', messageId: Number(sent.json.id) }, { credentials: credentials() });
		expect(deleted.json).toEqual({ deleted: true, id: sent.json.id });
	});
});

describe('Gotify action failures', () => {
	it('names bad extras JSON and extras that are not an object, sending nothing', async () => {
		const before = sim.requests.length;
		await expect(runNode('gotify', { resource: 'message', operation: 'send', message: 'x', options: { extras: '{"a":' } }, { credentials: credentials() })).rejects.toThrow('Extras (JSON) is not valid JSON');
		await expect(runNode('gotify', { resource: 'message', operation: 'send', message: 'x', options: { extras: '[1]' } }, { credentials: credentials() })).rejects.toThrow('Extras (JSON) must be a JSON object');
		expect(sim.requests.slice(before)).toEqual([]);
	});

	it('reports a 5xx answer with its status and the server\'s error text', async () => {
		// Gotify's error body (gotify/server api/errorHandling.go): {error, errorCode, errorDescription}.
		sim.injectResponse(503, JSON.stringify({ error: 'Service Unavailable', errorCode: 503, errorDescription: 'database is locked' }));
		const error = (await runNode('gotify', { resource: 'message', operation: 'send', message: 'x' }, { credentials: credentials() }).catch((e: Error) => e)) as NodeApiError;
		expect(error).toMatchObject({ name: 'NodeApiError', httpCode: '503' });
		expect(error.message).toBe('Gotify answered 503: database is locked');
		expect(sim.messages).toEqual([]);
	});
});
