/**
 * The "API Call" operation of the Proxmox action nodes: any endpoint of the product's API
 * schema catalogue, parameters checked against the schema before anything is sent, path values
 * checked before the path is built, classed per call from the endpoint (apiCallSafety.ts, with
 * the product's rule table) and secrets masked in the answer.
 */
import { NodeOperationError, type IDataObject, type INodeListSearchItems } from 'n8n-workflow';

import { pathValueProblem, type ProxmoxMethod, type ProxmoxParamValue, type ProxmoxParams } from '../proxmox';
import { classifyApiCall, maskApiAnswer, type ApiCallRules } from './apiCallSafety';
import { describeParams, validateParams, type ApiCatalogue, type CatalogueEndpoint } from './catalogue';
import { asItems, taskOrResult } from './results';
import type { OperationContext, ProxmoxOperation, SafetyVerdict } from './types';

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

/** How a product's API Calls are classed (nodes/shared/actions/apiCallSafety.ts). */
export interface ApiCallSafetyPolicy {
	rules: ApiCallRules;
	/** For the model: what is destructive, e.g. `GET is a read, DELETE and writes that ... are destructive; other writes are writes.` */
	summary: string;
	/** A class that needs the current state (PVE: a config write that changes sizes reads the config). */
	refine?: (ctx: OperationContext, call: ResolvedApiCall, verdict: SafetyVerdict) => Promise<SafetyVerdict>;
}

export interface ResolvedApiCall {
	method: ProxmoxMethod;
	/** The path as given (template or concrete). */
	path: string;
	/** The schema's template, or the given path for endpoints outside the catalogue. */
	template: string;
	known: boolean;
	concrete: string;
	/** API parameters (path variables taken out). */
	rest: Record<string, unknown>;
	pathValues: Record<string, unknown>;
	found: { endpoint: CatalogueEndpoint; variables: Record<string, string> } | undefined;
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
	const path = match[2].replace(/^\/api2\/json/, '');
	if (/[?#\\]/.test(path)) {
		throw new NodeOperationError(ctx.fn.getNode(), `Endpoint "${raw.slice(0, 200)}": the path must not contain "?", "#" or "\\"`, {
			itemIndex: ctx.itemIndex,
			description: 'Give query and body parameters in Parameters, not in the path.',
		});
	}
	return { method: match[1].toUpperCase() as ProxmoxMethod, path };
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

/** Endpoint, parameters and the concrete path, checked before anything is classified or sent. */
function resolveCall(ctx: OperationContext, catalogue: ApiCatalogue, examples: ApiCallExamples): ResolvedApiCall {
	const { method, path } = readEndpoint(ctx, examples);
	const params = readParameters(ctx, examples);
	const found = catalogue.find(method, path);
	const validate = ctx.fn.getNodeParameter('validate', ctx.itemIndex, true) as boolean;
	if (!found && validate) {
		throw new NodeOperationError(ctx.fn.getNode(), `${method} ${path} is not in the ${catalogue.product} API schema`, {
			itemIndex: ctx.itemIndex,
			description: 'Pick the endpoint from the list, or turn off "Validate Against Schema" for endpoints newer than the catalogue.',
		});
	}
	// Fill {variables} of a template path from the parameters; they are not sent again.
	const rest: Record<string, unknown> = { ...params };
	const missing: string[] = [];
	const pathValues: Record<string, unknown> = { ...(found?.variables ?? {}) };
	for (const [name, value] of Object.entries(found?.variables ?? {})) {
		const problem = pathValueProblem(value);
		if (problem) throw new NodeOperationError(ctx.fn.getNode(), `Path variable ${name}: "${value.slice(0, 100)}" ${problem}`, { itemIndex: ctx.itemIndex });
	}
	const concrete = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
		const value = rest[name];
		delete rest[name];
		pathValues[name] = value;
		if (value === undefined || value === null || value === '') {
			missing.push(name);
			return `{${name}}`;
		}
		const problem = typeof value === 'object' ? 'is not a single value' : pathValueProblem(String(value));
		if (problem) {
			throw new NodeOperationError(ctx.fn.getNode(), `Path variable ${name}: "${String(value).slice(0, 100)}" ${problem}`, { itemIndex: ctx.itemIndex });
		}
		return encodeURIComponent(String(value));
	});
	if (missing.length) {
		throw new NodeOperationError(ctx.fn.getNode(), `Missing path variable(s): ${missing.join(', ')}`, {
			itemIndex: ctx.itemIndex,
			description: `Give them in Parameters, e.g. {${missing.map((name) => `"${name}": "..."`).join(', ')}}`,
		});
	}
	return { method, path, template: found?.endpoint.p ?? path, known: !!found, concrete, rest, pathValues, found };
}

/** The endpoint list (listSearch) for a catalogue; no request to the server is needed. */
export function endpointSearchResults(catalogue: ApiCatalogue, filter?: string): INodeListSearchItems[] {
	return catalogue.search(filter).map((endpoint) => ({
		name: `${endpoint.m} ${endpoint.p}${endpoint.d ? ` – ${endpoint.d.split(/(?<=\.)\s/)[0]}` : ''}`,
		value: `${endpoint.m} ${endpoint.p}`,
		description: `${endpoint.d ?? ''} Parameters: ${describeParams(endpoint)}${endpoint.perm ? `. Permissions: ${endpoint.perm}` : ''}`.trim(),
	}));
}

export function apiCallOperation(catalogue: ApiCatalogue, examples: ApiCallExamples, policy: ApiCallSafetyPolicy): ProxmoxOperation {
	const product = catalogue.product;
	/** Safety from the endpoint and parameters (and, for some products, the current state). */
	const callSafety = async (ctx: OperationContext): Promise<SafetyVerdict> => {
		const call = resolveCall(ctx, catalogue, examples);
		const verdict = classifyApiCall(policy.rules, call.method, call.template, call.rest, call.known);
		return policy.refine ? policy.refine(ctx, call, verdict) : verdict;
	};
	return {
		value: 'request',
		name: 'Call API',
		action: `Call any ${product} API endpoint`,
		description: `Calls any endpoint of the ${product} API (see the endpoint list for what exists). Inputs: method and path (template like ${examples.template} with the variables given as parameters, or a concrete path), parameters as a JSON object. Parameters are checked against the API schema before sending. Returns the answer's data (arrays as one item per entry; secrets such as a new token's value, tickets and passwords are masked). Safety comes from the endpoint: ${policy.summary}`,
		safety: 'write',
		safetyFor: callSafety,
		safetyRule: 'from the endpoint and parameters (rules below)',
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
			const { method, concrete, rest, pathValues, found, template } = resolveCall(ctx, catalogue, examples);
			const validate = ctx.fn.getNodeParameter('validate', ctx.itemIndex, true) as boolean;
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
			// Secrets (a new token's value, tickets, passwords) never reach the output.
			const data = maskApiAnswer(policy.rules, response.data, template);
			if (method !== 'GET') return taskOrResult(data, { method, path: concrete });
			const split = ctx.fn.getNodeParameter('splitArrays', ctx.itemIndex, true) as boolean;
			if (Array.isArray(data) && split) return asItems(data);
			return { data: data as IDataObject, ...(response.total !== undefined ? { total: response.total } : {}) };
		},
	};
}
