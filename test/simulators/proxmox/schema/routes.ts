import type { MethodInfo, SchemaNode } from './types';

export interface Route {
	/** Template path such as `/nodes/{node}/qemu/{vmid}`. */
	template: string;
	method: string;
	info: MethodInfo;
}

interface TrieNode {
	literal: Map<string, TrieNode>;
	param?: { name: string; node: TrieNode };
	methods: Map<string, Route>;
	template?: string;
}

export interface RouteMatch {
	route?: Route;
	/** True when the path exists but not with this method. */
	pathKnown: boolean;
	pathParams: Record<string, string>;
}

function newNode(): TrieNode {
	return { literal: new Map(), methods: new Map() };
}

/** Every method+path of one schema, matched segment by segment (literal segments win over `{param}`). */
export class RouteIndex {
	readonly routes: Route[] = [];
	private readonly root = newNode();

	constructor(tree: SchemaNode[]) {
		const visit = (nodes: SchemaNode[]) => {
			for (const node of nodes) {
				if (node.info) for (const [method, info] of Object.entries(node.info)) this.add(node.path, method, info);
				if (node.children) visit(node.children);
			}
		};
		visit(tree);
	}

	private add(template: string, method: string, info: MethodInfo): void {
		let node = this.root;
		for (const seg of template.split('/').filter(Boolean)) {
			const param = /^\{(.+)\}$/.exec(seg);
			if (param) {
				if (!node.param) node.param = { name: param[1], node: newNode() };
				node = node.param.node;
			} else {
				let next = node.literal.get(seg);
				if (!next) node.literal.set(seg, (next = newNode()));
				node = next;
			}
		}
		node.template = template;
		const route = { template, method, info };
		node.methods.set(method, route);
		this.routes.push(route);
	}

	match(method: string, path: string): RouteMatch {
		const segments = path.split('/').filter(Boolean);
		const pathParams: Record<string, string> = {};
		const found = this.walk(this.root, segments, 0, pathParams);
		if (!found) return { pathKnown: false, pathParams: {} };
		return { route: found.methods.get(method), pathKnown: found.methods.size > 0, pathParams };
	}

	private walk(node: TrieNode, segs: string[], i: number, params: Record<string, string>): TrieNode | undefined {
		if (i === segs.length) return node.methods.size > 0 || node.template ? node : undefined;
		const raw = segs[i];
		let seg: string;
		try {
			seg = decodeURIComponent(raw);
		} catch {
			seg = raw;
		}
		const lit = node.literal.get(seg);
		if (lit) {
			const r = this.walk(lit, segs, i + 1, params);
			if (r) return r;
		}
		if (node.param) {
			params[node.param.name] = seg;
			const r = this.walk(node.param.node, segs, i + 1, params);
			if (r) return r;
			delete params[node.param.name];
		}
		return undefined;
	}

	find(method: string, template: string): Route | undefined {
		return this.routes.find((r) => r.method === method && r.template === template);
	}
}
