/** The Gotify node's operations, one function each; `itemIndex` scopes parameter reads and errors. */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeParameterResourceLocator } from 'n8n-workflow';

import { gotifyId } from './safety';
import { sendEvent } from './sendEvent';
import { gotifyRequest, pageMessages, type GotifyConnection, type GotifyMessage } from './transport';

type Operation = (this: IExecuteFunctions, connection: GotifyConnection, itemIndex: number) => Promise<IDataObject[]>;

interface Application {
	id: number;
	name: string;
	description: string;
	defaultPriority: number;
	[field: string]: unknown;
}

export async function listApplications(connection: GotifyConnection): Promise<Application[]> {
	return await gotifyRequest<Application[]>(connection, { method: 'GET', path: '/application', token: 'client' });
}

/** The application id chosen in a resource locator (list, ID or exact name). */
async function applicationId(context: IExecuteFunctions, connection: GotifyConnection, itemIndex: number): Promise<number> {
	const locator = context.getNodeParameter('application', itemIndex) as INodeParameterResourceLocator;
	const value = String(locator.value ?? '').trim();
	if (locator.mode === 'name') {
		const matches = (await listApplications(connection)).filter((app) => app.name === value);
		if (matches.length === 0) throw new NodeOperationError(context.getNode(), `No Gotify application is named "${value}"`, { itemIndex });
		if (matches.length > 1) {
			throw new NodeOperationError(context.getNode(), `${matches.length} Gotify applications are named "${value}": choose one by ID`, { itemIndex });
		}
		return matches[0].id;
	}
	return gotifyId(context, value, 'Application', itemIndex);
}

function parseExtras(context: IExecuteFunctions, raw: unknown, itemIndex: number): Record<string, unknown> {
	if (raw === undefined || raw === null || raw === '') return {};
	let parsed: unknown = raw;
	if (typeof raw === 'string') {
		try {
			parsed = JSON.parse(raw);
		} catch {
			throw new NodeOperationError(context.getNode(), 'Extras (JSON) is not valid JSON', { itemIndex });
		}
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new NodeOperationError(context.getNode(), 'Extras (JSON) must be a JSON object', { itemIndex });
	}
	return parsed as Record<string, unknown>;
}

/** Extras per gotify/website docs/msgextras.md; the options win over the same keys in raw extras. */
export function buildExtras(options: IDataObject, raw: Record<string, unknown>): Record<string, unknown> {
	const extras: Record<string, unknown> = { ...raw };
	const merge = (key: string, value: Record<string, unknown>) => {
		const current = extras[key];
		extras[key] = { ...(current && typeof current === 'object' ? (current as Record<string, unknown>) : {}), ...value };
	};
	if (options.markdown === true) merge('client::display', { contentType: 'text/markdown' });
	if (options.clickUrl) merge('client::notification', { click: { url: options.clickUrl } });
	if (options.bigImageUrl) merge('client::notification', { bigImageUrl: options.bigImageUrl });
	if (options.intentUrl) merge('android::action', { onReceive: { intentUrl: options.intentUrl } });
	return extras;
}

const sendMessage: Operation = async function (connection, itemIndex) {
	const message = this.getNodeParameter('message', itemIndex) as string;
	if (!message) throw new NodeOperationError(this.getNode(), 'Message must not be empty', { itemIndex });
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const extras = buildExtras(options, parseExtras(this, options.extras, itemIndex));
	const body: IDataObject = { message };
	if (options.title) body.title = options.title;
	if (typeof options.priority === 'number') body.priority = options.priority;
	if (Object.keys(extras).length > 0) body.extras = extras as IDataObject;
	return [await gotifyRequest<IDataObject>(connection, { method: 'POST', path: '/message', token: 'app', json: body })];
};

const getMessages: Operation = async function (connection, itemIndex) {
	const scope = this.getNodeParameter('scope', itemIndex, 'all') as string;
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const listOptions = this.getNodeParameter('listOptions', itemIndex, {}) as IDataObject;
	const messages = await pageMessages(
		connection,
		{
			applicationId: scope === 'application' ? await applicationId(this, connection, itemIndex) : undefined,
			since: Number(listOptions.since ?? 0),
			pageSize: Math.min(200, Number.isFinite(limit) ? limit : 200),
		},
		(collected) => collected.length >= limit,
	);
	return messages.slice(0, Number.isFinite(limit) ? limit : undefined) as unknown as IDataObject[];
};

const deleteMessage: Operation = async function (connection, itemIndex) {
	const id = gotifyId(this, this.getNodeParameter('messageId', itemIndex), 'Message ID', itemIndex);
	await gotifyRequest(connection, { method: 'DELETE', path: `/message/${encodeURIComponent(id)}`, token: 'client' });
	return [{ deleted: true, id }];
};

const deleteAllMessages: Operation = async function (connection, itemIndex) {
	const id = await applicationId(this, connection, itemIndex);
	await gotifyRequest(connection, { method: 'DELETE', path: `/application/${encodeURIComponent(id)}/message`, token: 'client' });
	return [{ deleted: true, applicationId: id }];
};

const getApplications: Operation = async function (connection, itemIndex) {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const applications = await listApplications(connection);
	return (returnAll ? applications : applications.slice(0, this.getNodeParameter('limit', itemIndex, 50) as number)) as IDataObject[];
};

const createApplication: Operation = async function (connection, itemIndex) {
	const fields = this.getNodeParameter('applicationFields', itemIndex, {}) as IDataObject;
	const body: IDataObject = { name: this.getNodeParameter('name', itemIndex) as string };
	if (fields.description !== undefined) body.description = fields.description;
	if (fields.defaultPriority !== undefined) body.defaultPriority = fields.defaultPriority;
	return [await gotifyRequest<IDataObject>(connection, { method: 'POST', path: '/application', token: 'client', json: body })];
};

/** Gotify's PUT replaces name, description and default priority: unchanged ones are sent as they are. */
const updateApplication: Operation = async function (connection, itemIndex) {
	const id = await applicationId(this, connection, itemIndex);
	const current = (await listApplications(connection)).find((app) => app.id === id);
	if (!current) throw new NodeOperationError(this.getNode(), `Gotify application ${id} does not exist`, { itemIndex });
	const fields = this.getNodeParameter('applicationFields', itemIndex, {}) as IDataObject;
	const body = {
		name: (fields.name as string) || current.name,
		description: fields.description !== undefined ? fields.description : current.description,
		defaultPriority: fields.defaultPriority !== undefined ? fields.defaultPriority : current.defaultPriority,
	};
	return [await gotifyRequest<IDataObject>(connection, { method: 'PUT', path: `/application/${encodeURIComponent(id)}`, token: 'client', json: body })];
};

const deleteApplication: Operation = async function (connection, itemIndex) {
	const id = await applicationId(this, connection, itemIndex);
	await gotifyRequest(connection, { method: 'DELETE', path: `/application/${encodeURIComponent(id)}`, token: 'client' });
	return [{ deleted: true, id }];
};

const health: Operation = async function (connection) {
	return [await gotifyRequest<IDataObject>(connection, { method: 'GET', path: '/health', token: 'none' })];
};

const version: Operation = async function (connection) {
	return [await gotifyRequest<IDataObject>(connection, { method: 'GET', path: '/version', token: 'none' })];
};

export const OPERATIONS: Record<string, Record<string, Operation>> = {
	message: { send: sendMessage, sendEvent, getMany: getMessages, delete: deleteMessage, deleteAll: deleteAllMessages },
	application: { getMany: getApplications, create: createApplication, update: updateApplication, delete: deleteApplication },
	server: { health, version },
};

export type { GotifyMessage };
