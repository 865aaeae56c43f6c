import { randomBytes, timingSafeEqual } from 'node:crypto';

import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
	type JsonObject,
} from 'n8n-workflow';

import { readmeUrl } from '../shared/docs';
import { ProxmoxApiError, toNodeError, type ProxmoxClient, type ProxmoxProduct } from '../shared/proxmox';
import { authenticationProperty, listParameter, triggerClient, triggerCredentials } from './common';
import { notificationEvent, type NotificationBody } from './push/event';
import {
	createRegistration,
	FilterError,
	matcherRules,
	manualCommands,
	PBS_EVENT_TYPES,
	PVE_EVENT_TYPES,
	readRegistration,
	registrationDigest,
	registrationNames,
	removeRegistration,
	SECRET_HEADER,
	SEVERITIES,
	type FieldMatch,
	type PushFilters,
	type RegistrationNames,
} from '../shared/proxmox/notificationWebhook';

type Setup = 'automatic' | 'manual';

interface Registration {
	endpoint?: string;
	matcher?: string;
	secret?: string;
	digest?: string;
	url?: string;
}

/** What registering needs, and how to grant it, per product (PVE: pve-manager API2/Cluster/Notifications.pm; PBS: the schema's /system/notifications checks). */
const REGISTRATION_PRIVILEGES: Record<ProxmoxProduct, { needs: string; grant: string[]; where: string }> = {
	pve: {
		needs: 'Registering needs Mapping.Modify on /mapping/notifications, and Sys.Audit + Sys.Modify (or Sys.AccessNetwork) on / to create a webhook target.',
		grant: ['  pveum role add N8nNotifications --privs "Mapping.Audit Mapping.Modify Sys.Audit Sys.AccessNetwork"', "  pveum acl modify / --roles N8nNotifications --tokens 'n8n@pve!trigger'"],
		where: 'on a Proxmox node',
	},
	pbs: {
		needs: 'Registering needs Sys.Audit + Sys.Modify on /system/notifications (PBS has fixed roles: Admin is the one with Sys.Modify).',
		grant: ["  proxmox-backup-manager acl update /system/notifications Admin --auth-id 'n8n@pbs!trigger'"],
		where: 'on the Proxmox Backup Server',
	},
};

function readFilters(fn: IHookFunctions | IWebhookFunctions): PushFilters {
	const fields = (fn.getNodeParameter('fieldMatches', {}) as { match?: Array<{ mode?: string; field?: string; value?: string }> }).match ?? [];
	return {
		severities: listParameter(fn.getNodeParameter('severities', [])),
		types: listParameter(fn.getNodeParameter('eventTypes', [])),
		fields: fields.map((f): FieldMatch => ({ mode: f.mode === 'regex' ? 'regex' : 'exact', field: f.field ?? '', value: f.value ?? '' })),
	};
}

function checkedFilters(fn: IHookFunctions | IWebhookFunctions): PushFilters {
	const filters = readFilters(fn);
	try {
		matcherRules(filters);
	} catch (error) {
		throw error instanceof FilterError ? new NodeOperationError(fn.getNode(), error.message, { description: `Field: ${error.field}` }) : toNodeError(fn.getNode(), error);
	}
	return filters;
}

function manualNames(fn: IHookFunctions | IWebhookFunctions): RegistrationNames {
	const endpoint = String(fn.getNodeParameter('targetName', 'n8n-webhook')).trim();
	if (!/^[a-z][a-z0-9_-]+$/i.test(endpoint)) throw new NodeOperationError(fn.getNode(), `Target Name "${endpoint}" is not a valid Proxmox ID (letters, digits, - and _, starting with a letter)`, { description: 'Field: targetName' });
	return { endpoint, matcher: `${endpoint}-m` };
}

function automaticNames(fn: IHookFunctions): { names: RegistrationNames; url: string } {
	const url = fn.getNodeWebhookUrl('default');
	if (!url) throw new NodeOperationError(fn.getNode(), 'n8n has no webhook URL for this node');
	return { names: registrationNames(fn.getWorkflow().id, fn.getNode().id, url), url };
}

