/** Safety class of every Email (SMTP) operation, for the package's AI gate (nodes/shared/aiGuard.ts). */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodePropertyOptions } from 'n8n-workflow';

import { runsAsTool, type OperationSafety, type SafetyVerdict } from '../shared/aiGuard';
import { AI_ALLOWED_RECIPIENTS, parseAllowedRecipients, recipientRefusal } from './aiRecipients';
import { emailProperties } from './description';

/** Sending mail changes nothing already there: no operation is destructive in itself. */
export const EMAIL_SAFETY: Record<string, OperationSafety> = { send: 'write', sendEvent: 'write' };

/**
 * Operations whose class depends on the call: as a tool, mail to a recipient the owner did not list
 * (a model could send whatever it read anywhere) is destructive.
 */
export const EMAIL_PER_CALL: Record<string, string> = {
	send: 'as a tool, destructive for a To/CC/BCC address not on "AI Allowed Recipients"',
	sendEvent: 'as a tool, destructive for a To/CC/BCC address not on "AI Allowed Recipients"',
};

export const EMAIL_REFUSAL_ADVICE = 'The owner may also add the address, or its domain as "@example.com", to "AI Allowed Recipients".';

/** operation → its action text, read from the operation selector of the description. */
export const EMAIL_ACTIONS: Record<string, string> = Object.fromEntries(
	emailProperties
		.filter((property) => property.name === 'operation')
		.flatMap((property) => ((property.options ?? []) as INodePropertyOptions[]).map((option) => [String(option.value), option.action ?? option.name])),
);

/** The class of this call: the operation's own, or destructive for a tool mailing outside the owner's list. */
export function emailSafetyFor(fn: IExecuteFunctions, operation: string, itemIndex: number): SafetyVerdict {
	const own = EMAIL_SAFETY[operation] ?? 'destructive';
	if (!EMAIL_PER_CALL[operation] || !runsAsTool(fn)) return own;
	let list;
	try {
		list = parseAllowedRecipients(String(fn.getNodeParameter(AI_ALLOWED_RECIPIENTS, itemIndex, '') ?? ''));
	} catch (error) {
		throw new NodeOperationError(fn.getNode(), `AI Allowed Recipients: ${(error as Error).message}`, { itemIndex, description: 'Field: AI Allowed Recipients' });
	}
	const options = fn.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const refusal = recipientRefusal(
		[
			{ field: 'To', value: fn.getNodeParameter('toEmail', itemIndex, '') },
			{ field: 'CC', value: options.cc },
			{ field: 'BCC', value: options.bcc },
		],
		list,
	);
	return refusal ? { safety: 'destructive', reason: `mails a recipient the owner did not allow: ${refusal}` } : own;
}
