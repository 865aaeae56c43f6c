/** Shapes of the Proxmox API viewer schema (apidata.js / apidoc.js) as far as the simulator reads them. */

export interface ParamSchema {
	type?: string;
	description?: string;
	optional?: number | boolean;
	default?: unknown;
	enum?: string[];
	minimum?: number;
	maximum?: number;
	minLength?: number;
	maxLength?: number;
	pattern?: string;
	format?: string | Record<string, ParamSchema>;
	items?: ParamSchema;
	properties?: Record<string, ParamSchema>;
	additionalProperties?: number | boolean | ParamSchema;
	typetext?: string;
	alias?: string;
	keyAlias?: string;
	default_key?: number | boolean;
	renderer?: string;
	requires?: string;
}

export type PermissionCheck = unknown[] | Record<string, unknown>;

export interface MethodInfo {
	method: string;
	name?: string;
	description?: string;
	parameters: ParamSchema;
	returns?: ParamSchema;
	permissions?: { check?: PermissionCheck; user?: string; description?: string };
	proxyto?: string;
	protected?: number;
	allowtoken?: number;
}

export interface SchemaNode {
	path: string;
	text?: string;
	leaf?: number;
	info?: Record<string, MethodInfo>;
	children?: SchemaNode[];
}

export type Product = 'pve' | 'pbs';
export type SchemaId = 'pve9' | 'pve8' | 'pbs';
