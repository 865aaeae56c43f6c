/**
 * What the Proxmox triggers share: the client built from the `proxmoxMcpApi` (PVE) or
 * `proxmoxMcpPbsApi` (PBS) credential, chosen by the `authentication` parameter, links into
 * the Proxmox web interface, the correlation key and the common event shape (nodes/shared/events.ts).
 */
import {
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type INodeCredentialDescription,
	type INodeProperties,
	type IPollFunctions,
	type IWebhookFunctions,
} from 'n8n-workflow';

import { correlationKey, type EventSeverity, type ProxmoxEventInfo, type TriggerEvent } from '../shared/events';
import { ProxmoxClient, ProxmoxConfigError, readProxmoxConfig, type ProxmoxProduct } from '../shared/proxmox';
import { TlsConfigurationError } from '../shared/transport';
import { pbsRequirement } from '../ProxmoxBackupServer/helpers/catalogue';

export const CREDENTIAL_TYPE = 'proxmoxMcpApi';
export const PBS_CREDENTIAL_TYPE = 'proxmoxMcpPbsApi';

const CREDENTIAL_OF: Record<ProxmoxProduct, string> = { pve: CREDENTIAL_TYPE, pbs: PBS_CREDENTIAL_TYPE };

/**
 * The `authentication` parameter (n8n's way of choosing which credential a node shows) and the
 * credentials it selects. Workflows saved before it existed have none: Proxmox VE.
 */
export const authenticationProperty: INodeProperties = {
	displayName: 'Product',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'Proxmox VE', value: 'pve', description: 'A Proxmox VE cluster (Proxmox credential)' },
		{ name: 'Proxmox Backup Server', value: 'pbs', description: 'A Proxmox Backup Server (Proxmox Backup Server credential)' },
	],
	default: 'pve',
};

export const triggerCredentials: INodeCredentialDescription[] = [
	{ name: CREDENTIAL_TYPE, required: true, displayOptions: { show: { authentication: ['pve'] } } },
	{ name: PBS_CREDENTIAL_TYPE, required: true, displayOptions: { show: { authentication: ['pbs'] } } },
];

export function triggerProduct(fn: IPollFunctions | IHookFunctions | IWebhookFunctions): ProxmoxProduct {
	return fn.getNodeParameter('authentication', 'pve') === 'pbs' ? 'pbs' : 'pve';
}

export async function triggerClient(fn: IPollFunctions | IHookFunctions | IWebhookFunctions): Promise<ProxmoxClient> {
	const product = triggerProduct(fn);
	const credentials = await fn.getCredentials(CREDENTIAL_OF[product]);
	try {
		// PBS names no privilege in a 403: the schema catalogue tells the client which one a call needs.
		return new ProxmoxClient(readProxmoxConfig(credentials, product), product === 'pbs' ? { requirementFor: pbsRequirement } : {});
	} catch (error) {
		if (error instanceof ProxmoxConfigError || error instanceof TlsConfigurationError) {
			const label = product === 'pbs' ? 'Proxmox Backup Server credential' : 'Proxmox credential';
			throw new NodeOperationError(fn.getNode(), `${label}: ${error.message}`, { description: `Field: ${error.field}` });
		}
		throw new NodeOperationError(fn.getNode(), error as Error);
	}
}

/**
 * Link into the Proxmox VE web interface. The GUI keeps its view in the URL hash
 * (pve-manager www/manager6/StateProvider.js): `v1:<view>:<resource id>:<lower tab>`, where view
 * 0 is the server view, `=` marks a literal (URI-encoded) value and lower tab 4 is "Tasks". Fields
 * left out keep their current value, so the short form works across PVE versions.
 */
export function guiLink(origin: string, resourceId: string): string {
	return `${origin}/#v1:0:=${encodeURIComponent(resourceId)}:4`;
}

/** Links for the guest, node and storage an event is about. */
export function eventLinks(origin: string, info: { node?: string; vmid?: number; guestType?: string; storage?: string }): IDataObject {
	const links: IDataObject = {};
	if (info.vmid !== undefined && (info.guestType === 'qemu' || info.guestType === 'lxc')) links.guest = guiLink(origin, `${info.guestType}/${info.vmid}`);
	if (info.node) links.node = guiLink(origin, `node/${info.node}`);
	if (info.node && info.storage) links.storage = guiLink(origin, `storage/${info.node}/${info.storage}`);
	return links;
}

export interface EventParts {
	id: string;
	/** Epoch seconds when it happened. */
	time: number;
	severity: EventSeverity;
	host: string | null;
	title: string | null;
	message: string;
	info: ProxmoxEventInfo;
	links: IDataObject;
}

/** The common event (source `proxmox`) with `event.key` and the GUI links beside it. */
export function proxmoxEvent(parts: EventParts, receivedAt = new Date()): IDataObject {
	const info: ProxmoxEventInfo = { ...parts.info };
	info.key = correlationKey(info, parts.time);
	const event: TriggerEvent = {
		source: 'proxmox',
		id: parts.id,
		timestamp: new Date(parts.time * 1000).toISOString(),
		receivedAt: receivedAt.toISOString(),
		severity: parts.severity,
		host: parts.host,
		title: parts.title,
		message: parts.message,
		event: info,
	};
	return { ...event, links: parts.links } as unknown as IDataObject;
}

/** Comma/space separated list parameter to a trimmed list. */
export function listParameter(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(String).map((v) => v.trim()).filter(Boolean);
	if (typeof value !== 'string') return value === undefined || value === null ? [] : [String(value)];
	return value
		.split(/[\s,]+/)
		.map((v) => v.trim())
		.filter(Boolean);
}
