/**
 * The "API Call" operation of the Proxmox action nodes: any endpoint of the product's API
 * schema catalogue, parameters checked against the schema before anything is sent.
 */
import { NodeOperationError, type IDataObject, type INodeListSearchItems } from 'n8n-workflow';

import type { ProxmoxMethod, ProxmoxParamValue, ProxmoxParams } from '../proxmox';
import { describeParams, validateParams, type ApiCatalogue } from './catalogue';
import { asItems, taskOrResult } from './results';
import type { OperationContext, OperationSafety, ProxmoxOperation } from './types';

export interface ApiCallExamples {
	/** e.g. `/nodes/{node}/qemu` */
	template: string;
	/** e.g. `/nodes/pve1/qemu` */
	concrete: string;
	/** e.g. `{"node": "pve1", "vmid": 100}` */
	parameters: string;
	/** e.g. `node, vmid` */
	variables: string;
}

function readEndpoint(ctx: OperationContext, examples: ApiCallExamples): { method: ProxmoxMethod; path: string } {
	const raw = String(ctx.fn.getNodeParameter('endpoint', ctx.itemIndex, undefined, { extractValue: true }) ?? '').trim();
	const match = /^(GET|POST|PUT|DELETE)\s+(\/\S*)$/i.exec(raw);
	if (!match) {
		throw new NodeOperationError(ctx.fn.getNode(), `"${raw}" is not an endpoint`, {
			itemIndex: ctx.itemIndex,
			description: `Give the method and path, e.g. GET ${examples.template} or GET ${examples.concrete}`,
		});
	}
	return { method: match[1].toUpperCase() as ProxmoxMethod, path: match[2].replace(/^\/api2\/json/, '') };
}

function readParameters(ctx: OperationContext, examples: ApiCallExamples): Record<string, unknown> {
	const raw = ctx.fn.getNodeParameter('parameters', ctx.itemIndex, '{}') as string | IDataObject;
	if (typeof raw === 'object' && raw !== null) return raw;
	if (!String(raw).trim()) return {};
	try {
		const parsed = JSON.parse(String(raw)) as unknown;
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
	} catch {
		// Reported below.
	}
	throw new NodeOperationError(ctx.fn.getNode(), `Parameters must be a JSON object, e.g. ${examples.parameters}`, { itemIndex: ctx.itemIndex });
}

function methodSafety(method: string): OperationSafety {
	if (method === 'GET') return 'read';
	return method === 'DELETE' ? 'destructive' : 'write';
}

/** The endpoint list (listSearch) for a catalogue; no request to the server is needed. */
export function endpointSearchResults(catalogue: ApiCatalogue, filter?: string): INodeListSearchItems[] {
	return catalogue.search(filter).map((endpoint) => ({
		name: `${endpoint.m} ${endpoint.p}${endpoint.d ? ` – ${endpoint.d.split(/(?<=\.)\s/)[0]}` : ''}`,
		value: `${endpoint.m} ${endpoint.p}`,
		description: `${endpoint.d ?? ''} Parameters: ${describeParams(endpoint)}${endpoint.perm ? `. Permissions: ${endpoint.perm}` : ''}`.trim(),
	}));
}

export function apiCallOperation(catalogue: ApiCatalogue, examples: ApiCallExamples): ProxmoxOperation {
	const product = catalogue.product;
	return {
		value: 'request',
		name: 'Call API',
		action: `Call any ${product} API endpoint`,
		description: `Calls any endpoint of the ${product} API (see the endpoint list for what exists). Inputs: method and path (template like ${examples.template} with the variables given as parameters, or a concrete path), parameters as a JSON object. Parameters are checked against the API schema before sending. Returns the answer's data (arrays as one item per entry). GET is a read, POST/PUT a write, DELETE destructive.`,
		safety: 'write',
		safetyFor: (ctx) => methodSafety(readEndpoint(ctx, examples).method),
		startsTask: true,
		properties: [
			{
				displayName: 'Endpoint',
				name: 'endpoint',
				type: 'resourceLocator',
				default: { mode: 'list', value: '' },
				required: true,
				description: 'Method and path from the API schema',
				modes: [
					{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchEndpoints', searchable: true } },
					{
						displayName: 'Method and Path',
						name: 'path',
						type: 'string',
						placeholder: `GET ${examples.template}`,
						validation: [{ type: 'regex', properties: { regex: '^(GET|POST|PUT|DELETE|get|post|put|delete)\\s+/.*', errorMessage: 'Start with GET, POST, PUT or DELETE, then the path' } }],
					},
				],
			},
			{
				displayName: 'Parameters',
				name: 'parameters',
				type: 'json',
				default: '{}',
				description: `Path variables (e.g. ${examples.variables}) and API parameters as one JSON object`,
			},
			{ displayName: 'Validate Against Schema', name: 'validate', type: 'boolean', default: true, description: `Whether to check the parameters against the ${product} API schema before sending` },
			{ displayName: 'Split Arrays Into Items', name: 'splitArrays', type: 'boolean', default: true, description: 'Whether an array answer becomes one item per entry (otherwise one item with "data")' },
		],
		async execute(ctx) {
			const { method, path } = readEndpoint(ctx, examples);
			const params = readParameters(ctx, examples);
			const found = catalogue.find(method, path);
			const validate = ctx.fn.getNodeParameter('validate', ctx.itemIndex, true) as boolean;
			if (!found && validate) {
				throw new NodeOperationError(ctx.fn.getNode(), `${method} ${path} is not in the ${product} API schema`, {
					itemIndex: ctx.itemIndex,
					description: 'Pick the endpoint from the list, or turn off "Validate Against Schema" for endpoints newer than the catalogue.',
				});
			}
			// Fill {variables} of a template path from the parameters; they are not sent again.
			const rest: Record<string, unknown> = { ...params };
			const missing: string[] = [];
			const pathValues: Record<string, unknown> = { ...(found?.variables ?? {}) };
			const concrete = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
				const value = rest[name];
				delete rest[name];
				pathValues[name] = value;
				if (value === undefined || value === '') {
					missing.push(name);
					return `{${name}}`;
				}
				return encodeURIComponent(String(value));
			});
			if (missing.length) throw new NodeOperationError(ctx.fn.getNode(), `Missing path variable(s): ${missing.join(', ')}`, { itemIndex: ctx.itemIndex });
			if (found && validate) {
				const problems = [
					...validateParams({ ...found.endpoint, a: (found.endpoint.v ?? []).map((v) => ({ ...v, r: 1 as const })) }, pathValues),
					...validateParams(found.endpoint, rest),
				];
				if (problems.length) {
					throw new NodeOperationError(ctx.fn.getNode(), `Invalid parameters for ${method} ${found.endpoint.p}`, {
						itemIndex: ctx.itemIndex,
						description: problems.join('\n'),
					});
				}
			}
			const sendable: ProxmoxParams = {};
			for (const [key, value] of Object.entries(rest)) {
				sendable[key] = (value !== null && typeof value === 'object' && !Array.isArray(value) ? JSON.stringify(value) : value) as ProxmoxParamValue;
			}
			const response = await ctx.client.request(method, concrete, sendable);
			if (method !== 'GET') return taskOrResult(response.data, { method, path: concrete });
			const split = ctx.fn.getNodeParameter('splitArrays', ctx.itemIndex, true) as boolean;
			if (Array.isArray(response.data) && split) return asItems(response.data);
			return { data: response.data as IDataObject, ...(response.total !== undefined ? { total: response.total } : {}) };
		},
	};
}
