/**
 * Engine-test harness: runs this package's nodes (loaded from dist/, as n8n loads them) through
 * n8n-core's real WorkflowExecute, TriggerContext and PollContext. Our own implementation of the
 * idea behind n8n's node tests (their harness is not published and not ours to copy).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// n8n-core reads its user folder when its DI container first builds InstanceSettings: keep
// every test run away from ~/.n8n.
process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'n8n-engine-'));
process.env.N8N_LOG_LEVEL ??= 'silent';

import {
	CredentialTestContext,
	ExecutionLifecycleHooks,
	HookContext,
	LoadOptionsContext,
	PollContext,
	TriggerContext,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	createRunExecutionData,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type ICredentialsDecrypted,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeExecutionData,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRun,
	type ITaskData,
	type IVersionedNodeType,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	type NodeParameterValueType,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

export const PACKAGE_ROOT = resolve(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-proxmox-mcp';

type AnyNodeType = INodeType | IVersionedNodeType;

interface PackageTypes {
	nodes: Map<string, AnyNodeType>;
	credentials: Map<string, ICredentialType>;
}

let packageTypes: PackageTypes | undefined;

function requireClass<T>(file: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const mod = require(resolve(PACKAGE_ROOT, file)) as Record<string, new () => T>;
	const exported = Object.values(mod).find((value) => typeof value === 'function');
	if (!exported) throw new Error(`${file} exports no class`);
	return new exported();
}

function descriptionName(type: AnyNodeType): string {
	return type.description.name;
}

/**
 * Loads every node and credential the package lists in package.json `n8n`, from dist/, and adds
 * the `<name>Tool` variant n8n generates for nodes with `usableAsTool`.
 */
export function loadPackageTypes(): PackageTypes {
	if (packageTypes) return packageTypes;
	const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[]; credentials: string[] };
	};
	const nodes = new Map<string, AnyNodeType>();
	for (const file of pkg.n8n.nodes) {
		const type = requireClass<AnyNodeType>(file);
		const name = descriptionName(type);
		nodes.set(`${PACKAGE_NAME}.${name}`, type);
		const usable = 'nodeVersions' in type ? false : Boolean((type as INodeType).description.usableAsTool);
		if (usable) nodes.set(`${PACKAGE_NAME}.${name}Tool`, asToolVariant(type as INodeType));
	}
	const credentials = new Map<string, ICredentialType>();
	for (const file of pkg.n8n.credentials) {
		const type = requireClass<ICredentialType>(file);
		credentials.set(type.name, type);
	}
	packageTypes = { nodes, credentials };
	return packageTypes;
}

/** What n8n does for usableAsTool nodes: same implementation, name suffixed with `Tool`. */
function asToolVariant(type: INodeType): INodeType {
	const variant = Object.create(type) as INodeType;
	variant.description = {
		...type.description,
		name: `${type.description.name}Tool`,
		displayName: `${type.description.displayName} Tool`,
		inputs: [],
		outputs: ['ai_tool'],
	};
	return variant;
}

/** Extra node types for a test (e.g. a stand-in downstream node). */
const extraNodeTypes = new Map<string, AnyNodeType>();

export function registerNodeType(typeName: string, type: AnyNodeType): void {
	extraNodeTypes.set(typeName, type);
}

/** The harness's own start node: emits the items given in its `items` parameter (JSON array). */
export const START_NODE_TYPE = 'test.start';
const startNodeType: INodeType = {
	description: {
		displayName: 'Start',
		name: 'start',
		group: ['trigger'],
		version: 1,
		description: 'Emits test items',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: ['main'],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[{}]' }],
	},
	async execute() {
		const raw = this.getNodeParameter('items', 0) as string | IDataObject[];
		const items = (typeof raw === 'string' ? JSON.parse(raw) : raw) as IDataObject[];
		return [items.map((json) => ({ json }))];
	},
};