/** 403 while registering: name the privilege Proxmox reported, what is needed, and the manual route. */
function registrationError(fn: IHookFunctions, error: unknown, names: RegistrationNames, url: string, filters: PushFilters, product: ProxmoxProduct): Error {
	if (!(error instanceof ProxmoxApiError) || error.status !== 403) return toNodeError(fn.getNode(), error);
	const privileges = REGISTRATION_PRIVILEGES[product];
	const missing = error.missingPermission;
	// PBS names no privilege in its 403; every call of a registration is a write there (schema: Sys.Modify on /system/notifications).
	const named = product === 'pbs' ? 'Sys.Modify on /system/notifications' : missing?.privileges?.length ? `${missing.privileges.join(' or ')} on ${missing.path}` : 'a privilege';
	const token = error.message;
	return new NodeApiError(fn.getNode(), { message: token, status: 403 } as JsonObject, {
		message: `The Proxmox credential may not register the webhook: it lacks ${named}`,
		httpCode: '403',
		description: [
			`Proxmox answered: ${token}.`,
			privileges.needs,
			`Grant them (as root ${privileges.where}; for a token, to the token itself), e.g.:`,
			...privileges.grant,
			`Or set Setup to "Manual" in the node, enter a secret there, and run ${privileges.where}:`,
			manualCommands(names, url, filters, product),
		].join('\n'),
	});
}

function secretMatches(expected: string, given: string | undefined): boolean {
	if (!given) return false;
	const a = Buffer.from(expected, 'utf8');
	const b = Buffer.from(given, 'utf8');
	return a.length === b.length && timingSafeEqual(a, b);
}

function eventMatchesFilters(body: NotificationBody, filters: PushFilters): boolean {
	const severity = typeof body.severity === 'string' ? body.severity : 'unknown';
	const fields = (body.fields && typeof body.fields === 'object' ? body.fields : {}) as Record<string, unknown>;
	// Proxmox's own target test bypasses matchers; let it through so the setup can be checked.
	if (!fields.type && body.title === 'Test notification') return true;
	if (filters.severities.length && !filters.severities.includes(severity)) return false;
	if (filters.types.length && !filters.types.includes(String(fields.type ?? ''))) return false;
	for (const match of filters.fields) {
		const value = fields[match.field.trim()];
		if (value === undefined) return false;
		if (match.mode === 'exact' && !match.value.split(',').map((v) => v.trim()).includes(String(value))) return false;
		if (match.mode === 'regex' && !new RegExp(match.value.trim()).test(String(value))) return false;
	}
	return true;
}

