import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type INodeCredentialTestResult,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeType,
	type INodeTypeDescription,
	type JsonObject,
} from 'n8n-workflow';

import { allowDestructiveProperty, guardAiUse, runsAsTool } from '../shared/aiGuard';
import { Redactor } from '../shared/transport';
import { readmeUrl } from '../shared/docs';
import { testGotifyCredential } from './credentialTest';
import { gotifyProperties } from './description';
import { GOTIFY_ACTIONS, GOTIFY_DESTRUCTIVE_OPERATIONS, GOTIFY_SAFETY } from './safety';
import { listApplications, OPERATIONS } from './operations';
import { GOTIFY_CREDENTIAL, gotifyConnection, GotifyServerError } from './transport';

const TOKEN_MASK = new Redactor();

export class Gotify implements INodeType {
	description: INodeTypeDescription = {
		// n8n-nodes-base has a "Gotify" node too: the package's must be told apart in the panel.
		displayName: 'Gotify (Proxmox MCP)',
		name: 'gotify',
		icon: { light: 'file:gotify.svg', dark: 'file:gotify.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Send, read and delete Gotify messages and manage applications',
		documentationUrl: readmeUrl('gotify'),
		defaults: { name: 'Gotify' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'proxmoxMcpGotifyApi', required: true, testedBy: 'gotifyConnectionTest' }],
		properties: [...gotifyProperties, allowDestructiveProperty('delete messages or applications', { show: { operation: GOTIFY_DESTRUCTIVE_OPERATIONS } })],
	};

	methods = {
		credentialTest: {
			async gotifyConnectionTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				return await testGotifyCredential(credential.data ?? {});
			},
		},
		listSearch: {
			async searchApplications(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
				const connection = gotifyConnection(await this.getCredentials(GOTIFY_CREDENTIAL));
				const needle = (filter ?? '').toLowerCase();
				const applications = await listApplications(connection).catch((error: Error) => {
					throw new NodeOperationError(this.getNode(), error.message);
				});
				return {
					results: applications
						.filter((app) => !needle || app.name.toLowerCase().includes(needle) || String(app.id) === needle)
						.map((app) => ({ name: `${app.name} (${app.id})`, value: String(app.id), description: app.description || undefined })),
				};
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		const credentials = await this.getCredentials(GOTIFY_CREDENTIAL);
		for (let i = 0; i < items.length; i++) {
			try {
				const resource = this.getNodeParameter('resource', i) as string;
				const operation = this.getNodeParameter('operation', i) as string;
				const run = OPERATIONS[resource]?.[operation];
				if (!run) throw new NodeOperationError(this.getNode(), `Unknown operation ${resource}: ${operation}`, { itemIndex: i });
				guardAiUse(this, {
					action: GOTIFY_ACTIONS[`${resource}.${operation}`] ?? `${resource} ${operation}`,
					key: `${resource}.${operation}`,
					product: 'Gotify',
					verdict: GOTIFY_SAFETY[resource]?.[operation] ?? 'destructive',
					itemIndex: i,
				});
				let results = await run.call(this, gotifyConnection(credentials), i);
				// An application's token lets anyone send as it: a model never sees one.
				if (resource === 'application' && runsAsTool(this)) results = TOKEN_MASK.fields(results, (key) => key === 'token');
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

function toNodeError(context: IExecuteFunctions, error: Error, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof GotifyServerError) {
		return new NodeApiError(context.getNode(), (error.body ?? { message: error.message }) as JsonObject, {
			message: error.message,
			httpCode: String(error.status),
			itemIndex,
		});
	}
	return new NodeOperationError(context.getNode(), error.message, { itemIndex });
}
