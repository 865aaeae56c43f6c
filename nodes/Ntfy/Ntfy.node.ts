import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeCredentialTestResult,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type JsonObject,
} from 'n8n-workflow';

import { guardAiUse } from '../shared/aiGuard';
import { readmeUrl } from '../shared/docs';
import { ntfyProperties } from './description';
import { NTFY_ACTIONS, NTFY_SAFETY, sequenceIdProblem } from './safety';
import { parseTagList, publishHeaders, publishJsonBody, validateTopic, type ActionInput, type PublishInput } from './publish';
import { testNtfyCredential } from './credentialTest';
import { sendEvent } from './sendEvent';
import { headerValue, NTFY_CREDENTIAL, ntfyConnection, ntfyRequest, NtfyServerError, parseNdjson, type NtfyConnection } from './transport';

export class Ntfy implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ntfy',
		name: 'ntfy',
		icon: { light: 'file:ntfy.svg', dark: 'file:ntfy.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + ($parameter["topic"] || $parameter["topics"])}}',
		description: 'Publish notifications to ntfy topics and read cached messages',
		documentationUrl: readmeUrl('ntfy'),
		defaults: { name: 'ntfy' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'proxmoxMcpNtfyApi', required: true, testedBy: 'ntfyConnectionTest' }],
		properties: ntfyProperties,
	};

	methods = {
		credentialTest: {
			async ntfyConnectionTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				return await testNtfyCredential(credential.data ?? {});
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const connection = ntfyConnection(await this.getCredentials(NTFY_CREDENTIAL));
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const operation = this.getNodeParameter('operation', i) as string;
				guardAiUse(this, { action: NTFY_ACTIONS[operation] ?? operation, key: operation, product: 'ntfy', verdict: NTFY_SAFETY[operation] ?? 'destructive', itemIndex: i });
				let results: IDataObject[];
				if (operation === 'publish') results = [await publish.call(this, connection, i)];
				else if (operation === 'sendEvent') results = [await sendEvent.call(this, connection, i)];
				else if (operation === 'getMany') results = await getCached.call(this, connection, i);
				else results = [await clearNotification.call(this, connection, i)];
				for (const json of results) out.push({ json, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw toNodeError(this, error as Error, i);
			}
		}
		return [out];
	}
}

function toNodeError(context: IExecuteFunctions, error: Error, itemIndex: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof NtfyServerError) {
		return new NodeApiError(context.getNode(), (error.body ?? { message: error.message }) as JsonObject, {
			message: error.message,
			httpCode: String(error.status),
			itemIndex,
		});
	}
	return new NodeOperationError(context.getNode(), error.message, { itemIndex });
}

function topicParameter(context: IExecuteFunctions, name: string, itemIndex: number): string {
	const topic = (context.getNodeParameter(name, itemIndex) as string).trim();
	const problem = validateTopic(topic);
	if (problem) throw new NodeOperationError(context.getNode(), problem, { itemIndex });
	return topic;
}

function parseJsonObject(context: IExecuteFunctions, value: unknown, field: string, itemIndex: number): Record<string, string> {
	if (value === undefined || value === '' || value === null) return {};
	let parsed: unknown = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch {
			throw new NodeOperationError(context.getNode(), `${field} must be a JSON object`, { itemIndex });
		}
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new NodeOperationError(context.getNode(), `${field} must be a JSON object`, { itemIndex });
	}
	return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([key, entry]) => [key, String(entry)]));
}

function readActions(context: IExecuteFunctions, itemIndex: number): ActionInput[] {
	const raw = (context.getNodeParameter('actions', itemIndex, {}) as { button?: IDataObject[] }).button ?? [];
	if (raw.length > 3) throw new NodeOperationError(context.getNode(), 'ntfy allows at most 3 action buttons', { itemIndex });
	return raw.map((button) => {
		const action = button.action as ActionInput['action'];
		const label = String(button.label ?? '').trim();
		if (!label) throw new NodeOperationError(context.getNode(), 'Every action button needs a label', { itemIndex });
		const url = String(button.url ?? '').trim();
		if (action !== 'broadcast' && !url) throw new NodeOperationError(context.getNode(), `The "${label}" button needs a URL`, { itemIndex });
		return {
			action,
			label,
			url,
			clear: button.clear === true,
			method: action === 'http' ? String(button.method ?? 'POST') : undefined,
			headers: action === 'http' ? parseJsonObject(context, button.headers, `Headers of the "${label}" button`, itemIndex) : undefined,
			body: action === 'http' ? String(button.body ?? '') : undefined,
			intent: action === 'broadcast' ? String(button.intent ?? '') : undefined,
			extras: action === 'broadcast' ? parseJsonObject(context, button.extras, `Extras of the "${label}" button`, itemIndex) : undefined,
		};
	});
}