export class ProxmoxTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Proxmox Trigger',
		name: 'proxmoxTrigger',
		icon: { light: 'file:proxmox.svg', dark: 'file:proxmox.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["setup"] === "manual" ? "Manual setup" : "Registers its webhook"}}',
		// n8n's node panel merges this trigger with the Proxmox node and shows this text for both.
		description:
			'Query and control Proxmox VE, or start the workflow in real time when Proxmox VE or Backup Server sends a notification (backup failed, node fenced, GC or verify failed, updates available)',
		documentationUrl: readmeUrl('proxmoxTrigger'),
		defaults: { name: 'Proxmox Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: triggerCredentials,
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: [
			authenticationProperty,
			{
				displayName: 'Setup',
				name: 'setup',
				type: 'options',
				options: [
					{ name: 'Automatic', value: 'automatic', description: 'The node creates the webhook target and matcher on publish and removes them on unpublish' },
					{ name: 'Manual', value: 'manual', description: 'You create them (the credential may not change the notification configuration); the node checks the secret' },
				],
				default: 'automatic',
			},
			{
				displayName:
					'On publish the node creates, in Datacenter > Notifications, a webhook target and a matcher named n8n-&lt;workflow ID&gt;-&lt;hash&gt; with a new secret, and removes them on unpublish. The credential needs Mapping.Modify on /mapping/notifications and Sys.Audit + Sys.Modify (or Sys.AccessNetwork) on /.',
				name: 'automaticNotice',
				type: 'notice',
				displayOptions: { show: { setup: ['automatic'], authentication: ['pve'] } },
				default: '',
			},
			{
				displayName:
					'On publish the node creates, in Configuration > Notifications, a webhook target and a matcher named n8n-&lt;workflow ID&gt;-&lt;hash&gt; with a new secret, and removes them on unpublish. The credential needs Sys.Audit and Sys.Modify on /system/notifications (PBS 3.3 or later). Datastores notify only with Notification Mode "Notification System".',
				name: 'automaticNoticePbs',
				type: 'notice',
				displayOptions: { show: { setup: ['automatic'], authentication: ['pbs'] } },
				default: '',
			},
			{
				displayName:
					'Create the target yourself, as root on a Proxmox node or the Backup Server (or in the web interface: Datacenter > Notifications, PBS: Configuration > Notifications; Add > Webhook): name = Target Name below, method POST, URL = this node\'s Production URL, header Content-Type = application/json, header X-Proxmox-Token = {{ secrets.token }}, secret token = the Secret below, body = {"title":{{ json title }},"message":{{ json message }},"severity":{{ json severity }},"timestamp":{{ timestamp }},"fields":{{ json fields }} }; then a matcher "&lt;Target Name&gt;-m" targeting it. On publish the node checks that the target exists and, if not, shows the exact commands (pvesh, PBS: proxmox-backup-debug api) for your filters.',
				name: 'manualNotice',
				type: 'notice',
				displayOptions: { show: { setup: ['manual'] } },
				default: '',
			},
			{
				displayName: 'Target Name',
				name: 'targetName',
				type: 'string',
				displayOptions: { show: { setup: ['manual'] } },
				default: 'n8n-webhook',
				description: 'Name of the webhook target you create in Proxmox; the matcher is this name plus "-m"',
			},
			{
				displayName: 'Secret',
				name: 'secret',
				type: 'string',
				typeOptions: { password: true },
				displayOptions: { show: { setup: ['manual'] } },
				required: true,
				default: '',
				description: 'The value stored as secret "token" in the Proxmox target. Requests without it in the X-Proxmox-Token header are answered 401 and start nothing.',
			},
			{
				displayName: 'Severities',
				name: 'severities',
				type: 'multiOptions',
				options: SEVERITIES.map((s) => ({ name: s.charAt(0).toUpperCase() + s.slice(1), value: s })),
				default: [],
				description: 'Only notifications of these severities (a set, not a threshold; system mail is "unknown"). Empty means all.',
			},
			{
				displayName: 'Event Types',
				name: 'eventTypes',
				type: 'multiOptions',
				displayOptions: { show: { authentication: ['pve'] } },
				options: [
					{ name: 'Backup (Vzdump)', value: 'vzdump' },
					{ name: 'Fencing', value: 'fencing' },
					{ name: 'Package Updates', value: 'package-updates' },
					{ name: 'Replication', value: 'replication' },
					{ name: 'System Mail', value: 'system-mail' },
				].filter((o) => (PVE_EVENT_TYPES as readonly string[]).includes(o.value)),
				default: [],
				description: 'Only these notification types (the "type" field). Empty means all.',
			},
			{
				displayName: 'Event Types',
				name: 'eventTypes',
				type: 'multiOptions',
				displayOptions: { show: { authentication: ['pbs'] } },
				options: [
					{ name: 'ACME Certificate Renewal', value: 'acme' },
					{ name: 'Garbage Collection', value: 'gc' },
					{ name: 'Package Updates', value: 'package-updates' },
					{ name: 'Prune Job', value: 'prune' },
					{ name: 'Sync Job', value: 'sync' },
					{ name: 'System Mail', value: 'system-mail' },
					{ name: 'Tape Backup Job', value: 'tape-backup' },
					{ name: 'Tape Load Request', value: 'tape-load' },
					{ name: 'Verify Job', value: 'verify' },
				].filter((o) => (PBS_EVENT_TYPES as readonly string[]).includes(o.value)),
				default: [],
				description: 'Only these notification types (the "type" field). Empty means all.',
			},
			{
				displayName: 'Field Matches',
				name: 'fieldMatches',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Field Match',
				default: {},
				description: 'Every match must hold, like Proxmox matcher rules (exact: comma-separated values; regex: unanchored)',
				options: [
					{
						displayName: 'Match',
						name: 'match',
						values: [
							{
								displayName: 'Mode',
								name: 'mode',
								type: 'options',
								options: [
									{ name: 'Exact', value: 'exact' },
									{ name: 'Regex', value: 'regex' },
								],
								default: 'exact',
							},
							{ displayName: 'Field', name: 'field', type: 'string', default: 'hostname', placeholder: 'hostname', description: 'Metadata field: type, hostname, job-ID…' },
							{ displayName: 'Value', name: 'value', type: 'string', default: '', placeholder: 'pve1,pve2' },
						],
					},
				],
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const setup = this.getNodeParameter('setup', 'automatic') as Setup;
				const filters = checkedFilters(this);
				const client = await triggerClient(this);
				if (setup === 'manual') {
					const names = manualNames(this);
					// The editor's test URL cannot be registered by hand: nothing to check.
					if (this.getMode() === 'manual') return true;
					const url = this.getNodeWebhookUrl('default') ?? '';
					let found: Awaited<ReturnType<typeof readRegistration>>;
					try {
						found = await readRegistration(client, names);
					} catch (error) {
						// Without Mapping.Audit the node cannot look; trust the manual setup.
						if (error instanceof ProxmoxApiError && error.status === 403) return true;
						throw toNodeError(this.getNode(), error);
					}
					if (found.endpoint && found.matcher) return true;
					throw new NodeOperationError(this.getNode(), `Proxmox has no webhook target "${names.endpoint}"${found.endpoint ? ` matcher "${names.matcher}"` : ''} yet`, {
						description: `Run ${REGISTRATION_PRIVILEGES[client.product].where} (as root), then publish again:\n${manualCommands(names, url, filters, client.product)}`,
					});
				}
				const { names, url } = automaticNames(this);
				const stored = this.getWorkflowStaticData('node') as Registration;
				if (!stored.secret || stored.endpoint !== names.endpoint || stored.digest !== registrationDigest(url, filters)) return false;
				try {
					const found = await readRegistration(client, names);
					return found.endpoint?.url === url && found.matcher !== undefined;
				} catch (error) {
					throw toNodeError(this.getNode(), error);
				}
			},

			async create(this: IHookFunctions): Promise<boolean> {
				const setup = this.getNodeParameter('setup', 'automatic') as Setup;
				if (setup === 'manual') return true;
				const filters = checkedFilters(this);
				const client = await triggerClient(this);
				const { names, url } = automaticNames(this);
				const stored = this.getWorkflowStaticData('node') as Registration;
				const secret = randomBytes(24).toString('base64url');
				const workflow = this.getWorkflow();
				const comment = `n8n workflow "${workflow.name ?? ''}" (${workflow.id ?? 'unsaved'}), node "${this.getNode().name}"`.slice(0, 200);
				try {
					// A leftover of a crash (or of other filters) has the same names: replace it.
					if (stored.endpoint && stored.endpoint !== names.endpoint) await removeRegistration(client, { endpoint: stored.endpoint, matcher: stored.matcher ?? `${stored.endpoint}-m` });
					await removeRegistration(client, names);
					await createRegistration(client, names, url, secret, filters, comment);
				} catch (error) {
					throw registrationError(this, error, names, url, filters, client.product);
				}
				Object.assign(stored, { endpoint: names.endpoint, matcher: names.matcher, secret, digest: registrationDigest(url, filters), url });
				return true;
			},

			async delete(this: IHookFunctions): Promise<boolean> {
				const setup = this.getNodeParameter('setup', 'automatic') as Setup;
				const stored = this.getWorkflowStaticData('node') as Registration;
				if (setup === 'manual' && !stored.endpoint) return true;
				const client = await triggerClient(this);
				const names = stored.endpoint ? { endpoint: stored.endpoint, matcher: stored.matcher ?? `${stored.endpoint}-m` } : automaticNames(this).names;
				try {
					await removeRegistration(client, names);
				} catch (error) {
					throw toNodeError(this.getNode(), error);
				}
				for (const key of ['endpoint', 'matcher', 'secret', 'digest', 'url']) delete (stored as IDataObject)[key];
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const setup = this.getNodeParameter('setup', 'automatic') as Setup;
		const expected = setup === 'manual' ? String(this.getNodeParameter('secret', '')) : (this.getWorkflowStaticData('node') as Registration).secret;
		const given = this.getHeaderData()[SECRET_HEADER.toLowerCase()];
		const response = this.getResponseObject();
		if (!expected || !secretMatches(expected, typeof given === 'string' ? given : undefined)) {
			response.status(401).json({ message: 'Unauthorized: missing or wrong X-Proxmox-Token' });
			return { noWebhookResponse: true };
		}
		const body = this.getBodyData() as NotificationBody;
		if (!body || typeof body !== 'object' || (typeof body.message !== 'string' && typeof body.title !== 'string')) {
			response.status(400).json({ message: 'Expected the JSON body of a Proxmox notification (title, message, severity, timestamp, fields)' });
			return { noWebhookResponse: true };
		}
		if (!eventMatchesFilters(body, readFilters(this))) return { webhookResponse: { message: 'Filtered out' } };
		const client: ProxmoxClient = await triggerClient(this);
		const event = notificationEvent(body, client.config.endpoints[0].origin, new Date(), client.product);
		return { workflowData: [[{ json: event }]] };
	}
}
