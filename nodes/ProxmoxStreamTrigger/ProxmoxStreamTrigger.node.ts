import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IDataObject,
	type INodeCredentialTestResult,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
	type JsonObject,
} from 'n8n-workflow';

import { readmeUrl } from '../shared/docs';
import { emitExecution, readStreamPacing, streamPacingOptions } from '../shared/pacing';
import { CursorStore, ResumableStream } from '../shared/stream';
import { openWebSocket, WebSocketHandshakeError } from '../shared/transport';
import { DEFAULT_PATHS, mapMessage, type FieldPaths, type MappedMessage } from './mapping';
import { readRelayConnection, WebSocketRelaySource } from './source';

export class ProxmoxStreamTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Proxmox Stream Trigger',
		name: 'proxmoxStreamTrigger',
		icon: { light: 'file:proxmox.svg', dark: 'file:proxmox.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["format"] === "text" ? "Text messages" : "JSON messages"}}',
		description: 'Starts the workflow for each message of a WebSocket event relay (JSON or text), mapped to the Proxmox event shape, reconnecting with backoff and detecting dead connections',
		documentationUrl: readmeUrl('proxmoxStreamTrigger'),
		defaults: { name: 'Proxmox Stream Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'proxmoxMcpWebSocketApi', required: true, testedBy: 'webSocketConnectionTest' }],
		properties: [
			{
				displayName: 'Message Format',
				name: 'format',
				type: 'options',
				options: [
					{ name: 'JSON', value: 'json', description: 'Fields are read with the paths below (text that is not JSON passes as the message)' },
					{ name: 'Text', value: 'text', description: 'Each message is the event\'s message' },
				],
				default: 'json',
			},
			{
				displayName: 'Field Paths',
				name: 'paths',
				type: 'collection',
				placeholder: 'Set Path',
				displayOptions: { show: { format: ['json'] } },
				default: {},
				description: 'Dot paths into the JSON message. The defaults read a Proxmox notification (title, message, severity, timestamp, fields).',
				options: [
					{ displayName: 'Event Type', name: 'type', type: 'string', default: 'fields.type', description: 'A Proxmox notification type (vzdump, fencing…) maps to the shared vocabulary; other values are kept' },
					{ displayName: 'Host', name: 'host', type: 'string', default: 'fields.hostname' },
					{ displayName: 'ID', name: 'id', type: 'string', default: 'id', description: 'Messages with an ID seen recently are dropped (a relay that repeats after a reconnect)' },
					{ displayName: 'Message', name: 'message', type: 'string', default: 'message' },
					{ displayName: 'Severity', name: 'severity', type: 'string', default: 'severity', description: 'Syslog names, Proxmox severities or 0-7' },
					{ displayName: 'Timestamp', name: 'timestamp', type: 'string', default: 'timestamp', description: 'Epoch seconds or milliseconds, or an ISO date' },
					{ displayName: 'Title', name: 'title', type: 'string', default: 'title' },
					{ displayName: 'VMID', name: 'vmid', type: 'string', default: 'vmid' },
				],
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
						description: 'Reconnect when no message, ping or pong arrived for this long. n8n pings the relay at a third of this interval.',
					},
					streamPacingOptions.maxConcurrentExecutions,
					streamPacingOptions.queueSize,
				],
			},
		],
	};

	methods = {
		credentialTest: {
			async webSocketConnectionTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				const connection = readRelayConnection(credential.data ?? {});
				if ('error' in connection) return { status: 'Error', message: `${connection.error} (field ${connection.field})` };
				try {
					const ws = await openWebSocket(connection.url, { tls: connection.tls, headers: connection.headers, redactor: connection.redactor });
					ws.terminate();
					return { status: 'OK', message: 'Connected' };
				} catch (error) {
					const message = error instanceof Error ? error.message : String(error);
					return { status: 'Error', message };
				}
			},
		},
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const toNodeError = (error: Error) => {
			if (error instanceof WebSocketHandshakeError) {
				const hint = error.status === 401 || error.status === 403 ? ': check the header of the credential' : '';
				return new NodeApiError(this.getNode(), { message: error.message, body: error.body } as JsonObject, { message: `${error.message}${hint}`, httpCode: String(error.status) });
			}
			return new NodeOperationError(this.getNode(), error.message);
		};
		const connection = readRelayConnection(await this.getCredentials('proxmoxMcpWebSocketApi'));
		if ('error' in connection) throw new NodeOperationError(this.getNode(), `WebSocket relay credential: ${connection.error}`, { description: `Field: ${connection.field}` });
		const format = this.getNodeParameter('format', 'json') as 'json' | 'text';
		const paths: FieldPaths = { ...DEFAULT_PATHS, ...(this.getNodeParameter('paths', {}) as Partial<FieldPaths>) };
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const deadAfterMs = Math.max(1, Number(options.deadAfterSeconds ?? 90)) * 1000;
		const manual = this.getMode() === 'manual';
		const pacing = readStreamPacing(options);
		// Pacing needs n8n to report when an execution finished; a manual run stops at its first message.
		const waitForExecution = !manual && pacing.maxInFlight > 0;
		const stream: ResumableStream<MappedMessage> = new ResumableStream<MappedMessage>({
			source: new WebSocketRelaySource(connection, Math.max(500, Math.floor(deadAfterMs / 3)), (raw) => mapMessage(raw, format, paths)),
			store: new CursorStore(this.getWorkflowStaticData('node')),
			resume: !manual,
			deadAfterMs,
			maxInFlight: waitForExecution ? pacing.maxInFlight : 0,
			maxQueue: pacing.maxQueue,
			deliver: (message) => {
				// `this.emit` is looked up at emit time (emitExecution): n8n swaps it in after trigger() returns in manual runs.
				const done = emitExecution(this, [[{ json: message.json }]], waitForExecution);
				if (manual) stream.stop();
				return done;
			},
			fail: (error) => this.emitError(toNodeError(error)),
			log: (text) => this.logger.warn(`Proxmox Stream Trigger: ${connection.redactor.text(text)}`),
		});
		const start = async () => {
			try {
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
