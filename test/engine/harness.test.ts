import { NodeOperationError, type INodeType, type ITriggerFunctions } from 'n8n-workflow';

import { registerNodeType, runNode, runNodeForResult, runWebhook, runWebhookMethod, startTrigger, runWorkflow, START_NODE_TYPE } from '../helpers/engine';

const echo: INodeType = {
	description: {
		displayName: 'Echo',
		name: 'echo',
		group: ['transform'],
		version: 1,
		description: 'Echoes',
		defaults: { name: 'Echo' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Fail On', name: 'failOn', type: 'number', default: -1 }],
	},
	async execute() {
		const items = this.getInputData();
		const out = [];
		for (let i = 0; i < items.length; i++) {
			try {
				if (this.getNodeParameter('failOn', i) === i) throw new NodeOperationError(this.getNode(), `bad item ${i}`, { itemIndex: i });
				out.push({ json: { ...items[i].json, tool: this.getNode().type.endsWith('Tool') }, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw error;
			}
		}
		return [out];
	},
};

const ticker: INodeType = {
	description: {
		displayName: 'Ticker',
		name: 'ticker',
		group: ['trigger'],
		version: 1,
		description: 'Ticks',
		defaults: { name: 'Ticker' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	},
	async trigger(this: ITriggerFunctions) {
		const data = this.getWorkflowStaticData('node');
		let n = (data.n as number) ?? 0;
		const timer = setInterval(() => {
			n += 1;
			data.n = n;
			this.emit([[{ json: { n } }]]);
		}, 5);
		return { closeFunction: async () => clearInterval(timer) };
	},
};

beforeAll(() => {
	registerNodeType('test.echo', echo);
	registerNodeType('test.echoTool', { ...echo, description: { ...echo.description, name: 'echoTool' } });
	registerNodeType('test.ticker', ticker);
});

describe('engine harness', () => {
	it('runs a node through WorkflowExecute with paired items', async () => {
		const out = await runNode('test.echo', {}, { items: [{ a: 1 }, { a: 2 }] });
		expect(out.map((item) => item.json)).toEqual([{ a: 1, tool: false }, { a: 2, tool: false }]);
		expect(out[1].pairedItem).toEqual({ item: 1 });
	});

	it('surfaces node errors and honours continue-on-fail', async () => {
		await expect(runNode('test.echo', { failOn: 1 }, { items: [{}, {}] })).rejects.toThrow('bad item 1');
		const out = await runNode('test.echo', { failOn: 1 }, { items: [{}, {}], continueOnFail: true });
		expect(out[1].json).toEqual({ error: 'bad item 1' });
		const result = await runNodeForResult('test.echo', { failOn: 0 });
		expect(result.error?.message).toBe('bad item 0');
	});

	it('runs the Tool variant', async () => {
		const out = await runNode('test.echo', {}, { asTool: true });
		expect(out[0].json.tool).toBe(true);
	});

	it('chains nodes in a workflow', async () => {
		const result = await runWorkflow({
			nodes: [
				{ name: 'Start', type: START_NODE_TYPE, parameters: { items: '[{"x":1}]' } },
				{ name: 'A', type: 'test.echo', parameters: {} },
				{ name: 'B', type: 'test.echo', parameters: {} },
			],
			connections: {
				Start: { main: [[{ node: 'A', type: 'main', index: 0 }]] },
				A: { main: [[{ node: 'B', type: 'main', index: 0 }]] },
			},
		});
		expect(result.output('B')[0].json.x).toBe(1);
	});

	it('activates a trigger with persistent static data', async () => {
		const handle = await startTrigger('test.ticker', {}, { staticData: { n: 10 } });
		const emitted = await handle.waitForEmit(2);
		await handle.close();
		expect(emitted[0][0][0].json.n).toBe(11);
		expect(handle.staticData.n).toBeGreaterThanOrEqual(12);
	});
});

describe('webhook nodes', () => {
	const hook: INodeType = {
		description: {
			displayName: 'Hook',
			name: 'hook',
			group: ['trigger'],
			version: 1,
			description: 'Receives',
			defaults: { name: 'Hook' },
			inputs: [],
			outputs: ['main'],
			webhooks: [{ name: 'default', httpMethod: 'POST', path: 'hook', responseMode: 'onReceived' }],
			properties: [],
		},
		webhookMethods: {
			default: {
				async checkExists() {
					return Boolean(this.getWorkflowStaticData('node').registered);
				},
				async create() {
					this.getWorkflowStaticData('node').registered = this.getNodeWebhookUrl('default');
					return true;
				},
				async delete() {
					delete this.getWorkflowStaticData('node').registered;
					return true;
				},
			},
		},
		async webhook() {
			const body = this.getBodyData();
			if (this.getHeaderData()['x-token'] !== 'ok') {
				this.getResponseObject().status(401).send('unauthorized');
				return { noWebhookResponse: true };
			}
			return { workflowData: [[{ json: body }]] };
		},
	};

	beforeAll(() => registerNodeType('test.hook', hook));

	it('delivers a request to webhook() and records direct responses', async () => {
		const ok = await runWebhook('test.hook', {}, { headers: { 'X-Token': 'ok' }, body: { title: 'backup failed' } });
		expect(ok.response.workflowData?.[0][0].json).toEqual({ title: 'backup failed' });
		const denied = await runWebhook('test.hook', {}, { headers: {}, body: {} });
		expect(denied.sent).toMatchObject({ status: 401, body: 'unauthorized' });
	});

	it('runs the activation lifecycle with static data', async () => {
		const created = await runWebhookMethod('test.hook', {}, 'create');
		expect(created.staticData.registered).toBe(created.webhookUrl);
		expect(created.webhookUrl).toContain('/webhook/');
		const exists = await runWebhookMethod('test.hook', {}, 'checkExists', { staticData: created.staticData });
		expect(exists.result).toBe(true);
	});
});

describe('node errors keep their class', () => {
	it('rejects with the live NodeOperationError (itemIndex included)', async () => {
		const error = await runNode('test.echo', { failOn: 0 }).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('bad item 0');
	});
});
