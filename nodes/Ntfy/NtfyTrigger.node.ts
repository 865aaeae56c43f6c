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
import { ntfyEvent } from './event';
import { testNtfyCredential } from './credentialTest';
import { validateTopic } from './publish';
import { NtfyStreamSource, type NtfyStreamMessage } from './stream';
import { NTFY_CREDENTIAL, ntfyConnection, NtfyServerError } from './transport';

export class NtfyTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ntfy Trigger',
		name: 'ntfyTrigger',
		icon: { light: 'file:ntfy.svg', dark: 'file:ntfy.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["topics"]}}',
		// n8n's node panel shows one entry for this trigger and the ntfy node, with this text:
		// it says what both do (editor-ui generateMergedNodesAndActions).
		description: 'Send ntfy notifications and read cached ones, or start the workflow for each message published to ntfy topics without loss across disconnects and restarts',
		documentationUrl: readmeUrl('ntfy'),
		defaults: { name: 'ntfy Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'proxmoxMcpNtfyApi', required: true, testedBy: 'ntfyConnectionTest' }],
		properties: [
			{
				displayName: 'Topics',
				name: 'topics',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'proxmox-alerts,door-buttons',
				description: 'One topic or several separated by commas',
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				description: 'Applied by the server, so other messages never reach n8n',
				options: [
					{
						displayName: 'Priorities',
						name: 'priorities',
						type: 'multiOptions',
						default: [],
						options: [
							{ name: '1 – Min', value: 1 },
							{ name: '2 – Low', value: 2 },
							{ name: '3 – Default', value: 3 },
							{ name: '4 – High', value: 4 },
							{ name: '5 – Max / Urgent', value: 5 },
						],
						description: 'Only messages with one of these priorities',
					},
					{ displayName: 'Tags', name: 'tags', type: 'string', default: '', description: 'Only messages carrying all these comma-separated tags' },
					{ displayName: 'Title', name: 'title', type: 'string', default: '', description: 'Only messages with exactly this title' },
					{ displayName: 'Message', name: 'message', type: 'string', default: '', description: 'Only messages with exactly this text' },
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
						default: 120,
						description: 'Reconnect when the server sent nothing, not even a keepalive, for this long (ntfy sends one every 45 s by default)',
					},
					streamPacingOptions.maxConcurrentExecutions,
					streamPacingOptions.queueSize,
				],
			},
		],
	};

	methods = {
		credentialTest: {
			async ntfyConnectionTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				return await testNtfyCredential(credential.data ?? {});
			},
		},
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const connection = ntfyConnection(await this.getCredentials(NTFY_CREDENTIAL));
		const topics = (this.getNodeParameter('topics') as string)
			.split(',')
			.map((topic) => topic.trim())
			.filter((topic) => topic !== '');
		if (topics.length === 0) throw new NodeOperationError(this.getNode(), 'Give at least one topic');
		for (const topic of topics) {
			const problem = validateTopic(topic);
			if (problem) throw new NodeOperationError(this.getNode(), problem);
		}
		const filters = this.getNodeParameter('filters', {}) as IDataObject;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const deadAfterMs = Math.max(1, Number(options.deadAfterSeconds ?? 120)) * 1000;
		const manual = this.getMode() === 'manual';
		const pacing = readStreamPacing(options);
		// Pacing needs n8n to report when an execution finished; a manual run stops at its first message.
		const waitForExecution = !manual && pacing.maxInFlight > 0;
		const source = new NtfyStreamSource(
			connection,
			topics,
			{
				priority: ((filters.priorities as number[] | undefined) ?? []).join(',') || undefined,
				tags: (filters.tags as string) || undefined,
				title: (filters.title as string) || undefined,
				message: (filters.message as string) || undefined,
			},
			deadAfterMs,
		);
		const toNodeError = (error: Error) =>
			error instanceof NtfyServerError
				? new NodeApiError(this.getNode(), (error.body ?? { message: error.message }) as JsonObject, { message: error.message, httpCode: String(error.status) })
				: new NodeOperationError(this.getNode(), error.message);
		const stream: ResumableStream<NtfyStreamMessage> = new ResumableStream<NtfyStreamMessage>({
			source,
			store: new CursorStore(this.getWorkflowStaticData('node')),
			resume: !manual,
			deadAfterMs,
			maxInFlight: waitForExecution ? pacing.maxInFlight : 0,
			maxQueue: pacing.maxQueue,
			// `this.emit` is looked up at emit time (emitExecution): n8n swaps it in after trigger() returns in manual runs.
			deliver: (message) => {
				const done = emitExecution(this, [[{ json: ntfyEvent(message) }]], waitForExecution);
				if (manual) stream.stop();
				return done;
			},
			fail: (error) => this.emitError(toNodeError(error)),
			log: (text) => this.logger.warn(`ntfy Trigger: ${text}`),
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
