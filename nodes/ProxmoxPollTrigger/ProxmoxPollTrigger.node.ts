import {
	NodeConnectionTypes,
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { readmeUrl } from '../shared/docs';
import { exitStatusIsSuccess, toNodeError, type ProxmoxClient, type ProxmoxProduct } from '../shared/proxmox';
import { authenticationProperty, listParameter, triggerClient, triggerCredentials, triggerProduct } from '../ProxmoxTrigger/common';
import { datastoreChanges, datastoreEvent, type DatastoreState, type DatastoreUsage } from './datastores';
import { diffSnapshots, stateEvent, takeSnapshot, type HaEntry, type Resource, type StateEventKind, type StateOptions, type StateSnapshot } from './state';
import {
	fromPbsTask,
	isFinished,
	pbsListSince,
	readLogTail,
	selectNewTasks,
	taskEvent,
	taskMatches,
	type ClusterTask,
	type PbsTaskEntry,
	type TaskCursor,
	type TaskFilters,
	type TaskStatusFilter,
} from './tasks';

const STATE_KINDS: Array<{ name: string; value: StateEventKind; description: string }> = [
	{ name: 'Guest Created', value: 'guestCreate', description: 'A VM or container appeared (guest.create)' },
	{ name: 'Guest Migrated', value: 'guestMigrate', description: 'A guest now runs on another node (guest.migrate)' },
	{ name: 'Guest Removed', value: 'guestRemove', description: 'A VM or container no longer exists (guest.destroy)' },
	{ name: 'Guest Started', value: 'guestStart', description: 'A guest went to running (guest.start)' },
	{ name: 'Guest Stopped on Request', value: 'guestStopRequested', description: 'A stop, shutdown, suspend, migrate or destroy task stopped it (guest.stop, unexpected false)' },
	{ name: 'Guest Stopped Unexpectedly', value: 'guestStopUnexpected', description: 'It stopped without any stop or shutdown task: crash, OOM kill, shutdown inside the guest (guest.stop, unexpected true)' },
	{ name: 'HA Service State', value: 'haState', description: 'An HA resource changed state (ha.service.state); one extra request per poll' },
	{ name: 'Node Offline', value: 'nodeOffline', description: 'A cluster node went offline (node.offline)' },
	{ name: 'Node Online', value: 'nodeOnline', description: 'A cluster node came back (node.online)' },
	{ name: 'Storage Threshold', value: 'storageThreshold', description: 'A storage crossed the usage threshold (storage.full) or went back under it minus the hysteresis (storage.recovered)' },
];

const STOP_KINDS: StateEventKind[] = ['guestStopRequested', 'guestStopUnexpected'];

const PVE = { authentication: ['pve'] };
const PBS = { authentication: ['pbs'] };

/** PBS's task list since the cursor (the first activation reaches back a week for long running jobs). */
async function pbsTasks(client: ProxmoxClient, cursor: TaskCursor | undefined, nowSeconds: number, includeSeconds: number, manual: boolean): Promise<ClusterTask[]> {
	// limit 0: no limit (proxmox-backup list_tasks); the since bound keeps the list short.
	const params = manual ? { limit: 200 } : { since: pbsListSince(cursor, nowSeconds, includeSeconds), limit: 0 };
	const entries = await client.get<PbsTaskEntry[]>('/nodes/localhost/tasks', params);
	return entries.map(fromPbsTask);
}

export class ProxmoxPollTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Proxmox Poll Trigger',
		name: 'proxmoxPollTrigger',
		icon: { light: 'file:proxmox.svg', dark: 'file:proxmox.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["watch"].join(" + ")}}',
		description:
			'Starts the workflow when a Proxmox VE or Backup Server task finishes (failed backups, GC, verify...), the cluster changes (guest stopped unexpectedly, node offline, storage full) or a datastore fills up, polling the API without loss or repeats',
		documentationUrl: readmeUrl('proxmoxPollTrigger'),
		defaults: { name: 'Proxmox Poll Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: triggerCredentials,
		properties: [
			authenticationProperty,
			{
				displayName: 'Watch',
				name: 'watch',
				type: 'multiOptions',
				required: true,
				displayOptions: { show: PVE },
				options: [
					{ name: 'Tasks', value: 'tasks', description: 'Tasks that finished since the last poll (GET /cluster/tasks)' },
					{ name: 'State Changes', value: 'state', description: 'Guests, nodes and storages compared with the last poll (GET /cluster/resources)' },
				],
				default: ['tasks'],
				description: 'What starts the workflow. Both together cost two requests per poll, whatever the cluster size.',
			},
			{
				displayName: 'Watch',
				name: 'watch',
				type: 'multiOptions',
				required: true,
				displayOptions: { show: PBS },
				options: [
					{ name: 'Tasks', value: 'tasks', description: 'Tasks that finished since the last poll: GC, verify, prune, sync, backups (GET /nodes/localhost/tasks)' },
					{ name: 'Datastore Usage', value: 'datastoreUsage', description: 'Datastores crossing the usage threshold (GET /status/datastore-usage)' },
				],
				default: ['tasks'],
				description: 'What starts the workflow. Both together cost two requests per poll.',
			},
			{
				displayName: 'Task Status',
				name: 'taskStatus',
				type: 'options',
				displayOptions: { show: { watch: ['tasks'] } },
				options: [
					{ name: 'All', value: 'all' },
					{ name: 'Failed Only', value: 'failed', description: 'Anything but OK and WARNINGS: N' },
					{ name: 'Successful Only', value: 'ok', description: 'OK and WARNINGS: N' },
				],
				default: 'all',
			},
			{
				displayName: 'Task Types',
				name: 'taskTypes',
				type: 'string',
				displayOptions: { show: { watch: ['tasks'] } },
				default: '',
				placeholder: 'vzdump, qmstart, garbage_collection, verificationjob',
				description: 'Only these task types (comma-separated; PBS: worker types such as garbage_collection, verificationjob, prunejob, syncjob, backup). Empty means all.',
			},
			{
				displayName: 'Nodes',
				name: 'taskNodes',
				type: 'string',
				displayOptions: { show: { ...PVE, watch: ['tasks'] } },
				default: '',
				placeholder: 'pve1, pve2',
				description: 'Only tasks of these nodes (comma-separated). Empty means all.',
			},
			{
				displayName: 'VMIDs',
				name: 'taskVmids',
				type: 'string',
				displayOptions: { show: { ...PVE, watch: ['tasks'] } },
				default: '',
				placeholder: '100, 101',
				description: 'Only tasks of these guests (comma-separated). Empty means all.',
			},
			{
				displayName: 'Users',
				name: 'taskUsers',
				type: 'string',
				displayOptions: { show: { watch: ['tasks'] } },
				default: '',
				placeholder: 'root@pam, n8n@pve!automation',
				description: 'Only tasks started by these users or tokens (comma-separated; a user matches its tokens too). Empty means all.',
			},
			{
				displayName: 'Log Lines of Failed Tasks',
				name: 'logLines',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 500 },
				displayOptions: { show: { watch: ['tasks'] } },
				default: 20,
				description: 'A failed task carries the last lines of its log (one or two extra requests per failed task). 0 turns it off.',
			},
			{
				displayName: 'State Events',
				name: 'stateEvents',
				type: 'multiOptions',
				displayOptions: { show: { ...PVE, watch: ['state'] } },
				options: STATE_KINDS,
				default: ['guestStopUnexpected', 'guestStopRequested', 'guestStart', 'guestCreate', 'guestRemove', 'guestMigrate', 'nodeOffline', 'nodeOnline', 'storageThreshold'],
				description: 'Which changes start the workflow',
			},
			{
				displayName: 'Storage Threshold (%)',
				name: 'thresholdPercent',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100 },
				displayOptions: { show: { ...PVE, watch: ['state'], stateEvents: ['storageThreshold'] } },
				default: 90,
				description: 'Usage at which storage.full fires',
			},
			{
				displayName: 'Datastore Threshold (%)',
				name: 'thresholdPercent',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 100 },
				displayOptions: { show: { ...PBS, watch: ['datastoreUsage'] } },
				default: 90,
				description: 'Usage at which datastore.full fires',
			},
			{
				displayName: 'Hysteresis (%)',
				name: 'hysteresisPercent',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 50 },
				displayOptions: { show: { ...PVE, watch: ['state'], stateEvents: ['storageThreshold'] } },
				default: 5,
				description: 'Points under the threshold a storage must fall before storage.recovered fires, so a storage hovering at the threshold does not flap',
			},
			{
				displayName: 'Hysteresis (%)',
				name: 'hysteresisPercent',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 50 },
				displayOptions: { show: { ...PBS, watch: ['datastoreUsage'] } },
				default: 5,
				description: 'Points under the threshold a datastore must fall before datastore.recovered fires, so a datastore hovering at the threshold does not flap',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Include Last Minutes on First Activation',
						name: 'includeMinutes',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 0,
						description: 'The first activation starts from now; set this to also report tasks that finished in the last N minutes',
					},
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const watch = new Set(listParameter(this.getNodeParameter('watch', ['tasks'])));
		if (watch.size === 0) return null;
		const product: ProxmoxProduct = triggerProduct(this);
		if (product === 'pbs') watch.delete('state');
		else watch.delete('datastoreUsage');
		const kinds = new Set(watch.has('state') ? (listParameter(this.getNodeParameter('stateEvents', [])) as StateEventKind[]) : []);
		const manual = this.getMode() === 'manual';
		const staticData = this.getWorkflowStaticData('node');
		const client = await triggerClient(this);
		const origin = client.config.endpoints[0].origin;
		const nowSeconds = Math.floor(Date.now() / 1000);
		const items: Array<{ time: number; json: IDataObject }> = [];
		try {
			const includeMinutes = watch.has('tasks') ? (this.getNodeParameter('options.includeMinutes', 0) as number) || 0 : 0;
			const needTasks = watch.has('tasks') || STOP_KINDS.some((kind) => kinds.has(kind));
			let tasks: ClusterTask[] = [];
			if (needTasks) {
				tasks =
					product === 'pbs'
						? await pbsTasks(client, staticData.tasks as TaskCursor | undefined, nowSeconds, includeMinutes * 60, manual)
						: await client.get<ClusterTask[]>('/cluster/tasks');
			}
			if (watch.has('tasks')) {
				const filters: TaskFilters = {
					types: listParameter(this.getNodeParameter('taskTypes', '')),
					status: this.getNodeParameter('taskStatus', 'all') as TaskStatusFilter,
					nodes: product === 'pve' ? listParameter(this.getNodeParameter('taskNodes', '')) : [],
					vmids: product === 'pve' ? listParameter(this.getNodeParameter('taskVmids', '')) : [],
					users: listParameter(this.getNodeParameter('taskUsers', '')),
				};
				const logLines = this.getNodeParameter('logLines', 20) as number;
				let selected: Array<ClusterTask & { endtime: number; status: string }>;
				if (manual) {
					// Test step: the most recent matching task, so the editor shows the event's shape.
					selected = tasks
						.filter(isFinished)
						.filter((task) => taskMatches(task, filters))
						.sort((a, b) => b.endtime - a.endtime)
						.slice(0, 1);
				} else {
					const { fresh, cursor } = selectNewTasks(tasks, staticData.tasks as TaskCursor | undefined, { nowSeconds, includeSeconds: includeMinutes * 60 });
					staticData.tasks = cursor as unknown as IDataObject;
					selected = fresh.filter((task) => taskMatches(task, filters));
				}
				for (const task of selected) {
					const tail = exitStatusIsSuccess(task.status) ? undefined : await readLogTail(client, task.upid, logLines);
					items.push({ time: task.endtime, json: taskEvent(task, origin, tail, product) });
				}
			}
			if (watch.has('datastoreUsage')) {
				const options = {
					thresholdPercent: this.getNodeParameter('thresholdPercent', 90) as number,
					hysteresisPercent: this.getNodeParameter('hysteresisPercent', 5) as number,
				};
				const usage = await client.get<DatastoreUsage[]>('/status/datastore-usage');
				const previous = staticData.datastores as DatastoreState | undefined;
				const { state, crossed } = datastoreChanges(usage, manual ? undefined : previous, options);
				for (const change of crossed) items.push({ time: nowSeconds, json: datastoreEvent(change, options, nowSeconds) });
				if (!manual) staticData.datastores = state as unknown as IDataObject;
			}
			if (watch.has('state') && kinds.size > 0) {
				const options: StateOptions = {
					kinds,
					thresholdPercent: this.getNodeParameter('thresholdPercent', 90) as number,
					hysteresisPercent: this.getNodeParameter('hysteresisPercent', 5) as number,
					stopTaskSlackSeconds: 120,
				};
				const resources = await client.get<Resource[]>('/cluster/resources');
				const ha = kinds.has('haState') ? await client.get<HaEntry[]>('/cluster/ha/status/current') : undefined;
				const previous = staticData.state as StateSnapshot | undefined;
				const current = takeSnapshot(resources, previous, nowSeconds, options, ha);
				if (previous && !manual) {
					// HA appears in the snapshot only from the cycle it was selected in: no flood either.
					for (const change of diffSnapshots(previous, current, resources, tasks, options)) items.push({ time: nowSeconds, json: stateEvent(change, origin, nowSeconds) });
				}
				if (!manual) staticData.state = current as unknown as IDataObject;
			}
		} catch (error) {
			throw toNodeError(this.getNode(), error);
		}
		if (items.length === 0) return null;
		items.sort((a, b) => a.time - b.time);
		return [items.map(({ json }) => ({ json }))];
	}
}