export class PackageNodeTypes implements INodeTypes {
	/** Called with the live error a node's execute() throws (run data keeps only a plain copy). */
	constructor(private readonly onNodeError?: (nodeName: string, error: unknown) => void) {}

	getByName(nodeType: string): AnyNodeType {
		if (nodeType === START_NODE_TYPE) return startNodeType;
		const type = extraNodeTypes.get(nodeType) ?? loadPackageTypes().nodes.get(nodeType);
		if (!type) throw new Error(`Unknown node type ${nodeType}`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const type = NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
		const execute = type.execute;
		const onNodeError = this.onNodeError;
		if (!onNodeError || !execute) return type;
		const observed = Object.create(type) as INodeType;
		observed.execute = async function (this: IExecuteFunctions) {
			try {
				return await execute.call(this);
			} catch (error) {
				onNodeError(this.getNode().name, error);
				throw error;
			}
		} as INodeType['execute'];
		return observed;
	}

	getKnownTypes() {
		return {};
	}
}

export type CredentialsByType = Record<string, ICredentialDataDecryptedObject>;

/** Credentials by type: a test gives plain data, as if n8n had decrypted it. */
class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly credentials: CredentialsByType) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const type = loadPackageTypes().credentials.get(typeName);
		if (typeof type?.authenticate === 'function') return await type.authenticate(credentials, requestOptions);
		return requestOptions;
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string) {
		const { Credentials } = await import('n8n-core');
		return new Credentials(nodeCredentials, type);
	}

	async getDecrypted(_additionalData: unknown, _node: INodeCredentialsDetails, type: string) {
		const data = this.credentials[type];
		if (!data) throw new Error(`No test credentials of type ${type}`);
		return { ...data };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return loadPackageTypes().credentials.get(type)?.properties ?? [];
	}
}

export function createAdditionalData(
	credentials: CredentialsByType = {},
	hooks?: ExecutionLifecycleHooks,
): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: new TestCredentialsHelper(credentials),
		hooks,
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not available in engine tests');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formBaseUrl: 'http://127.0.0.1:5678/form',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		formTestBaseUrl: 'http://127.0.0.1:5678/form-test',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		mcpBaseUrl: 'http://127.0.0.1:5678/mcp',
		mcpTestBaseUrl: 'http://127.0.0.1:5678/mcp-test',
		variables: {},
		logAiEvent: () => {},
		userId: 'test-user',
	} as unknown as IWorkflowExecuteAdditionalData;
}

export interface WorkflowJson {
	name?: string;
	nodes: Array<Partial<INode> & Pick<INode, 'name' | 'type' | 'parameters'>>;
	connections: Workflow['connectionsBySourceNode'];
	staticData?: IDataObject;
}

function normaliseNodes(nodes: WorkflowJson['nodes'], credentials: CredentialsByType): INode[] {
	return nodes.map((node, index) => {
		const nodeCredentials: Record<string, { id: string; name: string }> = {};
		for (const type of Object.keys(credentials)) nodeCredentials[type] = { id: type, name: type };
		return {
			id: node.id ?? `node-${index}`,
			typeVersion: node.typeVersion ?? 1,
			position: node.position ?? [index * 200, 0],
			credentials: node.credentials ?? nodeCredentials,
			...node,
		} as INode;
	});
}

export function buildWorkflow(
	json: WorkflowJson,
	credentials: CredentialsByType = {},
	onNodeError?: (nodeName: string, error: unknown) => void,
): Workflow {
	return new Workflow({
		id: 'engine-test',
		name: json.name ?? 'engine test',
		nodes: normaliseNodes(json.nodes, credentials),
		connections: json.connections,
		active: false,
		nodeTypes: new PackageNodeTypes(onNodeError),
		staticData: json.staticData ?? {},
		settings: { executionOrder: 'v1' },
	});
}

export interface WorkflowRunResult {
	run: IRun;
	/** Output items of each node's first run, output 0 (or `outputs` for all). */
	output(nodeName: string, outputIndex?: number): INodeExecutionData[];
	taskData(nodeName: string): ITaskData | undefined;
	/** The error the run stopped with, if any. */
	error: Error | undefined;
}

