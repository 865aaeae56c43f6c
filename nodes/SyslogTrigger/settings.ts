import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { NodeOperationError, type IDataObject, type ITriggerFunctions } from 'n8n-workflow';
import type { EventSeverity } from '../shared/events';
import { DEFAULT_MAX_CONCURRENT_EXECUTIONS } from '../shared/pacing/options';
import { buildMessageFilter, buildSourceAllowList, FilterConfigError } from './filters';
import { facilityCodeFromName } from './parser/pri';
import type { PipelineConfig } from './pipeline';
import type { ListenOptions, TlsMaterial } from './server';

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

export interface TriggerSettings {
	pipeline: PipelineConfig;
	listen: ListenOptions;
	/** Interval of the periodic statistics item, or null when not requested. */
	statisticsIntervalMs: number | null;
}

/** Dedupe windows open at once at most (each holds one message of up to Max Message Size). */
const DEDUPE_MAX_KEYS = 2_000;
/** Memory the queue may hold at most, whatever the message sizes. */
const QUEUE_MAX_BYTES = 64 * 1024 * 1024;
/** Asked of the kernel so bursts wait in the socket instead of being lost; capped by net.core.rmem_max. */
const UDP_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

function validTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

export function tlsMaterialFrom(credentials: IDataObject): TlsMaterial {
	return {
		cert: String(credentials.certificate ?? ''),
		key: String(credentials.privateKey ?? ''),
		passphrase: String(credentials.passphrase ?? ''),
		ca: String(credentials.clientCa ?? ''),
	};
}

/** Loads certificate, key and CA the way the TLS listener will; returns the problem, if any. */
export function checkTlsMaterial(material: TlsMaterial): string | null {
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

/** The node's parameters as listener and pipeline settings; invalid ones fail activation with a clear message. */
export async function readSettings(context: ITriggerFunctions): Promise<TriggerSettings> {
	const node = context.getNode();
	const protocol = context.getNodeParameter('protocol', 'udpAndTcp') as 'udp' | 'tcp' | 'udpAndTcp';
	const host = (context.getNodeParameter('host', '0.0.0.0') as string).trim() || '0.0.0.0';
	const port = context.getNodeParameter('port', 5514) as number;
	const useTls = protocol !== 'udp' && (context.getNodeParameter('tls', false) as boolean);
	const batched = (context.getNodeParameter('output', 'message') as string) === 'batch';
	const filters = context.getNodeParameter('filters', {}) as FilterParameters;
	const options = context.getNodeParameter('options', {}) as OptionParameters;

	const timeZone = options.timezone?.trim() || context.getTimezone() || 'UTC';
	if (!validTimeZone(timeZone)) {
		throw new NodeOperationError(node, `Unknown timezone "${timeZone}"`, { description: 'Use an IANA zone name such as Europe/Vienna or UTC.' });
	}
	let tls: TlsMaterial | null = null;
	if (useTls) {
		tls = tlsMaterialFrom(await context.getCredentials('proxmoxMcpSyslogTlsApi'));
		const problem = checkTlsMaterial(tls);
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
	const statistics = options.statistics ?? 'none';
	return {
		pipeline: {
			maxMessageBytes,
			unparseable: options.unparseable ?? 'emit',
			classify: options.classify ?? true,
			includeRaw: options.includeRaw ?? true,
			timeZone,
			filter,
			allowSource,
			dedupeWindowMs: Math.round((options.dedupeWindow ?? 0) * 1000),
			dedupeMaxKeys: DEDUPE_MAX_KEYS,
			ratePerSecond: options.rateLimit ?? 100,
			batchSize: batched ? (context.getNodeParameter('batchSize', 100) as number) : 1,
			batchMaxWaitMs: batched ? Math.round((context.getNodeParameter('batchMaxWait', 2) as number) * 1000) : 0,
			maxQueue: options.queueSize ?? 10000,
			maxQueueBytes: QUEUE_MAX_BYTES,
			maxInFlight: options.maxConcurrentExecutions ?? DEFAULT_MAX_CONCURRENT_EXECUTIONS,
			attachStats: statistics === 'item',
		},
		listen: {
			udp: protocol !== 'tcp',
			tcp: protocol !== 'udp',
			host,
			port,
			tls,
			maxConnections: options.maxConnections ?? 100,
			idleTimeoutMs: Math.round((options.idleTimeout ?? 300) * 1000),
			maxMessageBytes,
			udpReceiveBufferBytes: UDP_RECEIVE_BUFFER_BYTES,
		},
		statisticsIntervalMs: statistics === 'periodic' ? Math.max(1, options.statisticsInterval ?? 60) * 1000 : null,
	};
}
