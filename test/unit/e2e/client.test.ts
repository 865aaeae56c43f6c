import { firstJsonObject } from '../../e2e/client';

describe('e2e client: run data printed by n8n execute', () => {
	it('takes the first whole JSON object and ignores log lines after it', () => {
		const printed = 'Execution was successful:\n{"data":{"text":"a } and \\" { inside"},"n":[1,{"x":2}]}\nShutting down {pid: 7}\n';
		expect(JSON.parse(firstJsonObject(printed)!)).toEqual({ data: { text: 'a } and " { inside' }, n: [1, { x: 2 }] });
	});

	it('says there is none when the output has no complete object', () => {
		expect(firstJsonObject('no json here')).toBeUndefined();
		expect(firstJsonObject('{"cut": "off')).toBeUndefined();
	});
});
