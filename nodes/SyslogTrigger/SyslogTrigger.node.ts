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
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';
import { readmeUrl } from '../shared/docs';
import { emitExecution } from '../shared/pacing';
import { syslogTriggerProperties } from './description';
import { statsItem, type SyslogItem } from './item';
import { SyslogPipeline } from './pipeline';
import { ListenError, SyslogServer } from './server';
import { checkTlsMaterial, readSettings, tlsMaterialFrom } from './settings';

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
		documentationUrl: readmeUrl('syslog'),
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
		const settings = await readSettings(this);
		const maxInFlight = settings.pipeline.maxInFlight;
		let firstEmit: (() => void) | undefined;
		const firstEmitted = new Promise<void>((resolve) => (firstEmit = resolve));

		const deliver = (items: SyslogItem[]): Promise<void> | undefined => {
			const data: INodeExecutionData[] = items.map((item) => ({ json: item as unknown as IDataObject }));
			// Waiting for the execution to finish is only needed to limit concurrency.
			const done = emitExecution(this, [data], maxInFlight > 0);
			firstEmit?.();
			return done;
		};
		const pipeline = new SyslogPipeline(settings.pipeline, deliver);
		const server = new SyslogServer(settings.listen, pipeline);

		let statsTimer: NodeJS.Timeout | undefined;
		const startStatistics = () => {
			const intervalMs = settings.statisticsIntervalMs;
			if (intervalMs === null) return;
			let droppedBefore = 0;
			statsTimer = setInterval(
				() => {
					const snapshot = pipeline.snapshot();
					const item = statsItem(snapshot, snapshot.dropped.total - droppedBefore);
					droppedBefore = snapshot.dropped.total;
					this.emit([[{ json: item }]]);
				},
				intervalMs,
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
