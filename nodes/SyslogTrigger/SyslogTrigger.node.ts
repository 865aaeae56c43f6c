import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import {
	NodeConnectionTypes,
	NodeOperationError,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IDataObject,
	type INodeCredentialTestResult,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IRun,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';
import type { EventSeverity } from '../shared/events';
import { syslogTriggerProperties } from './description';
import { buildMessageFilter, buildSourceAllowList, FilterConfigError } from './filters';
import { statsItem, type SyslogItem } from './item';
import { facilityCodeFromName } from './parser/pri';
import { SyslogPipeline, type PipelineConfig } from './pipeline';
import { ListenError, SyslogServer, type TlsMaterial } from './server';

interface FilterParameters {
	allowedSources?: string;
	appNames?: string;
	eventTypes?: string[];
	facilities?: string[];
	hostnames?: string;
	messagePattern?: string;
	minimumSeverity?: EventSeverity;
}

interface OptionParameters {
	classify?: boolean;
	dedupeWindow?: number;
	includeRaw?: boolean;
	maxConcurrentExecutions?: number;
	maxMessageBytes?: number;
	maxConnections?: number;
	queueSize?: number;
	rateLimit?: number;
	statistics?: 'none' | 'item' | 'periodic';
	statisticsInterval?: number;
	idleTimeout?: number;
	timezone?: string;
	unparseable?: 'emit' | 'drop';
}

function validTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

/** Loads certificate, key and CA the way the TLS listener will; returns the problem, if any. */
function checkTlsMaterial(material: TlsMaterial): string | null {
	try {
		const certificate = new X509Certificate(material.cert);
		const key = createPrivateKey({ key: material.key, passphrase: material.passphrase || undefined });
		if (!certificate.checkPrivateKey(key)) return 'The private key does not belong to the certificate';
		if (new Date(certificate.validTo).getTime() < Date.now()) return `The certificate expired on ${certificate.validTo}`;
		createSecureContext({ cert: material.cert, key: material.key, passphrase: material.passphrase || undefined, ca: material.ca || undefined });
		return null;
	} catch (error) {
		return `The certificate, key or CA could not be loaded: ${(error as Error).message}`;
	}
}

function tlsMaterialFrom(credentials: IDataObject): TlsMaterial {
	return {
		cert: String(credentials.certificate ?? ''),
		key: String(credentials.privateKey ?? ''),
		passphrase: String(credentials.passphrase ?? ''),
		ca: String(credentials.clientCa ?? ''),
	};
}

export class SyslogTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Syslog Trigger',
		name: 'syslogTrigger',
		icon: { light: 'file:syslog.svg', dark: 'file:syslog.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["protocol"] === "udpAndTcp" ? "UDP+TCP" : $parameter["protocol"].toUpperCase()}} :{{$parameter["port"]}}',
		description: 'Receives syslog (RFC 5424/3164, UDP, TCP, TLS) from Proxmox hosts and starts the workflow, flood-safe',
		eventTriggerDescription: 'Waiting for a syslog message',
		defaults: { name: 'Syslog Trigger' },
		triggerPanel: {
			header: '',
			executionsHelp: {
				inactive:
					"<b>While building your workflow</b>, click 'Execute step', then send a syslog message (e.g. <code>logger -n HOST -P 5514 -d hello</code>); the first one received becomes the output.<br /><br /><b>Once you're happy with your workflow</b>, publish it; every message (or batch) then starts an execution.",
				active:
					"<b>While building your workflow</b>, click 'Execute step' and send a syslog message to see its output here.<br /><br /><b>Your workflow also runs automatically</b> for every message (or batch) received.",
			},
			activationHint: 'Publish the workflow to keep listening for syslog messages.',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'proxmoxMcpSyslogTlsApi',
				required: true,
				testedBy: 'proxmoxMcpSyslogTlsApiTest',
				displayOptions: { show: { tls: [true] } },
			},
		],
		properties: syslogTriggerProperties,
	};

	methods = {
		credentialTest: {
			async proxmoxMcpSyslogTlsApiTest(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				const problem = checkTlsMaterial(tlsMaterialFrom(credential.data ?? {}));
				return problem ? { status: 'Error', message: problem } : { status: 'OK', message: 'Certificate and key are valid and match' };
			},
		},
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const node = this.getNode();
		const protocol = this.getNodeParameter('protocol', 'udpAndTcp') as 'udp' | 'tcp' | 'udpAndTcp';
		const host = (this.getNodeParameter('host', '0.0.0.0') as string).trim() || '0.0.0.0';
		const port = this.getNodeParameter('port', 5514) as number;
		const useTls = protocol !== 'udp' && (this.getNodeParameter('tls', false) as boolean);
		const output = this.getNodeParameter('output', 'message') as 'message' | 'batch';
		const filters = this.getNodeParameter('filters', {}) as FilterParameters;
		const options = this.getNodeParameter('options', {}) as OptionParameters;

		const timeZone = options.timezone?.trim() || this.getTimezone() || 'UTC';
		if (!validTimeZone(timeZone)) {
			throw new NodeOperationError(node, `Unknown timezone "${timeZone}"`, { description: 'Use an IANA zone name such as Europe/Vienna or UTC.' });
		}
		let tlsMaterial: TlsMaterial | null = null;
		if (useTls) {
			tlsMaterial = tlsMaterialFrom(await this.getCredentials('proxmoxMcpSyslogTlsApi'));
			const problem = checkTlsMaterial(tlsMaterial);
			if (problem) throw new NodeOperationError(node, `Syslog TLS credential: ${problem}`);
		}
		let filter: PipelineConfig['filter'];
		let allowSource: PipelineConfig['allowSource'];
		try {
			filter = buildMessageFilter({
				minimumSeverity: filters.minimumSeverity,
				facilities: (filters.facilities ?? []).map(facilityCodeFromName).filter((code) => code >= 0),
				hostnames: filters.hostnames,
				appNames: filters.appNames,
				eventTypes: filters.eventTypes,
				messagePattern: filters.messagePattern,
			});
			allowSource = buildSourceAllowList(filters.allowedSources ?? '');
		} catch (error) {
			if (error instanceof FilterConfigError) throw new NodeOperationError(node, error.message);
			throw new NodeOperationError(node, error as Error);
		}

		const maxMessageBytes = options.maxMessageBytes ?? 8192;
		const maxInFlight = options.maxConcurrentExecutions ?? 0;
		const statistics = options.statistics ?? 'none';
		let firstEmit: (() => void) | undefined;
		const firstEmitted = new Promise<void>((resolve) => (firstEmit = resolve));

		const deliver = (items: SyslogItem[]): Promise<IRun> | undefined => {
			const data: INodeExecutionData[] = items.map((item) => ({ json: item as unknown as IDataObject }));
			const done = maxInFlight > 0 ? this.helpers.createDeferredPromise<IRun>() : undefined;
			// `this.emit` is looked up on each call: in "Test step" n8n replaces it after trigger() returns.
			this.emit([data], undefined, done);
			firstEmit?.();
			return done?.promise;
		};

		const pipeline = new SyslogPipeline(
			{
				maxMessageBytes,
				unparseable: options.unparseable ?? 'emit',
				classify: options.classify ?? true,
				includeRaw: options.includeRaw ?? true,
				timeZone,
				filter,
				allowSource,
				dedupeWindowMs: Math.round((options.dedupeWindow ?? 0) * 1000),
				dedupeMaxKeys: 10000,
				ratePerSecond: options.rateLimit ?? 100,
				batchSize: output === 'batch' ? (this.getNodeParameter('batchSize', 100) as number) : 1,
				batchMaxWaitMs: output === 'batch' ? Math.round((this.getNodeParameter('batchMaxWait', 2) as number) * 1000) : 0,
				maxQueue: options.queueSize ?? 10000,
				maxInFlight,
				attachStats: statistics === 'item',
			},
			deliver,
		);
		const server = new SyslogServer(
			{
				udp: protocol !== 'tcp',
				tcp: protocol !== 'udp',
				host,
				port,
				tls: tlsMaterial,
				maxConnections: options.maxConnections ?? 100,
				idleTimeoutMs: Math.round((options.idleTimeout ?? 300) * 1000),
				maxMessageBytes,
				udpReceiveBufferBytes: 4 * 1024 * 1024,
			},
			pipeline,
		);

		let statsTimer: NodeJS.Timeout | undefined;
		const startStatistics = () => {
			if (statistics !== 'periodic') return;
			let droppedBefore = 0;
			statsTimer = setInterval(
				() => {
					const snapshot = pipeline.snapshot();
					const item = statsItem(snapshot, snapshot.dropped.total - droppedBefore);
					droppedBefore = snapshot.dropped.total;
					this.emit([[{ json: item }]]);
				},
				Math.max(1, options.statisticsInterval ?? 60) * 1000,
			);
		};

		const start = async (withStatistics: boolean) => {
			try {
				await server.start();
			} catch (error) {
				pipeline.close();
				if (error instanceof ListenError) throw new NodeOperationError(node, error.message);
				throw new NodeOperationError(node, error as Error);
			}
			if (withStatistics) startStatistics();
		};

		const closeFunction = async () => {
			if (statsTimer) clearInterval(statsTimer);
			pipeline.close();
			await server.close();
			// A "Test step" stopped before any message arrived must not leave its promise pending.
			firstEmit?.();
		};

		if (this.getMode() === 'manual') {
			// "Test step": listen only once the user runs the step, and finish with the first message
			// (which is never a statistics item).
			return {
				closeFunction,
				manualTriggerFunction: async () => {
					await start(false);
					await firstEmitted;
				},
			};
		}
		await start(true);
		return { closeFunction };
	}
}
