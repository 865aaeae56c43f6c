import {
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
} from 'n8n-workflow';

import { guardAiUse } from '../shared/aiGuard';
import { readmeUrl } from '../shared/docs';
import { EventShapeError } from '../shared/render';
import { emailProperties } from './description';
import { OPERATIONS } from './operations';
import { EMAIL_ACTIONS, EMAIL_PER_CALL, EMAIL_REFUSAL_ADVICE, emailSafetyFor } from './safety';
import { SMTP_CREDENTIAL, SmtpConfigurationError, SmtpError, smtpSettings, testSmtp, type SmtpSettings } from './transport';

export class SmtpEmail implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Email (SMTP)',
		name: 'smtpEmail',
		icon: { light: 'file:email.svg', dark: 'file:email.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Send e-mail over SMTP (TLS verified, pinned or with a custom CA), and mail trigger events as HTML with a plain-text part',
		documentationUrl: readmeUrl('email'),
		defaults: { name: 'Email (SMTP)' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'proxmoxMcpSmtpApi', required: true, testedBy: 'smtpConnectionTest' }],
		properties: emailProperties,
	};

	methods = {
		credentialTest: {
			async smtpConnectionTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				try {
					return { status: 'OK', message: await testSmtp(smtpSettings(credential.data ?? {})) };
				} catch (error) {
					const hint = error instanceof SmtpError && error.hint ? ` ${error.hint}` : '';
					return { status: 'Error', message: `${(error as Error).message}${hint}` };
				}
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		let settings: SmtpSettings | undefined;
		for (let i = 0; i < items.length; i++) {
			try {
				settings ??= smtpSettings(await this.getCredentials(SMTP_CREDENTIAL));
				const operation = this.getNodeParameter('operation', i) as string;
				const run = OPERATIONS[operation];
				if (!run) throw new NodeOperationError(this.getNode(), `Unknown operation ${operation}`, { itemIndex: i });
				guardAiUse(this, {
					action: EMAIL_ACTIONS[operation] ?? operation,
					key: operation,
					product: 'Email (SMTP)',
					verdict: emailSafetyFor(this, operation, i),
					itemIndex: i,
					advice: EMAIL_PER_CALL[operation] ? EMAIL_REFUSAL_ADVICE : undefined,
				});
				out.push({ json: await run.call(this, settings, i), pairedItem: { item: i } });
			} catch (error) {
				const nodeError = toNodeError(this, error as Error, i);
				if (this.continueOnFail()) {
					const json: IDataObject = { error: nodeError.message };
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

function toNodeError(context: IExecuteFunctions, error: Error, itemIndex: number): NodeOperationError {
	if (error instanceof NodeOperationError) return error;
	if (error instanceof SmtpError) return new NodeOperationError(context.getNode(), error.message, { itemIndex, description: error.hint });
	if (error instanceof SmtpConfigurationError || error instanceof EventShapeError) {
		return new NodeOperationError(context.getNode(), error.message, { itemIndex, description: `Field: ${error.field}` });
	}
	return new NodeOperationError(context.getNode(), error.message, { itemIndex });
}