async function publish(this: IExecuteFunctions, connection: NtfyConnection, itemIndex: number): Promise<IDataObject> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const attachment = this.getNodeParameter('attachment', itemIndex, 'none') as string;
	const input: PublishInput = {
		topic: topicParameter(this, 'topic', itemIndex),
		message: this.getNodeParameter('message', itemIndex, '') as string,
		title: (options.title as string) || undefined,
		markdown: options.markdown === true,
		priority: typeof options.priority === 'number' ? options.priority : undefined,
		tags: parseTagList((options.tags as string) ?? ''),
		click: (options.click as string) || undefined,
		icon: (options.icon as string) || undefined,
		delay: (options.delay as string) || undefined,
		email: (options.email as string) || undefined,
		cache: options.cache !== false,
		firebase: options.firebase !== false,
		sequenceId: (options.sequenceId as string) || undefined,
		actions: readActions(this, itemIndex),
	};
	if (attachment === 'url') {
		input.attachUrl = (this.getNodeParameter('attachUrl', itemIndex) as string).trim();
		input.filename = (this.getNodeParameter('filename', itemIndex, '') as string) || undefined;
	}
	if (attachment === 'binary') {
		const property = this.getNodeParameter('binaryPropertyName', itemIndex) as string;
		const binary = this.helpers.assertBinaryData(itemIndex, property);
		const data = await this.helpers.getBinaryDataBuffer(itemIndex, property);
		input.filename = (this.getNodeParameter('filename', itemIndex, '') as string) || binary.fileName || 'attachment';
		const headers = Object.fromEntries(Object.entries(publishHeaders(input)).map(([key, value]) => [key, headerValue(value)]));
		const response = await ntfyRequest(connection, {
			method: 'PUT',
			path: `/${input.topic}`,
			headers: { ...headers, 'Content-Type': binary.mimeType || 'application/octet-stream' },
			body: data,
			timeoutMs: connection.timeoutMs * 4,
		});
		return parseNdjson(response.text())[0] as IDataObject;
	}
	const response = await ntfyRequest(connection, {
		method: 'POST',
		path: '/',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(publishJsonBody(input)),
	});
	return parseNdjson(response.text())[0] as IDataObject;
}

async function getCached(this: IExecuteFunctions, connection: NtfyConnection, itemIndex: number): Promise<IDataObject[]> {
	const topics = (this.getNodeParameter('topics', itemIndex) as string)
		.split(',')
		.map((topic) => topic.trim())
		.filter((topic) => topic !== '');
	if (topics.length === 0) throw new NodeOperationError(this.getNode(), 'Give at least one topic', { itemIndex });
	for (const topic of topics) {
		const problem = validateTopic(topic);
		if (problem) throw new NodeOperationError(this.getNode(), problem, { itemIndex });
	}
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const response = await ntfyRequest(connection, {
		method: 'GET',
		path: `/${topics.join(',')}/json`,
		query: {
			poll: '1',
			since: (this.getNodeParameter('since', itemIndex, 'all') as string).trim() || 'all',
			priority: ((filters.priorities as number[] | undefined) ?? []).join(','),
			tags: (filters.tags as string) || undefined,
			title: (filters.title as string) || undefined,
			message: (filters.message as string) || undefined,
			scheduled: filters.scheduled === true ? '1' : undefined,
		},
	});
	const messages = parseNdjson(response.text()).filter((line) => line.event === 'message');
	return (Number.isFinite(limit) ? messages.slice(-limit) : messages) as IDataObject[];
}

async function clearNotification(this: IExecuteFunctions, connection: NtfyConnection, itemIndex: number): Promise<IDataObject> {
	const topic = topicParameter(this, 'topic', itemIndex);
	const sequenceId = (this.getNodeParameter('sequenceId', itemIndex) as string).trim();
	if (!sequenceId) throw new NodeOperationError(this.getNode(), 'Sequence ID is required', { itemIndex });
	const problem = sequenceIdProblem(sequenceId);
	if (problem) throw new NodeOperationError(this.getNode(), problem, { itemIndex });
	const response = await ntfyRequest(connection, { method: 'PUT', path: `/${topic}/${encodeURIComponent(sequenceId)}/clear` });
	return (parseNdjson(response.text())[0] ?? { success: true }) as IDataObject;
}
