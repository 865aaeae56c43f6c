import {
	NodeConnectionTypes,
	NodeOperationError,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IDataObject,
	type ILoadOptionsFunctions,
	type INodeCredentialTestResult,
	type INodePropertyOptions,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';

import { readmeUrl } from '../shared/docs';
import { explainImapError, IMAP_CREDENTIAL, ImapFatalError, readImapSettings, type ImapSettings } from './connection';
import { listMailboxes, testImapCredential } from './credentialTest';
import { mailItem, unreadableMailItem } from './message';
import { MailboxWatcher, type AfterAction } from './watcher';

export class ProxmoxMailTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Proxmox Mail Trigger',
		name: 'proxmoxMailTrigger',
		icon: { light: 'file:mail.svg', dark: 'file:mail.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"Mailbox " + $parameter["mailbox"]}}',
		description:
			'Starts the workflow for each new mail in an IMAP mailbox (IDLE push, polling fallback), reading Proxmox VE and Backup Server reports (backups, GC, verify, sync, updates, fencing) into structured events, without losing or repeating mail across restarts',
		defaults: { name: 'Proxmox Mail Trigger' },
		documentationUrl: readmeUrl('mail'),
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'proxmoxMcpImapApi', required: true, testedBy: 'imapConnectionTest' }],
		properties: [
			{
				displayName: 'Use a mailbox (or folder) that only receives the mails to watch: the trigger remembers its place by UID and, by default, marks what it processed as read',
				name: 'mailboxNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Mailbox Name or ID',
				name: 'mailbox',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getMailboxes' },
				default: 'INBOX',
				description: 'The mailbox to watch. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'After Processing',
				name: 'afterProcessing',
				type: 'options',
				default: 'markSeen',
				description: 'What to do with a mail once it started the workflow (mail the filters skip is left as it is)',
				options: [
					{ name: 'Mark as Read', value: 'markSeen', description: 'Set the \\Seen flag' },
					{ name: 'Move to Folder', value: 'move', description: 'Move it to another folder of the same account' },
					{ name: 'Leave as Is', value: 'leave', description: 'Change nothing on the server' },
				],
			},
			{
				displayName: 'Folder Name or ID',
				name: 'moveTo',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getMailboxes' },
				default: '',
				required: true,
				description: 'The folder processed mail is moved to; it must exist. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
				displayOptions: { show: { afterProcessing: ['move'] } },
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				options: [
					{
						displayName: 'From Contains',
						name: 'from',
						type: 'string',
						default: '',
						placeholder: 'root@pve1.example.com',
						description: 'Only mail whose sender address contains this text (case-insensitive)',
					},
					{
						displayName: 'Proxmox Reports Only',
						name: 'proxmoxOnly',
						type: 'boolean',
						default: false,
						description: 'Whether to ignore mail that is not a recognised Proxmox VE or Backup Server report',
					},
					{
						displayName: 'Subject Matches (Regex)',
						name: 'subjectRegex',
						type: 'string',
						default: '',
						placeholder: '^vzdump backup status',
						description: 'Only mail whose subject matches this JavaScript regular expression (case-insensitive)',
					},
					{
						displayName: 'Unseen Only',
						name: 'unseenOnly',
						type: 'boolean',
						default: false,
						description: 'Whether to ignore mail that is already marked as read when it arrives',
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Attachment Binary Prefix',
						name: 'binaryPrefix',
						type: 'string',
						default: 'attachment_',
						description: 'Attachments become binary properties named this prefix plus 0, 1, 2…',
					},
					{
						displayName: 'Dead Connection Timeout (Seconds)',
						name: 'noopTimeoutSeconds',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 30,
						description: 'A NOOP unanswered for this long means the connection is dead; the trigger reconnects and catches up',
					},
					{
						displayName: 'Download Attachments',
						name: 'downloadAttachments',
						type: 'boolean',
						default: true,
						description: 'Whether to attach the mail\'s attachments as binary data (they are listed in either case)',
					},
					{
						displayName: 'Include HTML',
						name: 'includeHtml',
						type: 'boolean',
						default: false,
						description: 'Whether to add the HTML part of the mail as the `html` field',
					},
					{
						displayName: 'Keepalive Interval (Seconds)',
						name: 'keepaliveSeconds',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 240,
						description: 'IDLE is ended and re-issued this often with a NOOP that checks the connection (servers and NAT routers drop quiet connections; RFC 2177 asks for less than 29 minutes)',
					},
					{
						displayName: 'Max Attachment Size (MB)',
						name: 'maxAttachmentMb',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 10,
						description: 'Larger attachments are listed with a note instead of being attached',
					},
					{
						displayName: 'Poll Interval (Seconds)',
						name: 'pollIntervalSeconds',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 60,
						description: 'How often to look for new mail when the server does not support IDLE',
					},
				],
			},
		],
	};

	methods = {
		credentialTest: {
			async imapConnectionTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				return await testImapCredential(credential.data ?? {});
			},
		},
		loadOptions: {
			async getMailboxes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				let settings: ImapSettings;
				try {
					settings = readImapSettings(await this.getCredentials(IMAP_CREDENTIAL));
					const boxes = await listMailboxes(settings);
					return boxes.map((box) => ({ name: box.path, value: box.path, description: box.specialUse ? `Special use: ${box.specialUse}` : undefined }));
				} catch (error) {
					throw new NodeOperationError(this.getNode(), (error as Error).message);
				}
			},
		},
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const node = this.getNode();
		const fail = (error: Error) =>
			new NodeOperationError(node, error.message, { description: error instanceof ImapFatalError && error.field ? `Field to check: ${error.field}` : undefined });
		let settings: ImapSettings;
		try {
			settings = readImapSettings(await this.getCredentials(IMAP_CREDENTIAL));
		} catch (error) {
			throw fail(explainImapError(error, { host: '', port: 0, security: 'tls', user: '', tls: { mode: 'system' } }));
		}
		const mailbox = String(this.getNodeParameter('mailbox', 'INBOX') || 'INBOX');
		const afterProcessing = this.getNodeParameter('afterProcessing', 'markSeen') as string;
		let afterAction: AfterAction = { kind: 'leave' };
		if (afterProcessing === 'markSeen') afterAction = { kind: 'seen' };
		if (afterProcessing === 'move') {
			const folder = String(this.getNodeParameter('moveTo', '') ?? '').trim();
			if (!folder) throw new NodeOperationError(node, 'Folder is empty: choose the folder processed mail is moved to (After Processing: Move to Folder)');
			if (folder === mailbox) throw new NodeOperationError(node, `Folder "${folder}" is the watched mailbox itself: choose another folder to move processed mail to`);
			afterAction = { kind: 'move', folder };
		}
		const filters = this.getNodeParameter('filters', {}) as IDataObject;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		let subjectRegex: RegExp | null = null;
		if (filters.subjectRegex) {
			try {
				subjectRegex = new RegExp(String(filters.subjectRegex), 'i');
			} catch (error) {
				throw new NodeOperationError(node, `Filters > Subject Matches (Regex) is not a valid regular expression: ${(error as Error).message}`);
			}
		}
		const fromFilter = String(filters.from ?? '').trim().toLowerCase();
		const unseenOnly = filters.unseenOnly === true;
		const proxmoxOnly = filters.proxmoxOnly === true;
		const manual = this.getMode() === 'manual';
		const maxAttachmentBytes = Math.max(0, Number(options.maxAttachmentMb ?? 10)) * 1024 * 1024;
		const helpers = this.helpers;
		const watcher: MailboxWatcher = new MailboxWatcher({
			settings,
			mailbox,
			store: this.getWorkflowStaticData('node'),
			resume: !manual,
			keepaliveMs: Math.max(1, Number(options.keepaliveSeconds ?? 240)) * 1000,
			noopTimeoutMs: Math.max(1, Number(options.noopTimeoutSeconds ?? 30)) * 1000,
			pollIntervalMs: Math.max(1, Number(options.pollIntervalSeconds ?? 60)) * 1000,
			afterAction,
			once: manual,
			handle: async (message) => {
				const itemOptions = {
					mailbox,
					includeHtml: options.includeHtml === true,
					downloadAttachments: options.downloadAttachments !== false,
					maxAttachmentBytes,
					binaryPrefix: String(options.binaryPrefix ?? 'attachment_') || 'attachment_',
					prepareBinary: async (data: Buffer, fileName: string | undefined, mimeType: string) => await helpers.prepareBinaryData(data, fileName, mimeType),
				};
				// The cursor has already moved past this mail: a mail that cannot be read is emitted with the reason, never dropped.
				const parsed = await mailItem(message, itemOptions).catch((error: Error) => unreadableMailItem(message, mailbox, error));
				if (fromFilter && !(parsed.fromAddress ?? '').toLowerCase().includes(fromFilter)) return false;
				if (subjectRegex && !subjectRegex.test(parsed.subject)) return false;
				if (unseenOnly && parsed.seen) return false;
				if (proxmoxOnly && !parsed.proxmox) return false;
				const counters = watcher.counters;
				parsed.item.json.counters = { ...counters, emitted: counters.emitted + 1 };
				// `this.emit` is looked up at emit time: n8n swaps it in after trigger() returns in manual runs.
				this.emit([[parsed.item]]);
				return true;
			},
			fail: (error) => this.emitError(fail(error)),
			log: (text) => this.logger.warn(`Proxmox Mail Trigger (${mailbox}): ${text}`),
		});
		const start = async () => {
			try {
				await watcher.start();
			} catch (error) {
				throw fail(error as Error);
			}
		};
		if (manual) return { closeFunction: async () => watcher.stop(), manualTriggerFunction: start };
		await start();
		return { closeFunction: async () => watcher.stop() };
	}
}
