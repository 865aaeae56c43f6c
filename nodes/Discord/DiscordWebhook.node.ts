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
import { EventShapeError } from '../shared/render';
import { discordProperties } from './description';
import { DiscordLimitError } from './limits';
import { OPERATIONS } from './operations';
import { DISCORD_ACTIONS, DISCORD_SAFETY } from './safety';
import { DISCORD_CREDENTIAL, discordConnection, discordRequest, DiscordApiError } from './transport';

export class DiscordWebhook implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Discord Webhook',
		name: 'discordWebhook',
		icon: { light: 'file:discord.svg', dark: 'file:discord.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Send, edit, get and delete Discord messages through a channel webhook, and post trigger events as embeds',
		documentationUrl: readmeUrl('discord'),
		defaults: { name: 'Discord Webhook' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'proxmoxMcpDiscordWebhookApi', required: true, testedBy: 'discordWebhookTest' }],
		properties: discordProperties,
	};

	methods = {
		credentialTest: {
			/** `GET` on the webhook URL returns the webhook (name, channel) without sending anything. */
			async discordWebhookTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				try {
					const connection = discordConnection(credential.data ?? {});
					const { data } = await discordRequest<{ name?: string; channel_id?: string }>(connection, { method: 'GET' }, { maxRetries: 0, maxWaitSeconds: 0 });
					return { status: 'OK', message: `Webhook "${data?.name ?? '?'}" posts to channel ${data?.channel_id ?? '?'}` };
				} catch (error) {
					return { status: 'Error', message: (error as Error).message };
				}
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		let connection: ReturnType<typeof discordConnection> | undefined;
		for (let i = 0; i < items.length; i++) {
			try {
				connection ??= discordConnection(await this.getCredentials(DISCORD_CREDENTIAL));
				const operation = this.getNodeParameter('operation', i) as string;
				const run = OPERATIONS[operation];
				if (!run) throw new NodeOperationError(this.getNode(), `Unknown operation ${operation}`, { itemIndex: i });
				guardAiUse(this, { action: DISCORD_ACTIONS[operation] ?? operation, key: operation, product: 'Discord Webhook', verdict: DISCORD_SAFETY[operation] ?? 'destructive', itemIndex: i });
				for (const json of await run.call(this, connection, i)) out.push({ json, pairedItem: { item: i } });
			} catch (error) {
				const nodeError = toNodeError(this, error as Error, i);
				if (this.continueOnFail()) {
					const json: IDataObject = { error: nodeError.message };
					if (error instanceof DiscordApiError && error.fieldErrors.length > 0) json.fieldErrors = error.fieldErrors;
					if (nodeError.description) json.details = nodeError.description;
					out.push({ json, pairedItem: { item: i } });
					continue;
				}
				throw nodeError;
			}
		}
		return [out];
	}
}

function toNodeError(context: IExecuteFunctions, error: Error, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof DiscordApiError) {
		return new NodeApiError(context.getNode(), (error.body ?? { message: error.message }) as JsonObject, {
			message: error.message,
			description: error.fieldErrors.length > 0 ? `Fields Discord refused: ${error.fieldErrors.join('; ')}` : undefined,
			httpCode: String(error.status),
			itemIndex,
		});
	}
	if (error instanceof DiscordLimitError || error instanceof EventShapeError) {
		return new NodeOperationError(context.getNode(), error.message, { itemIndex, description: `Field: ${error.field}` });
	}
	return new NodeOperationError(context.getNode(), error.message, { itemIndex });
}