export async function runWorkflow(
	json: WorkflowJson,
	options: { credentials?: CredentialsByType; mode?: WorkflowExecuteMode; startNode?: string } = {},
): Promise<WorkflowRunResult> {
	const credentials = options.credentials ?? {};
	const liveErrors = new Map<string, unknown>();
	const workflow = buildWorkflow(json, credentials, (nodeName, error) => liveErrors.set(nodeName, error));
	const mode = options.mode ?? 'manual';
	const hooks = new ExecutionLifecycleHooks(mode, 'engine-execution', {
		id: 'engine-test',
		name: workflow.name,
		nodes: Object.values(workflow.nodes),
		connections: workflow.connectionsBySourceNode,
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as never);
	const additionalData = createAdditionalData(credentials, hooks);
	const startNode = options.startNode
		? workflow.getNode(options.startNode) ?? undefined
		: Object.values(workflow.nodes).find((node) => {
				const type = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
				return type.description.inputs.length === 0 || type.description.group.includes('trigger');
			});
	const execute = new WorkflowExecute(additionalData, mode, createRunExecutionData());
	const run = await execute.run({ workflow, startNode });
	const runData = run.data.resultData.runData;
	return {
		run,
		error: run.data.resultData.error as Error | undefined,
		taskData: (nodeName) => runData[nodeName]?.[0],
		output: (nodeName, outputIndex = 0) => {
			const task = runData[nodeName]?.[0];
			if (!task) throw new Error(`Node "${nodeName}" did not run`);
			if (task.error) throw asError(task.error, liveErrors.get(nodeName));
			return task.data?.main?.[outputIndex] ?? [];
		},
	};
}

/**
 * Run data keeps a plain copy of a node's error; the harness captured the live one (NodeApiError /
 * NodeOperationError, with its class) as the node threw it.
 */
function asError(stored: unknown, live: unknown): Error {
	if (live instanceof Error) return live;
	if (stored instanceof Error) return stored;
	const plain = stored as { message?: string };
	return Object.assign(new Error(plain.message ?? 'Node failed'), plain);
}

export interface RunNodeOptions {
	items?: IDataObject[];
	credentials?: CredentialsByType;
	continueOnFail?: boolean;
	/** Run as the `<name>Tool` variant (as an AI agent or MCP client would). */
	asTool?: boolean;
	typeVersion?: number;
}

/**
 * Runs one node of the package behind a start node emitting `items`. Resolves with its output
 * items; rejects with the node's error (NodeApiError / NodeOperationError) when it fails.
 */
export async function runNode(
	type: string,
	parameters: INodeParameters,
	options: RunNodeOptions = {},
): Promise<INodeExecutionData[]> {
	const result = await runNodeForResult(type, parameters, options);
	return result.output('Node');
}

export async function runNodeForResult(
	type: string,
	parameters: INodeParameters,
	options: RunNodeOptions = {},
): Promise<WorkflowRunResult> {
	const fullType = qualify(type) + (options.asTool ? 'Tool' : '');
	return await runWorkflow(
		{
			nodes: [
				{ name: 'Start', type: START_NODE_TYPE, parameters: { items: JSON.stringify(options.items ?? [{}]) } },
				{
					name: 'Node',
					type: fullType,
					parameters,
					typeVersion: options.typeVersion,
					onError: options.continueOnFail ? 'continueRegularOutput' : undefined,
				},
			],
			connections: { Start: { main: [[{ node: 'Node', type: 'main', index: 0 }]] } },
		},
		{ credentials: options.credentials },
	);
}

export function qualify(type: string): string {
	return type.includes('.') ? type : `${PACKAGE_NAME}.${type}`;
}

function singleNodeWorkflow(
	type: string,
	parameters: INodeParameters,
	credentials: CredentialsByType,
	staticData?: IDataObject,
	webhookId?: string,
) {
	const workflow = buildWorkflow(
		{
			nodes: [{ name: 'Node', type: qualify(type), parameters, webhookId }],
			connections: {},
			staticData: staticData ? { 'node:Node': staticData } : {},
		},
		credentials,
	);
	return { workflow, node: workflow.getNode('Node') as INode };
}

export interface TriggerHandle {
	/** Every emit so far: each is the node's output ([output][item]). */
	emitted: INodeExecutionData[][][];
	errors: Error[];
	/** Failed executions recorded with saveFailedExecution (trigger stays active). */
	failedExecutions: Error[];
	/** Resolves once at least `count` emits happened (rejects after timeoutMs). */
	waitForEmit(count?: number, timeoutMs?: number): Promise<INodeExecutionData[][][]>;
	/** Resolves once at least `count` errors were emitted. */
	waitForError(count?: number, timeoutMs?: number): Promise<Error[]>;
	/** The node's static data (as n8n would persist it between activations). */
	staticData: IDataObject;
	/** Executions emitted with a done promise that have not finished (only held with `executions: 'hold'`). */
	readonly running: number;
	/** Finishes the oldest `count` held executions (all when omitted), as n8n does when they end. */
	finishExecutions(count?: number): void;
	close(): Promise<void>;
	manualTriggerFunction?: () => Promise<void>;
}

/**
 * Activates a trigger node as n8n does for an active workflow (`mode: 'trigger'`), or as in
 * "Test step" (`mode: 'manual'`, where the first emit is also the manual response).
 */
export async function startTrigger(
	type: string,
	parameters: INodeParameters,
	options: {
		credentials?: CredentialsByType;
		mode?: 'trigger' | 'manual';
		staticData?: IDataObject;
		/**
		 * When the done promise of an emit settles (n8n settles it once the execution finished):
		 * `finish` (default) on the next tick, like an execution that ends at once; `hold` only
		 * through `finishExecutions`, like executions that keep running.
		 */
		executions?: 'finish' | 'hold';
	} = {},
): Promise<TriggerHandle> {
	const credentials = options.credentials ?? {};
	const { workflow, node } = singleNodeWorkflow(type, parameters, credentials, options.staticData);
	const mode = options.mode ?? 'trigger';
	const emitted: INodeExecutionData[][][] = [];
	const errors: Error[] = [];
	const failedExecutions: Error[] = [];
	const waiters: Array<() => void> = [];
	const notify = () => waiters.splice(0).forEach((wake) => wake());
	type Done = { resolve(run: IRun): void };
	const held: Done[] = [];
	const finishRun = (done: Done) =>
		done.resolve({ finished: true, mode: 'trigger', startedAt: new Date(), stoppedAt: new Date(), status: 'success', data: createRunExecutionData() } as IRun);
	const context = new TriggerContext(
		workflow,
		node,
		createAdditionalData(credentials),
		mode,
		mode === 'manual' ? 'manual' : 'activate',
		(data, _responsePromise, donePromise) => {
			emitted.push(data);
			if (donePromise) {
				if (options.executions === 'hold') held.push(donePromise);
				else setImmediate(() => finishRun(donePromise));
			}
			notify();
		},
		(error) => {
			errors.push(error);
			notify();
		},
		(error) => {
			failedExecutions.push(error as Error);
			notify();
		},
	);
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (!nodeType.trigger) throw new Error(`${type} is not a trigger node`);
	const response = await nodeType.trigger.call(context);
	const waitFor = <T>(check: () => T | undefined, timeoutMs: number, what: string) =>
		new Promise<T>((resolvePromise, reject) => {
			const timer = setTimeout(() => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
			const test = () => {
				const value = check();
				if (value !== undefined) {
					clearTimeout(timer);
					resolvePromise(value);
				} else waiters.push(test);
			};
			test();
		});
	const staticData = workflow.getStaticData('node', node);
	return {
		emitted,
		errors,
		failedExecutions,
		staticData,
		get running() {
			return held.length;
		},
		finishExecutions: (count = held.length) => {
			for (const done of held.splice(0, count)) finishRun(done);
		},
		manualTriggerFunction: response?.manualTriggerFunction,
		waitForEmit: (count = 1, timeoutMs = 20_000) =>
			waitFor(() => (emitted.length >= count ? emitted : undefined), timeoutMs, `${count} emit(s)`),
		waitForError: (count = 1, timeoutMs = 20_000) =>
			waitFor(() => (errors.length + failedExecutions.length >= count ? [...errors, ...failedExecutions] : undefined), timeoutMs, `${count} error(s)`),
		close: async () => {
			await response?.closeFunction?.();
		},
	};
}

/** One poll as n8n runs it for an active workflow; static data persists in `staticData`. */
export async function runPoll(
	type: string,
	parameters: INodeParameters,
	options: { credentials?: CredentialsByType; mode?: 'trigger' | 'manual'; staticData?: IDataObject } = {},
): Promise<{ result: INodeExecutionData[][] | null; staticData: IDataObject }> {
	const credentials = options.credentials ?? {};
	const { workflow, node } = singleNodeWorkflow(type, parameters, credentials, options.staticData);
	const mode = options.mode ?? 'trigger';
	const context = new PollContext(workflow, node, createAdditionalData(credentials), mode, mode === 'manual' ? 'manual' : 'activate');
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (!nodeType.poll) throw new Error(`${type} is not a polling node`);
	const result = await nodeType.poll.call(context);
	return { result, staticData: workflow.getStaticData('node', node) };
}

/** Calls a node's `methods.credentialTest[name]` with plain credential data, as n8n's UI does. */
export async function testCredential(type: string, testName: string, credentialType: string, data: ICredentialDataDecryptedObject) {
	const nodeType = new PackageNodeTypes().getByNameAndVersion(qualify(type));
	const test = nodeType.methods?.credentialTest?.[testName];
	if (!test) throw new Error(`${type} has no credentialTest ${testName}`);
	const credential: ICredentialsDecrypted = { id: 'test', name: 'test', type: credentialType, data };
	return await test.call(new CredentialTestContext(createAdditionalData()), credential);
}

/**
 * Calls `methods.listSearch[name]` or `methods.loadOptions[name]` for a node configured with
 * `parameters`, as the editor does when a dropdown opens.
 */
export async function callNodeMethod(
	type: string,
	kind: 'listSearch' | 'loadOptions',
	name: string,
	parameters: INodeParameters,
	options: { credentials?: CredentialsByType; filter?: string; paginationToken?: string } = {},
) {
	const credentials = options.credentials ?? {};
	const { workflow, node } = singleNodeWorkflow(type, parameters, credentials);
	// The editor sends the node's current parameters with the request (getCurrentNodeParameter).
	const additionalData = { ...createAdditionalData(credentials), currentNodeParameters: parameters } as IWorkflowExecuteAdditionalData;
	const context = new LoadOptionsContext(workflow, node, additionalData, name);
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (kind === 'listSearch') {
		const method = nodeType.methods?.listSearch?.[name];
		if (!method) throw new Error(`${type} has no listSearch ${name}`);
		return await method.call(context, options.filter, options.paginationToken);
	}
	const method = nodeType.methods?.loadOptions?.[name];
	if (!method) throw new Error(`${type} has no loadOptions ${name}`);
	return await method.call(context);
}

export interface WebhookRequest {
	method?: string;
	headers?: Record<string, string>;
	body?: unknown;
	query?: Record<string, string>;
	params?: Record<string, string>;
	/** Raw body bytes (n8n keeps them as `rawBody` for signature checks). */
	rawBody?: Buffer;
}

export interface WebhookResult {
	response: IWebhookResponseData;
	/** What the node wrote to the HTTP response itself (when it answered directly). */
	sent: { status?: number; headers: Record<string, string>; body?: unknown };
	staticData: IDataObject;
}

function webhookData(workflow: Workflow, node: INode, additionalData: IWorkflowExecuteAdditionalData, name = 'default'): IWebhookData {
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const description = nodeType.description.webhooks?.find((webhook) => webhook.name === name);
	if (!description) throw new Error(`${node.type} has no webhook named ${name}`);
	return {
		httpMethod: (description.httpMethod as IWebhookData['httpMethod']) ?? 'POST',
		node: node.name,
		path: String(description.path ?? node.webhookId ?? 'webhook'),
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
	};
}

/** Delivers one HTTP request to a webhook node's `webhook()` as n8n's webhook server would. */
export async function runWebhook(
	type: string,
	parameters: INodeParameters,
	request: WebhookRequest,
	options: { credentials?: CredentialsByType; staticData?: IDataObject; webhookId?: string; mode?: 'webhook' | 'manual' } = {},
): Promise<WebhookResult> {
	const credentials = options.credentials ?? {};
	const { workflow, node } = singleNodeWorkflow(type, parameters, credentials, options.staticData, options.webhookId ?? 'test-webhook-id');
	const sent: WebhookResult['sent'] = { headers: {} };
	const response = {
		status(code: number) {
			sent.status = code;
			return response;
		},
		setHeader(name: string, value: string) {
			sent.headers[name.toLowerCase()] = value;
			return response;
		},
		header(name: string, value: string) {
			return response.setHeader(name, value);
		},
		json(body: unknown) {
			sent.body = body;
			return response;
		},
		send(body: unknown) {
			sent.body = body;
			return response;
		},
		end(body?: unknown) {
			if (body !== undefined) sent.body = body;
			return response;
		},
	};
	const additionalData = createAdditionalData(credentials);
	additionalData.httpRequest = {
		method: request.method ?? 'POST',
		headers: Object.fromEntries(Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
		body: request.body ?? {},
		query: request.query ?? {},
		params: request.params ?? {},
		rawBody: request.rawBody ?? Buffer.from(typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? {})),
	} as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
	additionalData.httpResponse = response as unknown as IWorkflowExecuteAdditionalData['httpResponse'];
	const context = new WebhookContext(workflow, node, additionalData, options.mode ?? 'webhook', webhookData(workflow, node, additionalData), [], null);
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (!nodeType.webhook) throw new Error(`${type} is not a webhook node`);
	const result = await nodeType.webhook.call(context);
	return { response: result, sent, staticData: workflow.getStaticData('node', node) };
}

/**
 * Runs a webhook node's lifecycle method (`checkExists`, `create` on activation, `delete` on
 * deactivation) as n8n does when a workflow is published or unpublished.
 */
export async function runWebhookMethod(
	type: string,
	parameters: INodeParameters,
	method: 'checkExists' | 'create' | 'delete',
	options: { credentials?: CredentialsByType; staticData?: IDataObject; webhookId?: string; webhookName?: 'default' | 'setup' } = {},
): Promise<{ result: boolean | undefined; staticData: IDataObject; webhookUrl: string }> {
	const credentials = options.credentials ?? {};
	const { workflow, node } = singleNodeWorkflow(type, parameters, credentials, options.staticData, options.webhookId ?? 'test-webhook-id');
	const additionalData = createAdditionalData(credentials);
	const data = webhookData(workflow, node, additionalData, options.webhookName);
	const context = new HookContext(workflow, node, additionalData, 'trigger', 'activate', data);
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const hook = nodeType.webhookMethods?.[options.webhookName ?? 'default']?.[method];
	if (!hook) throw new Error(`${type} has no webhookMethods.${options.webhookName ?? 'default'}.${method}`);
	const result = await hook.call(context);
	return { result, staticData: workflow.getStaticData('node', node), webhookUrl: context.getNodeWebhookUrl(options.webhookName ?? 'default') ?? '' };
}

export type { NodeParameterValueType };
