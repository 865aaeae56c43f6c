/**
 * Matches concrete API paths (`/nodes/pve1/qemu/100/status`) to the schema's path templates
 * (`/nodes/{node}/qemu/{vmid}/status`); literal segments win over variables.
 */
interface TrieNode {
	literal: Map<string, TrieNode>;
	variable?: { name: string; next: TrieNode };
	template?: string;
}

function newNode(): TrieNode {
	return { literal: new Map() };
}

export function splitPath(path: string): string[] {
	return path
		.replace(/[?#].*$/, '')
		.split('/')
		.filter(Boolean);
}

export class PathTemplateIndex {
	private readonly root = newNode();

	constructor(templates: Iterable<string>) {
		for (const template of templates) this.add(template);
	}

	private add(template: string): void {
		let node = this.root;
		for (const segment of splitPath(template)) {
			const variable = /^\{(.+)\}$/.exec(segment);
			if (variable) {
				node.variable ??= { name: variable[1], next: newNode() };
				node = node.variable.next;
			} else {
				let next = node.literal.get(segment);
				if (!next) {
					next = newNode();
					node.literal.set(segment, next);
				}
				node = next;
			}
		}
		node.template = template;
	}

	/** The template and its variables for a concrete path, or undefined. */
	match(path: string): { template: string; variables: Record<string, string> } | undefined {
		const segments = splitPath(path).map((segment) => {
			try {
				return decodeURIComponent(segment);
			} catch {
				return segment;
			}
		});
		const search = (node: TrieNode, index: number, variables: Record<string, string>): { template: string; variables: Record<string, string> } | undefined => {
			if (index === segments.length) return node.template ? { template: node.template, variables } : undefined;
			const literal = node.literal.get(segments[index]);
			if (literal) {
				const found = search(literal, index + 1, variables);
				if (found) return found;
			}
			if (node.variable) {
				return search(node.variable.next, index + 1, { ...variables, [node.variable.name]: segments[index] });
			}
			return undefined;
		};
		return search(this.root, 0, {});
	}
}
