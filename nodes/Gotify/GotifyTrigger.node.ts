import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IDataObject,
	type ILoadOptionsFunctions,
	type INodeCredentialTestResult,
	type INodePropertyOptions,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
	type JsonObject,
} from 'n8n-workflow';

import { readmeUrl } from '../shared/docs';
import { emitExecution, readStreamPacing, streamPacingOptions } from '../shared/pacing';
import { WebSocketHandshakeError } from '../shared/transport';
import { CursorStore, ResumableStream } from '../shared/stream';
import { testGotifyCredential } from './credentialTest';
import { gotifyEvent } from './event';
import { listApplications } from './operations';
import { GotifyStreamSource } from './stream';
import { GOTIFY_CREDENTIAL, gotifyConnection, GotifyServerError, type GotifyConnection, type GotifyMessage } from './transport';

export class GotifyTrigger implements INodeType {
	description: INodeTypeDescription = {
		// n8n-nodes-base has a "Gotify" node too: the package's pair must be told apart in the panel.
		displayName: 'Gotify (Proxmox MCP) Trigger',
		name: 'gotifyTrigger',
		icon: { light: 'file:gotify.svg', dark: 'file:gotify.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"Priority " + $parameter["minPriority"] + " and up"}}',
		// n8n's node panel shows one entry for this trigger and the Gotify node, with this text:
		// it says what both do (editor-ui generateMergedNodesAndActions).
		description:
			'Send, read and delete Gotify messages, or start the workflow for each message Gotify receives (e.g. from Proxmox\'s Gotify notification target) without loss across disconnects and restarts',
		documentationUrl: readmeUrl('gotify'),
		defaults: { name: 'Gotify Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'proxmoxMcpGotifyApi', required: true, testedBy: 'gotifyConnectionTest' }],
		properties: [
			{
				displayName: 'Application Names or IDs',
				name: 'applications',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getApplications' },
				default: [],
				description:
					'Only messages of these applications. Empty means all. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Minimum Priority',
				name: 'minPriority',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 10 },
				default: 0,
				description: 'Ignore messages below this priority (Proxmox sends info 1, notice 3, warning 5, error 9)',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Dead Connection Timeout (Seconds)',
						name: 'deadAfterSeconds',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 90,
						description: 'Reconnect when no message, ping or pong arrived for this long. n8n pings the server at a third of this interval.',
					},
					streamPacingOptions.maxConcurrentExecutions,
					streamPacingOptions.queueSize,
				],
			},
		],
	};

	methods = {
		credentialTest: {
			async gotifyConnectionTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				return await testGotifyCredential(credential.data ?? {});
			},
		},
		loadOptions: {
			async getApplications(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const connection = gotifyConnection(await this.getCredentials(GOTIFY_CREDENTIAL));
				const applications = await listApplications(connection).catch((error: Error) => {
					throw new NodeOperationError(this.getNode(), error.message);
				});
				return applications.map((app) => ({ name: app.name, value: app.id, description: app.description || undefined }));
			},
		},
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const toNodeError = (error: Error) => {
			if (error instanceof GotifyServerError) {
				return new NodeApiError(this.getNode(), (error.body ?? { message: error.message }) as JsonObject, { message: error.message, httpCode: String(error.status) });
			}
			if (error instanceof WebSocketHandshakeError) {
				const hint = error.status === 401 ? ': check the client token of the Gotify credential' : error.status === 403 ? ': the token is not a client token' : '';
				return new NodeApiError(this.getNode(), { message: error.message, body: error.body } as JsonObject, { message: `${error.message}${hint}`, httpCode: String(error.status) });
			}
			return new NodeOperationError(this.getNode(), error.message);
		};
		let connection: GotifyConnection;
		try {
			connection = gotifyConnection(await this.getCredentials(GOTIFY_CREDENTIAL));
		} catch (error) {
			throw toNodeError(error as Error);
		}
		if (!connection.clientToken) {
			// The editor cannot see the credential's fields, so this is said here, at activation.
			throw new NodeOperationError(this.getNode(), 'The Gotify credential has no Client Token', {
				description:
					'The trigger reads the message stream, and the messages missed while disconnected, with a client token (an application token can only send). Create one in the Gotify web UI under Clients and enter it as Client Token in the credential.',
			});
		}
		const applications = new Set((this.getNodeParameter('applications', []) as Array<number | string>).map(Number));
		const minPriority = this.getNodeParameter('minPriority', 0) as number;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const deadAfterMs = Math.max(1, Number(options.deadAfterSeconds ?? 90)) * 1000;
		const manual = this.getMode() === 'manual';
		const pacing = readStreamPacing(options);
		// Pacing needs n8n to report when an execution finished; a manual run stops at its first message.
		const waitForExecution = !manual && pacing.maxInFlight > 0;
		const names = new ApplicationNames(connection);
		const stream: ResumableStream<GotifyMessage> = new ResumableStream<GotifyMessage>({
			source: new GotifyStreamSource(connection, Math.max(500, Math.floor(deadAfterMs / 3))),
			store: new CursorStore(this.getWorkflowStaticData('node')),
			resume: !manual,
			deadAfterMs,
			maxInFlight: waitForExecution ? pacing.maxInFlight : 0,
			maxQueue: pacing.maxQueue,
			deliver: (message) => {
				if (applications.size > 0 && !applications.has(message.appid)) return;
				if ((message.priority ?? 0) < minPriority) return;
				// `this.emit` is looked up at emit time (emitExecution): n8n swaps it in after trigger() returns in manual runs.
				const done = emitExecution(this, [[{ json: gotifyEvent(message, names.get(message.appid)) }]], waitForExecution);
				if (manual) stream.stop();
				return done;
			},
			fail: (error) => this.emitError(toNodeError(error)),
			log: (text) => this.logger.warn(`Gotify Trigger: ${text}`),
		});
		const start = async () => {
			try {
				await names.refresh();
				await stream.start();
			} catch (error) {
				throw toNodeError(error as Error);
			}
		};
		if (manual) return { closeFunction: async () => stream.stop(), manualTriggerFunction: start };
		await start();
		return { closeFunction: async () => stream.stop() };
	}
}

/** Application names for the items, loaded at activation and refreshed when a new app appears. */
class ApplicationNames {
	private names = new Map<number, string>();
	private refreshing = false;

	constructor(private readonly connection: GotifyConnection) {}

	/** Rejects only on auth failures; other errors leave names unknown (they are a convenience). */
	async refresh(): Promise<void> {
		const applications = await listApplications(this.connection).catch((error: Error) => {
			if (error instanceof GotifyServerError && error.isAuthFailure) return Promise.reject(error);
			return undefined;
		});
		if (applications) this.names = new Map(applications.map((app) => [app.id, app.name]));
	}

	get(appid: number): string | null {
		const name = this.names.get(appid);
		if (name === undefined && !this.refreshing) {
			this.refreshing = true;
			void this.refresh()
				.catch(() => undefined)
				.finally(() => (this.refreshing = false));
		}
		return name ?? null;
	}
}
