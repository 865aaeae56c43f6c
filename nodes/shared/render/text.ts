/**
 * Text helpers every channel renderer uses: escaping per format (so text that comes from logs or
 * a model cannot add markup, links or mentions) and Unicode-safe length, truncation and splitting
 * (never inside a surrogate pair or a grapheme cluster such as an emoji with modifiers).
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Length in code points (Discord's limits are checked this way; see protocols.md §3.2). */
export function codePointLength(text: string): number {
	let count = 0;
	for (let i = 0; i < text.length; i++, count++) {
		const unit = text.charCodeAt(i);
		// A high surrogate followed by a low one is one code point.
		if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
			const next = text.charCodeAt(i + 1);
			if (next >= 0xdc00 && next <= 0xdfff) i++;
		}
	}
	return count;
}

/** Grapheme clusters of `text`, in order. */
function graphemes(text: string): string[] {
	return Array.from(segmenter.segment(text), (segment) => segment.segment);
}

export const ELLIPSIS = '…';

/**
 * `text` cut to at most `max` code points, ending with an ellipsis when cut, never inside a
 * grapheme cluster.
 */
export function truncate(text: string, max: number): string {
	if (codePointLength(text) <= max) return text;
	if (max <= 0) return '';
	const budget = max - 1;
	let out = '';
	let used = 0;
	for (const cluster of graphemes(text)) {
		const size = codePointLength(cluster);
		if (used + size > budget) break;
		out += cluster;
		used += size;
	}
	return out.trimEnd() + ELLIPSIS;
}

/**
 * Splits `text` into chunks of at most `max` code points, preferring line breaks, then spaces,
 * then grapheme boundaries.
 */
export function splitText(text: string, max: number): string[] {
	if (max <= 0) throw new RangeError('max must be positive');
	const chunks: string[] = [];
	let rest = text;
	while (codePointLength(rest) > max) {
		const clusters = graphemes(rest);
		let end = 0;
		let used = 0;
		let lastNewline = -1;
		let lastSpace = -1;
		for (let i = 0; i < clusters.length; i++) {
			const size = codePointLength(clusters[i]);
			if (used + size > max) break;
			used += size;
			end = i + 1;
			if (clusters[i] === '\n' || clusters[i] === '\r\n') lastNewline = i + 1;
			else if (/^\s$/.test(clusters[i])) lastSpace = i + 1;
		}
		const cut = lastNewline > end / 2 ? lastNewline : lastSpace > end / 2 ? lastSpace : end;
		chunks.push(clusters.slice(0, cut).join('').replace(/\s+$/, ''));
		rest = clusters.slice(cut).join('').replace(/^\n+/, '');
	}
	if (rest !== '' || chunks.length === 0) chunks.push(rest);
	return chunks;
}

/** Replaces control characters (except tab/newline when `keepNewlines`) so nothing reformats a line. */
export function stripControl(text: string, keepNewlines = true): string {
	const normalised = text.replace(/\r\n?/g, '\n');
	// eslint-disable-next-line no-control-regex
	const cleaned = normalised.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '');
	return keepNewlines ? cleaned : cleaned.replace(/[\n\t]+/g, ' ');
}

/** One line of plain text (titles, subjects, header-like fields). */
export function oneLine(text: string): string {
	return stripControl(text, false).replace(/\s+/g, ' ').trim();
}

/**
 * Markdown (CommonMark, GFM, Discord) for inline text. Backslash-escaped (CommonMark allows it
 * for every ASCII punctuation character): the characters of emphasis, code, links, images, HTML,
 * tables, strike-through, spoilers and mentions (`\@everyone`, `\<@id\>`); a list, heading or
 * quote marker at the start; and what starts a bare-URL autolink (`https\://`, `www\.`), so
 * no link can be formed. Other punctuation (dates, versions, paths) stays readable. Newlines
 * become spaces.
 */
export function escapeMarkdownInline(text: string): string {
	return oneLine(text)
		.replace(/[\\`*_[\]()<>#|~!@{}]/g, (char) => `\\${char}`)
		.replace(/:(?=\/\/)/g, '\\:')
		.replace(/\b(www)\./gi, '$1\\.')
		.replace(/^([-+=]|\d+[.)])/, (marker) => (marker.length === 1 ? `\\${marker}` : `${marker.slice(0, -1)}\\${marker.slice(-1)}`));
}

/**
 * A fenced code block holding `text` verbatim: no markup or link inside is rendered. Runs of
 * backticks inside are broken with a zero-width space so the text cannot close the fence
 * (Discord ends a block at the first ``` whatever the opening fence length).
 */
export function markdownCodeBlock(text: string): string {
	const body = stripControl(text)
		.replace(/`(?=`)/g, '`\u200b')
		.replace(/\n+$/, '');
	return `\`\`\`\n${body}\n\`\`\``;
}

/** HTML text content and attribute values. */
export function escapeHtml(text: string): string {
	return stripControl(text).replace(/[&<>"']/g, (char) => HTML_ENTITIES[char]);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** An http(s) URL given by the workflow (never by the event), or undefined when it is not one. */
export function safeHttpUrl(value: string | undefined): string | undefined {
	const raw = (value ?? '').trim();
	if (!raw || !URL.canParse(raw)) return undefined;
	const url = new URL(raw);
	if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
	return url.toString();
}

/** A URL that is safe between the parentheses of a Markdown link. */
export function markdownLinkTarget(url: string): string {
	return url.replace(/[()<> ]/g, (char) => encodeURIComponent(char));
}
