/** Discord's limits before sending: the fields named, truncation and splitting (nodes/Discord/limits.ts). */
import { applyLimits, embedSize, limitProblems, splitPayload, truncatePayload, LIMITS } from '../../../nodes/Discord/limits';
import { codePointLength } from '../../../nodes/shared/render';

describe('Discord limits', () => {
	it('names every field over its limit, with the 6000 total across embeds', () => {
		const problems = limitProblems({
			content: 'c'.repeat(2001),
			embeds: [{ title: 't'.repeat(257), fields: Array.from({ length: 26 }, () => ({ name: 'n', value: 'v'.repeat(1025) })) }],
		});
		expect(problems.map((problem) => problem.field)).toEqual([
			'content',
			'embeds[0].title',
			'embeds[0].fields',
			...Array.from({ length: 26 }, (_, j) => `embeds[0].fields[${j}].value`),
			'embeds',
		]);
		expect(limitProblems({ content: `  ${'c'.repeat(2000)}  ` })).toEqual([]);
	});

	it('truncates every text and shrinks the longest until the total fits', () => {
		const out = truncatePayload({ embeds: [{ description: 'd'.repeat(4096) }, { description: 'e'.repeat(4096), fields: [{ name: 'n', value: 'v'.repeat(900) }] }] });
		expect(limitProblems(out)).toEqual([]);
		expect(out.embeds!.reduce((sum, embed) => sum + embedSize(embed), 0)).toBeLessThanOrEqual(LIMITS.total);
	});

	it('splits a long description and more than 25 fields into continuation embeds, packed per message', () => {
		const fields = Array.from({ length: 60 }, (_, i) => ({ name: `f${i}`, value: 'x'.repeat(10) }));
		const messages = splitPayload({ content: 'hello', embeds: [{ title: 'T', description: 'word '.repeat(2000).trim(), fields, color: 1, footer: { text: 'foot' } }], thread_name: 'thread' });
		for (const message of messages) expect(limitProblems(message)).toEqual([]);
		const embeds = messages.flatMap((message) => message.embeds ?? []);
		expect(embeds.flatMap((embed) => embed.fields ?? []).map((field) => field.name)).toEqual(fields.map((field) => field.name));
		expect(embeds.map((embed) => embed.description ?? '').join(' ')).toBe('word '.repeat(2000).trim());
		expect(embeds[0].title).toBe('T');
		expect(embeds.at(-1)!.footer).toEqual({ text: 'foot' });
		expect(embeds.every((embed) => embed.color === 1)).toBe(true);
		expect(messages[0]).toMatchObject({ content: 'hello', thread_name: 'thread' });
		expect(messages.slice(1).every((message) => message.thread_name === undefined && message.content === undefined)).toBe(true);
	});

	it('in error mode throws naming the first field; a too-long username cannot be split', () => {
		expect(() => applyLimits({ content: 'x'.repeat(2001) }, 'error')).toThrow(expect.objectContaining({ field: 'content' }));
		expect(() => applyLimits({ content: 'x', username: 'u'.repeat(81) }, 'split')).toThrow('username is 81 characters; Discord allows 80. Shorten it.');
		expect(applyLimits({ content: 'ok' }, 'error')).toEqual([{ content: 'ok' }]);
		const [cut] = applyLimits({ content: '🏳️‍🌈'.repeat(600) }, 'truncate');
		expect(codePointLength(cut.content!)).toBeLessThanOrEqual(2000);
		expect(cut.content!.endsWith('🏳️‍🌈…')).toBe(true);
	});
});
